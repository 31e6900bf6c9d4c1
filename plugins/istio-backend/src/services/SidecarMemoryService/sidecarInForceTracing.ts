import type {
  IstioSidecarWarning,
  IstioTracingSettings,
  IstioWorkloadTracing,
} from '@istio-backstage/plugin-istio-common';
import type { Target } from '../../lib/sidecar/meshIndex';
import { egressImports } from '../../lib/sidecar/visibility';
import {
  SidecarGroups,
  addHostsFix,
  describeTarget,
  registryTarget,
  sidecarLabel,
  type InForceContext,
} from './inForceContext';

/** A tracing collector the proxies need in their configuration. */
interface CollectorNeed {
  target: Target;
  /** `host:port` as the provider names it. */
  address: string;
  /** The extension provider's name, else its kind. */
  provider?: string;
  /** What chose the provider, e.g. `Telemetry istio-system/mesh-default`. */
  decidedBy: string;
}

/**
 * The collector one side of a workload's tracing needs imported, if any: only when
 * its proxies send spans through a tracer istiod configures from an extension provider
 * (the Telemetry API or `defaultProviders`), which points at the collector's outbound
 * cluster, to a collector the mesh registry holds. The legacy bootstrap tracer
 * (`defaultConfig.tracing`) brings its own cluster and needs no import; a missing
 * collector is missing whatever the Sidecar says.
 */
function collectorNeed(
  ctx: InForceContext,
  side: IstioTracingSettings | undefined,
): CollectorNeed | undefined {
  const collector = side?.collector;
  if (
    !side ||
    !collector ||
    side.sendsSpans !== 'yes' ||
    side.configuredBy !== 'telemetry-api' ||
    collector.exists === 'no-service' ||
    collector.exists === 'no-port'
  )
    return undefined;
  const { service } = collector;
  // A provider `service` may be written `namespace/host`.
  const host = service
    ? `${service.name}.${service.namespace}`
    : collector.host.slice(collector.host.indexOf('/') + 1);
  const target = registryTarget(ctx, host, service?.namespace);
  if (!target) return undefined;
  const provider = side.providerName ?? side.provider;
  return {
    target,
    address: `${collector.host}:${collector.port}`,
    ...(provider ? { provider } : {}),
    decidedBy: side.decidedBy.provider,
  };
}

/**
 * `sidecar-drops-tracing-collector`: for each Sidecar in force, the tracing collectors
 * of the workloads it configures (their revision's MeshConfig and the Telemetry that
 * applies to them, outbound and inbound sides) that its egress hosts do not import.
 */
export function droppedCollectors(
  ctx: InForceContext,
  tracing: readonly IstioWorkloadTracing[],
): IstioSidecarWarning[] {
  const groups = new SidecarGroups<CollectorNeed>();
  for (const entry of tracing) {
    const scopes = ctx.scopes.get(entry.workload);
    if (!scopes) continue;
    for (const side of [entry, entry.server]) {
      const need = collectorNeed(ctx, side);
      if (!need) continue;
      const { namespace, dnsName } = need.target;
      for (const scope of scopes) {
        if (egressImports(scope.matcher, namespace, dnsName)) continue;
        const key = `${namespace}/${dnsName}|${need.address}`;
        groups.add(scope, key, entry.workload, () => need);
      }
    }
  }
  const { namespace, rootNamespace } = ctx.input;
  return groups.warnings(
    'sidecar-drops-tracing-collector',
    ({ scope, detail }, workloads) => {
      const { target } = detail;
      const provider = detail.provider
        ? `provider ${detail.provider}, chosen by ${detail.decidedBy}`
        : `chosen by ${detail.decidedBy}`;
      return `${sidecarLabel(
        scope.sidecar,
        rootNamespace,
      )} is in force for ${workloads}, whose proxies send spans to ${
        detail.address
      } (${provider}), and does not import that collector (${describeTarget(
        ctx,
        target,
      )}): istiod points the tracer at the collector's outbound cluster, which these proxies do not receive, so their spans are dropped. ${addHostsFix(
        scope.sidecar,
        namespace,
        [`${target.namespace}/${target.dnsName}`],
      )}`;
    },
  );
}
