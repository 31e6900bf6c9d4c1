import { parseEntityRef } from '@backstage/catalog-model';
import type { KubernetesObject } from '@kubernetes/client-node';
import { ISTIO_FIELD_MANAGER } from '@istio-backstage/plugin-istio-common';
import { createHash } from 'node:crypto';

/** The API server refuses field managers longer than this. */
const FIELD_MANAGER_MAX = 128;

/**
 * The field manager of the Sidecars applied for one entity
 * (`backstage-istio/<kind>.<namespace>.<name>`): each entity's writes are its own, so
 * one entity's apply can never take over fields another entity's apply wrote. Too
 * long a name is shortened with a hash of the whole ref, keeping it unique.
 *
 * @public
 */
export function entityFieldManager(entityRef: string): string {
  const { kind, namespace, name } = parseEntityRef(entityRef);
  const full =
    `${ISTIO_FIELD_MANAGER}/${kind}.${namespace}.${name}`.toLowerCase();
  if (full.length <= FIELD_MANAGER_MAX) return full;
  const hash = createHash('sha256').update(full).digest('hex').slice(0, 12);
  return `${full.slice(0, FIELD_MANAGER_MAX - hash.length - 1)}-${hash}`;
}

type ManagedFieldsEntry = {
  manager?: string;
  operation?: string;
  fieldsV1?: Record<string, unknown>;
};

const entriesOf = (object: KubernetesObject): ManagedFieldsEntry[] =>
  (object.metadata?.managedFields as ManagedFieldsEntry[] | undefined) ?? [];

/**
 * The field managers that own any field of the object, in their order; `before-first-apply`
 * and other managers that own nothing are left out.
 *
 * @public
 */
export function fieldManagersOf(object: KubernetesObject): string[] {
  return [
    ...new Set(
      entriesOf(object)
        .filter(e => e.manager && Object.keys(e.fieldsV1 ?? {}).length > 0)
        .map(e => e.manager!),
    ),
  ];
}

/**
 * Whether `manager` owns the field at `path` of the object (for example
 * `['metadata', 'annotations', 'istio-backstage.io/owner']`), as its
 * `metadata.managedFields` record: proof of who wrote a value, which a label or
 * annotation alone cannot give.
 *
 * @public
 */
export function managerOwnsField(
  object: KubernetesObject,
  manager: string,
  path: readonly string[],
): boolean {
  return entriesOf(object).some(entry => {
    if (entry.manager !== manager) return false;
    let fields: unknown = entry.fieldsV1;
    for (const key of path) {
      if (!fields || typeof fields !== 'object') return false;
      fields = (fields as Record<string, unknown>)[`f:${key}`];
    }
    return fields !== undefined;
  });
}
