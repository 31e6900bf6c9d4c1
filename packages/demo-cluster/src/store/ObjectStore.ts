import { randomUUID } from 'node:crypto';
import { groupVersion, type ResourceType } from './resources';
import {
  jsonMergePatch,
  managedFieldsOf,
  managerKey,
  ownAll,
  serverSideApply,
  updateOwnership,
  type ApplyConflict,
  type Json,
  type Ownership,
} from './serverSideApply';
import type { KubeObject, WatchEvent } from './types';

interface Entry {
  object: KubeObject;
  ownership: Ownership;
  /** When each ownership entry (by `managerKey`) last wrote. */
  operations: Map<string, { time: string }>;
}

/** Thrown by store operations; carries the Kubernetes status it maps to. */
export class StoreError extends Error {
  constructor(
    readonly code: 404 | 409 | 422,
    readonly reason: 'NotFound' | 'AlreadyExists' | 'Conflict' | 'Invalid',
    message: string,
    readonly conflicts?: ApplyConflict[],
    /** The Status `details` naming the object, as the API server sends them. */
    readonly details?: { name: string; group?: string; kind: string },
  ) {
    super(message);
  }
}

/** `<plural>[.<group>]`, as the API server names a resource in its messages. */
const resourceName = (type: ResourceType) =>
  `${type.plural}${type.group ? `.${type.group}` : ''}`;

/** The NotFound error of an object that does not exist. */
const notFound = (type: ResourceType, name: string) =>
  new StoreError(404, 'NotFound', `${resourceName(type)} "${name}" not found`);

/** RFC 3339 with second precision, as the API server writes timestamps. */
export function kubeTime(ms: number = Date.now()): string {
  return new Date(Math.floor(ms / 1000) * 1000)
    .toISOString()
    .replace('.000Z', 'Z');
}

type Listener = (event: WatchEvent, type: ResourceType) => void;

/**
 * The simulated cluster's objects, kept in memory, with resource versions, watch
 * events and server-side-apply field ownership.
 */
export class ObjectStore {
  private readonly entries = new Map<string, Entry>();
  private readonly byType = new Map<string, Map<string, Entry>>();
  private readonly sortedByType = new Map<string, Entry[]>();
  private readonly listeners = new Set<Listener>();
  private revision = 1;

  private key(type: ResourceType, namespace: string | undefined, name: string) {
    return `${type.plural}.${type.group}|${namespace ?? ''}|${name}`;
  }

  /** The current resource version of the whole store. */
  get resourceVersion(): string {
    return String(this.revision);
  }

  /** Objects of a type, in one namespace or all, sorted by namespace and name. */
  list(type: ResourceType, namespace?: string): KubeObject[] {
    return this.listStored(type, namespace).map(entry => this.render(entry));
  }

  /**
   * Like {@link ObjectStore.list} but without copying: for filtering large lists before
   * rendering a page with {@link ObjectStore.rendered}. Callers must not mutate.
   */
  listShared(type: ResourceType, namespace?: string): readonly KubeObject[] {
    return this.listStored(type, namespace).map(entry => entry.object);
  }

  /** The output form (a copy with managedFields) of an object from {@link ObjectStore.listShared}. */
  rendered(type: ResourceType, object: KubeObject): KubeObject {
    const entry = this.entries.get(
      this.key(
        type,
        type.namespaced ? object.metadata.namespace : undefined,
        object.metadata.name,
      ),
    );
    return entry ? this.render(entry) : JSON.parse(JSON.stringify(object));
  }

  private listStored(type: ResourceType, namespace?: string): Entry[] {
    const typeKey = `${type.plural}.${type.group}`;
    let sorted = this.sortedByType.get(typeKey);
    if (!sorted) {
      // In etcd's key order (`<namespace>/<name>`, compared as bytes), as the API
      // server lists; a plain comparison also keeps re-sorting 10,000 pods cheap.
      const keyed = [...(this.byType.get(typeKey)?.values() ?? [])].map(
        entry => ({
          entry,
          key: `${entry.object.metadata.namespace ?? ''}/${
            entry.object.metadata.name
          }`,
        }),
      );
      keyed.sort((x, y) => {
        if (x.key === y.key) return 0;
        return x.key < y.key ? -1 : 1;
      });
      sorted = keyed.map(k => k.entry);
      this.sortedByType.set(typeKey, sorted);
    }
    return namespace === undefined
      ? sorted
      : sorted.filter(e => e.object.metadata.namespace === namespace);
  }

  private setEntry(type: ResourceType, key: string, entry: Entry | undefined) {
    const typeKey = `${type.plural}.${type.group}`;
    if (!this.byType.has(typeKey)) this.byType.set(typeKey, new Map());
    if (entry) {
      this.entries.set(key, entry);
      this.byType.get(typeKey)!.set(key, entry);
    } else {
      this.entries.delete(key);
      this.byType.get(typeKey)!.delete(key);
    }
    this.sortedByType.delete(typeKey);
  }

  get(
    type: ResourceType,
    namespace: string | undefined,
    name: string,
  ): KubeObject | undefined {
    const entry = this.entries.get(this.key(type, namespace, name));
    return entry ? this.render(entry) : undefined;
  }

  /**
   * Creates an object (POST); 409 AlreadyExists when it is there. As in Kubernetes, the
   * manager's `Update` entry owns every field it sent, apart from what it applies later.
   */
  create(
    type: ResourceType,
    object: KubeObject,
    options: { manager: string; dryRun?: boolean },
  ): KubeObject {
    const { name, namespace } = object.metadata;
    const key = this.key(type, type.namespaced ? namespace : undefined, name);
    if (this.entries.has(key)) {
      throw new StoreError(
        409,
        'AlreadyExists',
        `${resourceName(type)} "${name}" already exists`,
        undefined,
        {
          name,
          ...(type.group ? { group: type.group } : {}),
          kind: type.plural,
        },
      );
    }
    const stored = this.stamp(
      type,
      JSON.parse(JSON.stringify(object)),
      undefined,
    );
    const entry: Entry = {
      object: stored,
      ownership: ownAll(
        stored as unknown as Record<string, Json>,
        options.manager,
      ),
      operations: new Map([
        [
          managerKey(options.manager, 'Update'),
          { time: stored.metadata.creationTimestamp! },
        ],
      ]),
    };
    if (!options.dryRun) {
      this.setEntry(type, key, entry);
      this.emit({ type: 'ADDED', object: this.render(entry) }, type);
    }
    return this.render(entry);
  }

  /** Server-side apply (PATCH application/apply-patch+yaml). */
  apply(
    type: ResourceType,
    patch: KubeObject,
    options: { manager: string; force: boolean; dryRun?: boolean },
  ): { object: KubeObject; created: boolean } {
    const { name, namespace } = patch.metadata;
    const key = this.key(type, type.namespaced ? namespace : undefined, name);
    const existing = this.entries.get(key);
    // A resourceVersion in the patch is a precondition, as in Kubernetes.
    const expected = patch.metadata.resourceVersion;
    if (expected && existing?.object.metadata.resourceVersion !== expected) {
      throw new StoreError(
        409,
        'Conflict',
        `Operation cannot be fulfilled on ${type.plural} "${name}": the object has been modified; please apply your changes to the latest version and try again`,
      );
    }
    const result = serverSideApply({
      current: existing?.object as unknown as Record<string, Json> | undefined,
      ownership: existing?.ownership ?? new Map(),
      patch: patch as unknown as Record<string, Json>,
      manager: options.manager,
      force: options.force,
    });
    if ('conflicts' in result) {
      // An update entry is named with its API version, as kube-apiserver does.
      const fields = result.conflicts
        .map(
          c =>
            `conflict with "${c.manager}"${
              c.operation ? ` using ${patch.apiVersion}` : ''
            }: ${c.field}`,
        )
        .join('\n');
      throw new StoreError(
        409,
        'Conflict',
        `Apply failed with ${result.conflicts.length} conflict${
          result.conflicts.length > 1 ? 's' : ''
        }: ${fields}`,
        result.conflicts,
      );
    }
    const merged = result.object as unknown as KubeObject;
    merged.metadata = { ...(merged.metadata ?? {}), name };
    if (type.namespaced) merged.metadata.namespace = namespace;
    const stored = this.stamp(type, merged, existing?.object);
    const operations = new Map(existing?.operations ?? []);
    operations.set(managerKey(options.manager, 'Apply'), { time: kubeTime() });
    const entry: Entry = {
      object: stored,
      ownership: result.ownership,
      operations,
    };
    // As in Kubernetes, an apply that changes nothing keeps the resourceVersion.
    const withoutVersion = (o: KubeObject) =>
      JSON.stringify({
        ...o,
        metadata: { ...o.metadata, resourceVersion: undefined },
      });
    const changed =
      !existing || withoutVersion(existing.object) !== withoutVersion(stored);
    if (!options.dryRun) {
      if (changed) {
        this.setEntry(type, key, entry);
        this.emit(
          { type: existing ? 'MODIFIED' : 'ADDED', object: this.render(entry) },
          type,
        );
      } else if (!sameOwnership(existing!.ownership, result.ownership)) {
        // Nothing changed but who owns which field: recorded, with its time.
        existing!.ownership = result.ownership;
        existing!.operations = operations;
      }
      // A true no-op keeps even the managedFields times, as the API server does.
    }
    return {
      object: this.render(changed ? entry : existing!),
      created: !existing,
    };
  }

  /**
   * A JSON merge patch (PATCH `application/merge-patch+json`, as `kubectl label` and
   * `kubectl annotate` send): an update, so the manager's `Update` entry takes the
   * fields it changes. `check` sees the patched object before it is stored (validation,
   * admission); a patch that changes nothing stores nothing.
   */
  mergePatch(
    type: ResourceType,
    target: { namespace?: string; name: string },
    patch: Record<string, Json>,
    options: {
      manager: string;
      dryRun?: boolean;
      check?: (object: KubeObject) => void;
    },
  ): KubeObject {
    const namespace = type.namespaced ? target.namespace : undefined;
    const key = this.key(type, namespace, target.name);
    const existing = this.entries.get(key);
    if (!existing) throw notFound(type, target.name);
    const expected = (patch.metadata as { resourceVersion?: unknown } | null)
      ?.resourceVersion;
    if (
      expected !== undefined &&
      expected !== existing.object.metadata.resourceVersion
    )
      throw new StoreError(
        409,
        'Conflict',
        `Operation cannot be fulfilled on ${resourceName(type)} "${
          target.name
        }": the object has been modified; please apply your changes to the latest version and try again`,
      );
    const merged = jsonMergePatch(
      existing.object as unknown as Json,
      patch,
    ) as unknown as KubeObject;
    // Identity and server-owned metadata are not the patch's to change.
    merged.metadata = {
      ...merged.metadata,
      name: target.name,
      uid: existing.object.metadata.uid,
      resourceVersion: existing.object.metadata.resourceVersion,
      creationTimestamp: existing.object.metadata.creationTimestamp,
    };
    if (namespace) merged.metadata.namespace = namespace;
    delete merged.metadata.managedFields;
    options.check?.(merged);
    const { ownership, changed } = updateOwnership({
      before: existing.object as unknown as Record<string, Json>,
      after: merged as unknown as Record<string, Json>,
      ownership: existing.ownership,
      manager: options.manager,
    });
    if (!changed || options.dryRun)
      return this.render(
        changed ? { ...existing, object: merged, ownership } : existing,
      );
    const operations = new Map(existing.operations);
    operations.set(managerKey(options.manager, 'Update'), { time: kubeTime() });
    const entry: Entry = {
      object: this.stamp(type, merged, existing.object),
      ownership,
      operations,
    };
    this.setEntry(type, key, entry);
    this.emit({ type: 'MODIFIED', object: this.render(entry) }, type);
    return this.render(entry);
  }

  /** Replaces an object's status or spec as the simulator itself (not a client). */
  update(type: ResourceType, object: KubeObject): KubeObject {
    const key = this.key(
      type,
      type.namespaced ? object.metadata.namespace : undefined,
      object.metadata.name,
    );
    const existing = this.entries.get(key);
    if (!existing)
      throw new StoreError(
        404,
        'NotFound',
        `${type.plural} "${object.metadata.name}" not found`,
      );
    existing.object = this.stamp(
      type,
      JSON.parse(JSON.stringify(object)),
      existing.object,
    );
    this.emit({ type: 'MODIFIED', object: this.render(existing) }, type);
    return this.render(existing);
  }

  delete(
    type: ResourceType,
    namespace: string | undefined,
    name: string,
    options: { dryRun?: boolean } = {},
  ): KubeObject {
    const key = this.key(type, type.namespaced ? namespace : undefined, name);
    const entry = this.entries.get(key);
    if (!entry) throw notFound(type, name);
    const rendered = this.render(entry);
    if (!options.dryRun) {
      this.setEntry(type, key, undefined);
      this.revision++;
      rendered.metadata.resourceVersion = String(this.revision);
      this.emit({ type: 'DELETED', object: rendered }, type);
    }
    return rendered;
  }

  /** Subscribes to every change; returns the unsubscribe function. */
  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(event: WatchEvent, type: ResourceType) {
    for (const listener of this.listeners) listener(event, type);
  }

  private stamp(
    type: ResourceType,
    object: KubeObject,
    previous: KubeObject | undefined,
  ): KubeObject {
    this.revision++;
    const metadata = object.metadata;
    metadata.uid = previous?.metadata.uid ?? metadata.uid ?? randomUUID();
    metadata.creationTimestamp =
      previous?.metadata.creationTimestamp ??
      metadata.creationTimestamp ??
      kubeTime();
    metadata.resourceVersion = String(this.revision);
    const specChanged =
      JSON.stringify(previous?.spec) !== JSON.stringify(object.spec);
    metadata.generation =
      (previous?.metadata.generation ?? 0) + (previous && !specChanged ? 0 : 1);
    delete metadata.managedFields;
    object.apiVersion = groupVersion(type.group, type.versions[0]);
    object.kind = type.kind;
    return object;
  }

  private render(entry: Entry): KubeObject {
    const copy: KubeObject = JSON.parse(JSON.stringify(entry.object));
    copy.metadata.managedFields = managedFieldsOf(
      entry.ownership,
      copy.apiVersion,
      entry.operations,
    );
    return copy;
  }
}

/** Whether two field ownerships are the same managers owning the same fields. */
function sameOwnership(a: Ownership, b: Ownership): boolean {
  if (a.size !== b.size) return false;
  for (const [manager, fields] of a) {
    const other = b.get(manager);
    if (!other || other.size !== fields.size) return false;
    for (const field of fields) if (!other.has(field)) return false;
  }
  return true;
}
