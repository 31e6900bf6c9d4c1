import type { Entity } from '@backstage/catalog-model';
import type { V1Pod } from '@kubernetes/client-node';
import { isSidecarProxy, proxyKindOf } from '../../lib/mesh/dataPlane';
import type { CallerOwnership } from '../../lib/ownership/callerOwnership';
import { listNames } from '../../lib/sidecar/format';
import type { SidecarMemoryItem } from './analyseNamespace';
import {
  keptAnalysis,
  type NamespaceWork,
  type SidecarMemoryDeps,
} from './namespaceParts';
import { workloadNameOf } from './workloads';

/** The pods of a namespace that a Sidecar configures (gateways and pods without a proxy are not). */
export function sidecarPodsOf(pods: readonly V1Pod[]): V1Pod[] {
  return pods.filter(p => isSidecarProxy(proxyKindOf(p)));
}

/**
 * Why the caller may not write one Sidecar for the whole namespace: the sidecar
 * workloads there that are not theirs (see {@link CallerOwnership.podsNotOwned});
 * undefined when every one is.
 */
export async function namespaceDefaultRefusal(
  ownership: CallerOwnership,
  namespacePods: readonly V1Pod[],
  entity: { entity: Entity; pods: ReadonlySet<string> },
): Promise<string | undefined> {
  const foreign = await ownership.podsNotOwned(
    sidecarPodsOf(namespacePods),
    entity,
  );
  if (foreign.length === 0) return undefined;
  const workloads = [...new Set(foreign.map(workloadNameOf))].sort();
  return `it would configure ${listNames(
    workloads,
  )} too, which belong to no entity you own`;
}

/**
 * The analysed part as the caller may apply it: a namespace-wide recommendation is
 * analysed again, workload-scoped, when a sidecar workload of the namespace is not
 * the caller's. The refusal is part of the kept part's key, so callers who own the
 * whole namespace and those who do not never share an answer.
 */
export async function callerScopedAnalysis(
  deps: SidecarMemoryDeps,
  work: NamespaceWork,
  item: SidecarMemoryItem,
  caller: { ownership: () => Promise<CallerOwnership>; entity: Entity },
): Promise<SidecarMemoryItem> {
  if (item.recommendation?.scope !== 'namespace' || !work.entity) return item;
  const { namespacePods } = await work.data;
  const refused = namespacePods
    ? await namespaceDefaultRefusal(await caller.ownership(), namespacePods, {
        entity: caller.entity,
        pods: new Set(
          (work.selectedPods ?? []).map(p => p.metadata?.name ?? ''),
        ),
      })
    : "the namespace's pods could not be read to tell whose they are";
  if (!refused) return item;
  return keptAnalysis(deps, {
    ...work,
    entity: { ...work.entity, namespaceDefaultRefused: refused },
  });
}
