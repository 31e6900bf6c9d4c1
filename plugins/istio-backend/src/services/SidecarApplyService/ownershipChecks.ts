import type { Entity } from '@backstage/catalog-model';
import { ConflictError, NotAllowedError } from '@backstage/errors';
import { MESH_NAMESPACE_MARKS } from '@istio-backstage/plugin-istio-common';
import {
  fieldManagersOf,
  howToClaimNamespace,
  isOwner,
  type ClusterClient,
  type NamespaceOwnerRules,
} from '@istio-backstage/plugin-istio-node';
import type { V1Pod } from '@kubernetes/client-node';
import { selectorMatches } from '../../lib/mesh/dataPlane';
import type { CallerOwnership } from '../../lib/ownership/callerOwnership';
import { listNames } from '../../lib/sidecar/format';
import { podsPath } from '../SidecarMemoryService/readNamespace';
import { sidecarPodsOf } from '../SidecarMemoryService/callerNamespaceScope';
import { workloadNameOf } from '../SidecarMemoryService/workloads';
import type { SidecarObject } from './sidecarWrites';

/**
 * Refuses (403) unless the namespace itself says the caller owns it: its owner
 * annotation, or `istio.apply.namespaceOwners`. The catalog entity's own namespace
 * annotation proves nothing, since anyone may register an entity.
 */
export async function assertNamespaceOwner(
  client: ClusterClient,
  namespace: string,
  rules: NamespaceOwnerRules,
  ownership: CallerOwnership,
): Promise<void> {
  const object = await client.read(apis =>
    apis.core.readNamespace({ name: namespace }),
  );
  const owners = rules.ownersOf(client.cluster.name, object);
  if (isOwner(owners, ownership.refs)) return;
  const cluster = client.cluster.name;
  const recorded = owners
    ? `it belongs to ${owners.owners.join(', ')} (${
        owners.source === 'annotation'
          ? `its ${MESH_NAMESPACE_MARKS.ownerAnnotation} annotation`
          : 'istio.apply.namespaceOwners'
      }), and you are not a member`
    : `no owner is recorded for it; ${howToClaimNamespace(cluster, namespace)}`;
  throw new NotAllowedError(
    `Not allowed to write Sidecars in namespace '${namespace}' of cluster '${cluster}': ${recorded}`,
  );
}

/**
 * Refuses (409) to change a Sidecar that was not applied for this entity: one made by
 * hand or by another tool, one applied for another entity, or a namespace's default
 * written when the namespace was created. Ours carry the entity annotation.
 */
export function assertOurs(
  existing: ReadonlyArray<SidecarObject | undefined>,
  entityRef: string,
): void {
  for (const object of existing) {
    if (!object) continue;
    const name = `${object.metadata?.namespace}/${object.metadata?.name}`;
    const owner =
      object.metadata?.annotations?.[MESH_NAMESPACE_MARKS.entityAnnotation];
    if (owner === entityRef) continue;
    const managers = fieldManagersOf(object);
    const made = owner
      ? `was applied for ${owner}`
      : `was not applied for an entity through Backstage${
          managers.length ? ` (field managers: ${managers.join(', ')})` : ''
        }`;
    throw new ConflictError(
      `Sidecar ${name} ${made}; it is left unchanged. Its owner can change or delete it, after which this recommendation can be applied.`,
    );
  }
}

/**
 * Checks against the namespace's pods as they are now that each Sidecar configures only
 * the caller's pods: a workload-scoped one only pods of the entity (and no other
 * team's), one for the whole namespace only pods the caller owns. 403 otherwise.
 */
export async function assertSelectsOnlyOwnPods(
  client: ClusterClient,
  objects: readonly SidecarObject[],
  caller: {
    ownership: CallerOwnership;
    entity: Entity;
    /** The entity's pods, as its catalog selector finds them now. */
    entityPods: ReadonlySet<string>;
  },
): Promise<void> {
  const namespace = objects[0]?.metadata?.namespace;
  if (!namespace) return;
  const list = await client.read(apis =>
    apis.getJson<{ items?: V1Pod[] }>(podsPath(namespace)),
  );
  const pods = sidecarPodsOf(list.items ?? []);
  for (const object of objects) {
    const selector = object.spec?.workloadSelector?.labels;
    const selected = selector
      ? pods.filter(p => selectorMatches(selector, p.metadata?.labels))
      : pods;
    const foreign = selector
      ? selected.filter(p => !caller.entityPods.has(p.metadata?.name ?? ''))
      : [];
    foreign.push(
      ...(await caller.ownership.podsNotOwned(selected, {
        entity: caller.entity,
        pods: caller.entityPods,
      })),
    );
    if (foreign.length === 0) continue;
    const workloads = [...new Set(foreign.map(workloadNameOf))].sort();
    throw new NotAllowedError(
      `Sidecar ${namespace}/${
        object.metadata?.name
      } would configure ${listNames(workloads)}, which ${
        workloads.length === 1 ? 'is' : 'are'
      } not this entity's or not yours; nothing was written`,
    );
  }
}
