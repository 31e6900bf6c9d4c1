// Server-side apply, as far as Backstage and kubectl need it: field ownership per
// manager at the granularity of leaf fields (maps are merged key by key, lists are
// atomic as in CRDs without list-type markers), conflicts when another manager owns
// a field whose value would change, and removal of fields a manager stops applying.

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/**
 * Field paths (JSON-encoded arrays of keys) owned by each field manager, keyed by
 * {@link managerKey}: as in Kubernetes, what a manager applied and what it wrote with
 * a create or patch are two separate entries.
 */
export type Ownership = Map<string, Set<string>>;

/** How a manager wrote its fields: a server-side apply, or a create, update or patch. */
export type ManagerOperation = 'Apply' | 'Update';

const UPDATE_SUFFIX = '\u0000Update';

/** The {@link Ownership} key of a manager's entry for one kind of operation. */
export function managerKey(manager: string, operation: ManagerOperation) {
  return operation === 'Apply' ? manager : `${manager}${UPDATE_SUFFIX}`;
}

/** The manager name and operation of an {@link Ownership} key. */
export function parseManagerKey(key: string): {
  manager: string;
  operation: ManagerOperation;
} {
  return key.endsWith(UPDATE_SUFFIX)
    ? { manager: key.slice(0, -UPDATE_SUFFIX.length), operation: 'Update' }
    : { manager: key, operation: 'Apply' };
}

export interface ApplyConflict {
  manager: string;
  field: string;
  /** Set when the other manager wrote the field with a create or patch, not an apply. */
  operation?: 'Update';
}

/** Metadata the server owns; never part of an applied configuration. */
const SERVER_FIELDS = new Set([
  'uid',
  'resourceVersion',
  'creationTimestamp',
  'generation',
  'managedFields',
  'selfLink',
  'deletionTimestamp',
]);

function isMap(value: unknown): value is Record<string, Json> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Leaf paths of an object: maps recurse, everything else (lists too) is a leaf. */
export function leafPaths(
  object: Record<string, Json>,
  prefix: string[] = [],
): Map<string, Json> {
  const leaves = new Map<string, Json>();
  for (const [key, value] of Object.entries(object)) {
    if (
      prefix.length === 0 &&
      (key === 'apiVersion' || key === 'kind' || key === 'status')
    )
      continue;
    if (
      prefix.length === 1 &&
      prefix[0] === 'metadata' &&
      (SERVER_FIELDS.has(key) || key === 'name' || key === 'namespace')
    )
      continue;
    const path = [...prefix, key];
    if (isMap(value) && Object.keys(value).length > 0) {
      for (const [p, v] of leafPaths(value, path)) leaves.set(p, v);
    } else {
      leaves.set(JSON.stringify(path), value);
    }
  }
  return leaves;
}

function getPath(
  object: Record<string, Json>,
  path: string[],
): Json | undefined {
  let current: Json | undefined = object;
  for (const key of path) {
    if (!isMap(current)) return undefined;
    current = current[key];
  }
  return current;
}

function setPath(object: Record<string, Json>, path: string[], value: Json) {
  let current = object;
  for (const key of path.slice(0, -1)) {
    if (!isMap(current[key])) current[key] = {};
    current = current[key] as Record<string, Json>;
  }
  current[path[path.length - 1]] = value;
}

function deletePath(object: Record<string, Json>, path: string[]) {
  const parents: Array<Record<string, Json>> = [];
  let current = object;
  for (const key of path.slice(0, -1)) {
    if (!isMap(current[key])) return;
    parents.push(current);
    current = current[key] as Record<string, Json>;
  }
  delete current[path[path.length - 1]];
  // Prune maps the removal left empty.
  for (let i = path.length - 2; i >= 0; i--) {
    const parent = parents[i];
    const child = parent[path[i]];
    if (
      isMap(child) &&
      Object.keys(child).length === 0 &&
      !(i === 0 && path[0] === 'metadata')
    ) {
      delete parent[path[i]];
    } else {
      break;
    }
  }
}

/** `.spec.egress` style name of a field path, as the API server reports conflicts. */
export function fieldName(path: string): string {
  return (JSON.parse(path) as string[]).map(k => `.${k}`).join('');
}

/**
 * Applies `patch` as `manager` to `current` (undefined when creating). Returns the new
 * object and ownership, or the conflicts that stop it (only when `force` is false).
 */
export function serverSideApply(options: {
  current: Record<string, Json> | undefined;
  ownership: Ownership;
  patch: Record<string, Json>;
  manager: string;
  force: boolean;
}):
  | { object: Record<string, Json>; ownership: Ownership }
  | { conflicts: ApplyConflict[] } {
  const { current, patch, manager, force } = options;
  const applied = leafPaths(patch);
  const existing = current ? leafPaths(current) : new Map<string, Json>();

  const conflicts: ApplyConflict[] = [];
  for (const [path, value] of applied) {
    if (!existing.has(path)) continue;
    if (JSON.stringify(existing.get(path)) === JSON.stringify(value)) continue;
    for (const [other, fields] of options.ownership) {
      if (other === manager || !fields.has(path)) continue;
      const entry = parseManagerKey(other);
      conflicts.push({
        manager: entry.manager,
        field: fieldName(path),
        ...(entry.operation === 'Update' ? { operation: 'Update' } : {}),
      });
    }
  }
  if (conflicts.length > 0 && !force) return { conflicts };

  const object: Record<string, Json> = JSON.parse(
    JSON.stringify(current ?? {}),
  );
  const ownership: Ownership = new Map(
    [...options.ownership].map(([m, fields]) => [m, new Set(fields)]),
  );
  const previouslyMine = ownership.get(manager) ?? new Set<string>();

  // Fields this manager applied before but not now: remove unless someone else owns them.
  for (const path of previouslyMine) {
    if (applied.has(path)) continue;
    const ownedElsewhere = [...ownership].some(
      ([m, f]) => m !== manager && f.has(path),
    );
    if (!ownedElsewhere) deletePath(object, JSON.parse(path));
  }
  for (const [path, value] of applied) {
    setPath(object, JSON.parse(path), value);
    if (force) {
      for (const [other, fields] of ownership) {
        if (
          other !== manager &&
          JSON.stringify(existing.get(path)) !== JSON.stringify(value)
        )
          fields.delete(path);
      }
    }
  }
  ownership.set(manager, new Set(applied.keys()));
  for (const [m, fields] of ownership)
    if (fields.size === 0) ownership.delete(m);
  object.apiVersion = patch.apiVersion;
  object.kind = patch.kind;
  return { object, ownership };
}

/** Ownership of a created object: its manager's `Update` entry owns every field. */
export function ownAll(
  object: Record<string, Json>,
  manager: string,
): Ownership {
  const fields = new Set(leafPaths(object).keys());
  return fields.size > 0
    ? new Map([[managerKey(manager, 'Update'), fields]])
    : new Map();
}

/** RFC 7386 JSON merge patch: maps merge key by key, `null` removes, anything else replaces. */
export function jsonMergePatch(target: Json | undefined, patch: Json): Json {
  if (!isMap(patch)) return patch;
  const result: Record<string, Json> = isMap(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else result[key] = jsonMergePatch(result[key], value);
  }
  return result;
}

/**
 * Ownership after an update (a patch that is not an apply) by `manager`:
 * its `Update` entry takes every field whose value it changed or added, from whoever
 * owned it (updates never conflict), and removed fields are nobody's.
 */
export function updateOwnership(options: {
  before: Record<string, Json>;
  after: Record<string, Json>;
  ownership: Ownership;
  manager: string;
}): { ownership: Ownership; changed: boolean } {
  const old = leafPaths(options.before);
  const now = leafPaths(options.after);
  const touched = new Set<string>();
  for (const [path, value] of now)
    if (
      !old.has(path) ||
      JSON.stringify(old.get(path)) !== JSON.stringify(value)
    )
      touched.add(path);
  for (const path of old.keys()) if (!now.has(path)) touched.add(path);
  const ownership: Ownership = new Map(
    [...options.ownership].map(([m, fields]) => [
      m,
      new Set([...fields].filter(f => !touched.has(f))),
    ]),
  );
  const key = managerKey(options.manager, 'Update');
  const mine = ownership.get(key) ?? new Set<string>();
  for (const path of touched) if (now.has(path)) mine.add(path);
  ownership.set(key, mine);
  for (const [m, fields] of ownership)
    if (fields.size === 0) ownership.delete(m);
  return { ownership, changed: touched.size > 0 };
}

/**
 * The `metadata.managedFields` rendering of an ownership map (FieldsV1 format).
 *
 * @param operations - when each entry (by {@link managerKey}) last wrote
 */
export function managedFieldsOf(
  ownership: Ownership,
  apiVersion: string,
  operations: Map<string, { time: string }>,
): unknown[] {
  return [...ownership].map(([entry, fields]) => {
    const fieldsV1: Record<string, Json> = {};
    for (const path of fields) {
      let node = fieldsV1;
      for (const key of JSON.parse(path) as string[]) {
        const k = `f:${key}`;
        if (!isMap(node[k])) node[k] = {};
        node = node[k] as Record<string, Json>;
      }
    }
    const { manager, operation } = parseManagerKey(entry);
    const time = operations.get(entry)?.time ?? new Date(0).toISOString();
    return {
      manager,
      operation,
      apiVersion,
      time,
      fieldsType: 'FieldsV1',
      fieldsV1,
    };
  });
}

export { getPath };
export type { Json };
