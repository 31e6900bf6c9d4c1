import type { IstioSidecarWarning } from '@istio-backstage/plugin-istio-common';
import { shortHost } from '../../lib/sidecar/hosts';
import type { Target } from '../../lib/sidecar/meshIndex';
import {
  trafficText,
  type AggregatedTraffic,
  type EdgeTotal,
} from '../../lib/sidecar/observedTraffic';
import { egressImports } from '../../lib/sidecar/visibility';
import {
  SidecarGroups,
  addHostsFix,
  describeTarget,
  destinationHost,
  registryTarget,
  sidecarLabel,
  type InForceContext,
} from './inForceContext';

/** Calls to one mesh service that a Sidecar in force left unmatched. */
interface Blocked {
  target: Target;
  /** Each workload's unmatched totals to the target. */
  totals: EdgeTotal[];
}

/**
 * `sidecar-blocks-dependency`: calls from the entity's workloads counted against
 * PassthroughCluster (ALLOW_ANY) or BlackHoleCluster (REGISTRY_ONLY) in the window, to
 * a destination the mesh registry holds and exports to the namespace, while the Sidecar
 * in force for the caller does not import it — so its proxy had no route for it. Calls
 * to hosts the registry does not hold (external names, IP addresses, `unknown`) are
 * left to the `unmatched-traffic` warning: no egress host can import them.
 */
export function blockedDependencies(
  ctx: InForceContext,
  traffic: AggregatedTraffic,
): IstioSidecarWarning[] {
  const groups = new SidecarGroups<Blocked>();
  for (const [destination, totals] of traffic.byDestination) {
    const unmatched = totals.filter(t => t.unmatched);
    if (unmatched.length === 0) continue;
    const target = registryTarget(
      ctx,
      destinationHost(destination),
      ctx.input.namespace,
    );
    if (!target) continue;
    const key = `${target.namespace}/${target.dnsName}`;
    for (const t of unmatched) {
      for (const scope of ctx.scopes.get(t.workload) ?? []) {
        if (egressImports(scope.matcher, target.namespace, target.dnsName))
          continue;
        groups
          .add(scope, key, t.workload, () => ({ target, totals: [] }))
          .totals.push(t);
      }
    }
  }
  const { namespace, rootNamespace, windowDays } = ctx.input;
  return groups.warnings(
    'sidecar-blocks-dependency',
    ({ scope, detail }, workloads) => {
      const { target, totals } = detail;
      const calls = [...totals]
        .sort((a, b) => (a.workload < b.workload ? -1 : 1))
        .map(
          t =>
            `${t.workload} → ${trafficText(t, windowDays)} through ${
              t.unmatched
            }`,
        )
        .join('; ');
      return `${sidecarLabel(
        scope.sidecar,
        rootNamespace,
      )} is in force for ${workloads} and does not import ${shortHost(
        target.dnsName,
      )} (${describeTarget(
        ctx,
        target,
      )}), which they called: ${calls}. ${consequence(totals)} ${addHostsFix(
        scope.sidecar,
        namespace,
        [`${target.namespace}/${target.dnsName}`],
      )}`;
    },
  );
}

/** What became of the calls, by the catch-all cluster that took them. */
function consequence(totals: readonly EdgeTotal[]): string {
  const via = new Set(totals.map(t => t.unmatched));
  const parts: string[] = [];
  if (via.has('BlackHoleCluster')) {
    parts.push(
      'Calls through BlackHoleCluster (outbound policy REGISTRY_ONLY) were refused with 502 and never arrived.',
    );
  }
  if (via.has('PassthroughCluster')) {
    parts.push(
      'Calls through PassthroughCluster (outbound policy ALLOW_ANY) left as plain traffic to the address: no mTLS, no routing, retries or load balancing of the mesh, and they fail where the destination requires mTLS.',
    );
  }
  return parts.join(' ');
}
