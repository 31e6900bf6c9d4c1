import type { IstioSidecarWarning } from '@istio-backstage/plugin-istio-common';
import type { RecommendationInput } from './types';
import { normalizeDnsName, parseEgressHost } from './hosts';
import { HostCollector } from './hostCollector';
import { resolveTarget, type Index } from './meshIndex';
import { addObservedTraffic, type AggregatedTraffic } from './observedTraffic';
import { addRoutingObjects } from './routingObjects';
import { destinationRuleWarnings } from './destinationRules';

/**
 * Every egress host the entity's proxies need, each with its reasons, hosts covered by a
 * broader one folded into it: the own and control plane namespaces, the tracing
 * collector, observed traffic, catalog dependencies and requested hosts, then the
 * VirtualServices and ServiceEntries exported to the namespace that concern any of
 * them, from the namespaces they are defined in. `traffic` is undefined when
 * Prometheus could not be read; unmatched traffic and DestinationRules that can never
 * apply to the called hosts add their warnings to `warnings`. Expects `exportTo`
 * defaults already applied (see `withExportDefaults`).
 */
export function collectEgressHosts(
  input: RecommendationInput,
  index: Index,
  traffic: AggregatedTraffic | undefined,
  warnings: IstioSidecarWarning[],
): HostCollector {
  const hosts = new HostCollector(input.namespace);
  addOwnAndControlPlaneNamespaces(input, hosts);
  addTracingCollector(input, index, hosts);
  if (traffic) {
    addObservedTraffic(traffic, index, hosts, input.windowDays, warnings);
  }
  addCatalogDependencies(input, index, hosts);
  addExtraHosts(input, hosts);
  warnings.push(...destinationRuleWarnings(input, index, hosts));
  addRoutingObjects(input, index, hosts);
  hosts.foldCovered();
  return hosts;
}

/** `./*`, and each control plane namespace whole (the root namespace when none is known). */
function addOwnAndControlPlaneNamespaces(
  input: RecommendationInput,
  hosts: HostCollector,
): void {
  hosts.add(
    '.',
    '*',
    'own-namespace',
    `services of ${input.namespace}, the workloads' own namespace (egress "./*")`,
  );
  const controlPlanes = [...new Set(input.controlPlaneNamespaces)].sort();
  if (controlPlanes.length === 0) {
    hosts.add(
      input.rootNamespace,
      '*',
      'control-plane',
      `root namespace ${input.rootNamespace} (no istiod namespace known)`,
    );
  }
  for (const cp of controlPlanes) {
    hosts.add(
      cp,
      '*',
      'control-plane',
      `control plane namespace ${cp}: istiod, and mesh add-ons that often live beside it (zipkin, egress gateway)`,
    );
  }
}

/**
 * Each tracing collector the workloads send spans to, as `<collector-ns>/<collector
 * FQDN>`: that one service, not its whole namespace, since observability namespaces also
 * hold Prometheus, Grafana, Jaeger query… whose clusters every proxy would pay for. A
 * collector is kept for the workloads whose revision and Telemetry send spans there.
 */
function addTracingCollector(
  input: RecommendationInput,
  index: Index,
  hosts: HostCollector,
): void {
  for (const collector of input.tracingCollectors ?? []) {
    const t = resolveTarget(index, collector.host, collector.namespace);
    const port = collector.port === undefined ? '' : `:${collector.port}`;
    // What decided the provider names the revision; without it, the revision alone.
    const source =
      collector.decidedBy ??
      (collector.revision ? `revision ${collector.revision}` : undefined);
    const detail = `spans go to ${collector.host}${port}${
      source ? ` (${source})` : ''
    }; a Sidecar without it drops them`;
    for (const workload of collector.workloads ?? [undefined])
      hosts.add(t.namespace, t.dnsName, 'tracing-collector', detail, workload);
  }
}

/** Services the catalog declares as dependencies, found in the mesh registry or not. */
function addCatalogDependencies(
  input: RecommendationInput,
  index: Index,
  hosts: HostCollector,
): void {
  for (const dep of input.catalogDependencies) {
    const svc = index.servicesByName.get(`${dep.namespace}/${dep.service}`);
    const dns = svc
      ? normalizeDnsName(svc.host)
      : `${dep.service}.${dep.namespace}.svc.${index.clusterDomain}`;
    hosts.add(
      dep.namespace,
      dns,
      'catalog-dependency',
      `${dep.entityRef} is a declared dependency (Service ${dep.service}.${
        dep.namespace
      }${svc ? '' : ', not found in the mesh registry'})`,
    );
  }
}

/** Hosts asked for when applying; `~/…` (import nothing) adds nothing. */
function addExtraHosts(input: RecommendationInput, hosts: HostCollector): void {
  for (const extra of input.extraHosts ?? []) {
    const parsed = parseEgressHost(extra);
    if (parsed && parsed.namespace !== '~') {
      hosts.add(
        parsed.namespace,
        parsed.dnsName,
        'requested',
        'asked for when applying',
      );
    }
  }
}
