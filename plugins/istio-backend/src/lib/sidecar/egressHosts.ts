import type { IstioSidecarWarning } from '@istio-backstage/plugin-istio-common';
import type { RecommendationInput } from './types';
import {
  dnsNamesOverlap,
  isWildcard,
  normalizeDnsName,
  parseEgressHost,
} from './hosts';
import { listNames } from './format';
import { HostCollector, entryWorkloads, type HostEntry } from './hostCollector';
import { resolveTarget, type Index } from './meshIndex';
import { addObservedTraffic, type AggregatedTraffic } from './observedTraffic';

/**
 * Every egress host the entity's proxies need, each with its reasons, hosts covered by a
 * broader one folded into it. `traffic` is undefined when Prometheus could not be read;
 * unmatched traffic adds its warnings to `warnings`.
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
  addVirtualServices(input, index, hosts);
  addExtraHosts(input, hosts);
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
 * The tracing collector as `<collector-ns>/<collector FQDN>`: that one service, not its
 * whole namespace, since observability namespaces also hold Prometheus, Grafana, Jaeger
 * query… whose clusters every proxy would pay for.
 */
function addTracingCollector(
  input: RecommendationInput,
  index: Index,
  hosts: HostCollector,
): void {
  const collector = input.tracingCollector;
  if (!collector) return;
  const t = resolveTarget(index, collector.host, collector.namespace);
  const port = collector.port === undefined ? '' : `:${collector.port}`;
  hosts.add(
    t.namespace,
    t.dnsName,
    'tracing-collector',
    `spans go to ${collector.host}${port}; a Sidecar without it drops them`,
  );
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

/**
 * VirtualServices apply to a proxy only when imported from their own namespace. Those of
 * the own namespace come with `./*` (noted as a reason on it); one elsewhere that routes
 * a host the proxies keep — listed, or a Service of a namespace kept whole — needs
 * `<vs-ns>/<host>` too, or its routing rules silently stop applying. Hosts are expanded
 * as istiod does: only dot-less short names, relative to the VirtualService's namespace.
 */
function addVirtualServices(
  input: RecommendationInput,
  index: Index,
  hosts: HostCollector,
): void {
  const own = input.virtualServices
    .filter(vs => vs.namespace === input.namespace)
    .map(vs => vs.name)
    .sort();
  if (own.length > 0) {
    hosts.add(
      '.',
      '*',
      'virtual-service',
      `VirtualService${own.length > 1 ? 's' : ''} ${listNames(own)} in ${
        input.namespace
      } (imported from their own namespace)`,
    );
  }
  const others = input.virtualServices.filter(
    vs => vs.namespace !== input.namespace,
  );
  if (others.length === 0) return;

  const relevant = keptEntriesFor(hosts, index, input.namespace);
  for (const vs of others) {
    for (const raw of vs.hosts) {
      const host = raw.includes('.')
        ? normalizeDnsName(raw)
        : `${normalizeDnsName(raw)}.${vs.namespace}.svc.${index.clusterDomain}`;
      for (const [dns, entry] of relevant(host)) {
        const needed = entryWorkloads(entry);
        const workloads = needed === 'all' ? [undefined] : [...needed];
        for (const w of workloads) {
          hosts.add(
            vs.namespace,
            dns,
            'virtual-service',
            `VirtualService ${vs.namespace}/${vs.name} routes ${dns}; it applies only when imported from ${vs.namespace}`,
            w,
          );
        }
      }
    }
  }
}

/**
 * A look-up from a host a VirtualService routes to the kept entries it concerns, with
 * the DNS name to import: entries of that exact name (or overlapping a wildcard host),
 * and the entry keeping its Service's namespace whole.
 */
function keptEntriesFor(
  hosts: HostCollector,
  index: Index,
  ownNamespace: string,
): (host: string) => Array<[string, HostEntry]> {
  const kept = new Map<string, HostEntry[]>();
  const wholeNamespaces = new Map<string, HostEntry>();
  for (const entry of hosts.entries.values()) {
    if (entry.dnsName === '*') {
      wholeNamespaces.set(
        entry.namespace === '.' ? ownNamespace : entry.namespace,
        entry,
      );
      continue;
    }
    const list = kept.get(entry.dnsName);
    if (list) list.push(entry);
    else kept.set(entry.dnsName, [entry]);
  }
  return host => {
    if (isWildcard(host)) {
      return [...kept].flatMap(([dns, list]) =>
        dnsNamesOverlap(host, dns)
          ? list.map((e): [string, HostEntry] => [dns, e])
          : [],
      );
    }
    const out = (kept.get(host) ?? []).map((e): [string, HostEntry] => [
      host,
      e,
    ]);
    const svc = index.servicesByHost.get(host);
    const whole = svc ? wholeNamespaces.get(svc.namespace) : undefined;
    if (whole) out.push([host, whole]);
    return out;
  };
}
