// Findings about the Sidecar resources that configure the entity's proxies today (not
// the recommendation): what they leave out that the proxies need. Each finding names
// the Sidecar, the workloads it is in force for, and the egress host that fixes it.
import type {
  IstioSidecarWarning,
  IstioWorkloadTracing,
} from '@istio-backstage/plugin-istio-common';
import { buildIndex, withExportDefaults } from '../../lib/sidecar/meshIndex';
import { aggregateEdges } from '../../lib/sidecar/observedTraffic';
import type {
  RecommendationInput,
  SidecarObject,
} from '../../lib/sidecar/types';
import {
  compileEgressHosts,
  sidecarInForce,
} from '../../lib/sidecar/visibility';
import type { InForceContext, SidecarScope } from './inForceContext';
import { droppedCollectors } from './sidecarInForceTracing';
import { blockedDependencies } from './sidecarInForceTraffic';
import { unimportedRouting } from './sidecarInForceRouting';

export {
  SIDECAR_IN_FORCE_CODES,
  type SidecarInForceCode,
} from './inForceContext';

/**
 * Findings about the Sidecars in force for the entity's workloads: a tracing collector
 * they do not import (`sidecar-drops-tracing-collector`), a called mesh service they do
 * not import whose calls went to PassthroughCluster or BlackHoleCluster
 * (`sidecar-blocks-dependency`), and a VirtualService routing a called host that they
 * do not import from the namespace it is defined in (`sidecar-routing-not-imported`).
 * Nothing for ambient namespaces, gateways and workloads no Sidecar applies to; nothing
 * either from facts that could not be read (no tracing, no observed traffic). Pure.
 */
export function sidecarInForceFindings(
  given: RecommendationInput,
  tracing: readonly IstioWorkloadTracing[] | undefined,
): IstioSidecarWarning[] {
  if (given.namespaceAmbient) return [];
  const input = withExportDefaults(given);
  const scopes = scopesOf(input);
  if (scopes.size === 0) return [];
  const ctx: InForceContext = { input, index: buildIndex(input), scopes };
  const traffic = input.observedEdges
    ? aggregateEdges(
        input.observedEdges,
        input.namespace,
        new Set(scopes.keys()),
      )
    : undefined;
  return [
    ...droppedCollectors(ctx, tracing ?? []),
    ...(traffic ? blockedDependencies(ctx, traffic) : []),
    ...unimportedRouting(ctx, traffic),
  ];
}

/** The Sidecars in force for each of the entity's workloads that a Sidecar configures. */
function scopesOf(input: RecommendationInput): Map<string, SidecarScope[]> {
  const compiled = new Map<SidecarObject, SidecarScope>();
  const scopes = new Map<string, SidecarScope[]>();
  for (const w of input.entityWorkloads) {
    if (!w.hasSidecar || w.isGateway) continue;
    const found: SidecarScope[] = [];
    for (const labels of w.podLabels ?? [w.labels]) {
      const sidecar = sidecarInForce(
        input.sidecars,
        { namespace: w.namespace, labels, isGateway: false },
        input.rootNamespace,
      );
      if (!sidecar) continue;
      let scope = compiled.get(sidecar);
      if (!scope) {
        scope = {
          sidecar,
          matcher: compileEgressHosts(sidecar.hosts, w.namespace),
        };
        compiled.set(sidecar, scope);
      }
      if (!found.includes(scope)) found.push(scope);
    }
    if (found.length > 0) scopes.set(w.name, found);
  }
  return scopes;
}
