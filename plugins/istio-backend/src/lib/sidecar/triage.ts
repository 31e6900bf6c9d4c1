import type { IstioSidecarWarning } from '@istio-backstage/plugin-istio-common';
import type {
  RecommendationInput,
  RecommendationResult,
  WorkloadInfo,
} from './types';
import { listNames } from './format';

/**
 * Why nothing can be recommended (an ambient namespace, no workloads, only gateways, no
 * sidecar), or the entity workloads a Sidecar would configure and the warnings so far
 * (gateways and workloads without a sidecar are left as they are).
 */
export function triage(
  input: RecommendationInput,
):
  | { meshed: WorkloadInfo[]; warnings: IstioSidecarWarning[] }
  | RecommendationResult {
  const ns = input.namespace;
  if (input.namespaceAmbient) {
    return {
      warnings: [
        {
          code: 'ambient-namespace',
          message: `Namespace ${ns} uses ambient mode: Sidecar resources have no effect on ambient workloads (ztunnel and waypoints are not configured by them), so no Sidecar is recommended.`,
        },
      ],
    };
  }
  if (input.entityWorkloads.length === 0) {
    return {
      warnings: [
        {
          code: 'no-workloads',
          message: `No workloads of this entity were found in ${ns}: nothing to scope.`,
        },
      ],
    };
  }
  const gateways = input.entityWorkloads.filter(w => w.isGateway);
  if (gateways.length === input.entityWorkloads.length) {
    return {
      warnings: [
        {
          code: 'gateway',
          message: `All workloads of this entity in ${ns} are gateways (${listNames(
            gateways.map(g => g.name),
          )}): Sidecar resources do not apply to gateways, so no Sidecar is recommended. Limit what gateways see with exportTo or discoverySelectors instead.`,
        },
      ],
    };
  }
  const warnings: IstioSidecarWarning[] = gateways.map(g => ({
    code: 'gateway',
    workload: g.name,
    message: `${g.name} is a gateway: Sidecar resources do not apply to it, and the recommendation leaves it as is.`,
  }));
  return meshedWorkloads(input, warnings);
}

/** The entity's non-gateway workloads that run a sidecar, warning about those that do not. */
function meshedWorkloads(
  input: RecommendationInput,
  warnings: IstioSidecarWarning[],
):
  | { meshed: WorkloadInfo[]; warnings: IstioSidecarWarning[] }
  | RecommendationResult {
  const candidates = input.entityWorkloads.filter(w => !w.isGateway);
  const meshed = candidates.filter(w => w.hasSidecar);
  if (meshed.length === 0) {
    warnings.push({
      code: 'not-in-mesh',
      message: `None of this entity's workloads in ${
        input.namespace
      } (${listNames(
        candidates.map(w => w.name),
      )}) runs an Envoy sidecar: a Sidecar resource would have no effect.`,
    });
    return { warnings };
  }
  for (const w of candidates) {
    if (!w.hasSidecar) {
      warnings.push({
        code: 'not-in-mesh',
        workload: w.name,
        message: `${w.name} runs no Envoy sidecar: the recommendation does not affect it.`,
      });
    }
  }
  return { meshed, warnings };
}
