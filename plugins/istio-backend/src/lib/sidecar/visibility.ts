import { byAge, selectorMatches } from '../mesh/dataPlane';
import type {
  MeshServiceInfo,
  SidecarObject,
  VirtualServiceRef,
  WorkloadInfo,
} from './types';
import {
  coveringWildcards,
  dnsNameCovers,
  isExportedTo,
  isVirtualServiceExportedTo,
  normalizeDnsName,
  parseEgressHost,
  resolveConfigHost,
} from './hosts';

/** The proxy whose view of the mesh is computed. */
export interface ProxyInfo {
  namespace: string;
  /** Pod labels, matched against `workloadSelector.labels`. */
  labels: Record<string, string>;
  /** Gateways (and waypoints) ignore Sidecar resources. */
  isGateway: boolean;
}

/**
 * Envoy clusters every sidecar has whatever it sees: `BlackHoleCluster`,
 * `PassthroughCluster`, `InboundPassthroughCluster` (outbound/inbound catch-alls),
 * `prometheus_stats` (the 15090 stats endpoint), `agent` (pilot-agent health/stats),
 * `sds-grpc` (certificates) and `xds-grpc` (config from istiod), plus `zipkin`/OTel
 * tracing cluster when tracing is on. Inbound clusters for the pod's own ports are left
 * out: they are the same before and after scoping.
 */
export const ENVOY_FIXED_CLUSTERS: readonly string[] = [
  'BlackHoleCluster',
  'PassthroughCluster',
  'InboundPassthroughCluster',
  'prometheus_stats',
  'agent',
  'sds-grpc',
  'xds-grpc',
  'tracing',
];

/** The proxy of a workload's pods. */
export function proxyOfWorkload(w: WorkloadInfo): ProxyInfo {
  return { namespace: w.namespace, labels: w.labels, isGateway: w.isGateway };
}

/**
 * The Sidecar resource that configures a proxy, with istiod's precedence:
 *
 * 1. a Sidecar in the proxy's namespace whose `workloadSelector` matches its labels;
 * 2. else the namespace's selector-less Sidecar (its default);
 * 3. else the selector-less Sidecar of the root namespace (the mesh default).
 *
 * When several candidates tie at one level (a misconfiguration istioctl reports as
 * IST0110 / IST0111), istiod takes the oldest; so does this. Gateways and waypoints are
 * never configured by a Sidecar: `undefined`. A Sidecar's `workloadSelector` only reaches
 * workloads of its own namespace, root namespace included.
 */
export function sidecarInForce(
  sidecars: readonly SidecarObject[],
  proxy: ProxyInfo,
  rootNamespace: string,
): SidecarObject | undefined {
  if (proxy.isGateway) return undefined;
  let selected: SidecarObject | undefined;
  let nsDefault: SidecarObject | undefined;
  let rootDefault: SidecarObject | undefined;
  for (const s of sidecars) {
    if (s.namespace === proxy.namespace) {
      if (s.workloadSelector) {
        if (
          selectorMatches(s.workloadSelector, proxy.labels) &&
          (!selected || byAge(s, selected) < 0)
        ) {
          selected = s;
        }
      } else if (!nsDefault || byAge(s, nsDefault) < 0) {
        nsDefault = s;
      }
    } else if (
      s.namespace === rootNamespace &&
      !s.workloadSelector &&
      (!rootDefault || byAge(s, rootDefault) < 0)
    ) {
      rootDefault = s;
    }
  }
  return selected ?? nsDefault ?? rootDefault;
}

interface NamespaceImports {
  /** `ns/*`. */
  all: boolean;
  exact: Set<string>;
  /** `*.suffix` patterns. */
  wildcards: Set<string>;
}

/** Egress hosts compiled for fast look-ups, keyed by namespace (`*` for any). */
export type EgressMatcher = Map<string, NamespaceImports>;

/**
 * Compiles Sidecar egress hosts for a proxy in `proxyNamespace`. `.` becomes the proxy's
 * namespace — also for a mesh default Sidecar inherited from the root namespace, as
 * istiod converts it with the workload's namespace. `~/…` imports nothing and malformed
 * hosts (no `/`) are skipped, as istiod does.
 */
export function compileEgressHosts(
  hosts: readonly string[],
  proxyNamespace: string,
): EgressMatcher {
  const matcher: EgressMatcher = new Map();
  for (const raw of hosts) {
    const parsed = parseEgressHost(raw);
    if (!parsed || parsed.namespace === '~') continue;
    const ns = parsed.namespace === '.' ? proxyNamespace : parsed.namespace;
    let entry = matcher.get(ns);
    if (!entry) {
      entry = { all: false, exact: new Set(), wildcards: new Set() };
      matcher.set(ns, entry);
    }
    if (parsed.dnsName === '*') entry.all = true;
    else if (parsed.dnsName.startsWith('*.'))
      entry.wildcards.add(parsed.dnsName);
    else entry.exact.add(parsed.dnsName);
  }
  return matcher;
}

function importsFrom(entry: NamespaceImports, host: string): boolean {
  if (entry.all || entry.exact.has(host) || entry.wildcards.has(host)) {
    return true;
  }
  // A VirtualService for `*` overlaps every host imported from its namespace.
  if (host === '*') return entry.exact.size > 0 || entry.wildcards.size > 0;
  for (const pattern of coveringWildcards(host)) {
    if (entry.wildcards.has(pattern)) return true;
  }
  if (host.startsWith('*.')) {
    // A wildcard ServiceEntry (`*.example.com`) is imported by a more specific egress host
    // (`api.example.com`): istiod pushes a copy narrowed to that name.
    for (const name of entry.exact) if (dnsNameCovers(host, name)) return true;
    for (const name of entry.wildcards)
      if (dnsNameCovers(host, name)) return true;
  }
  return false;
}

/**
 * Whether compiled egress hosts import a service of `serviceNamespace` with `host`
 * (lower-case, as {@link normalizeDnsName} returns). The namespace part matches the
 * namespace the Service or ServiceEntry lives in (`*` any); the DNS part matches the
 * host by Istio's overlap rules: `*`, left-most wildcards at any depth, else exact
 * string equality. Short names are **not** expanded: `istio-demo/details` does not
 * import `details.istio-demo.svc.cluster.local` (it would only import a ServiceEntry
 * whose host is literally `details`).
 */
export function egressImports(
  matcher: EgressMatcher,
  serviceNamespace: string,
  host: string,
): boolean {
  const own = matcher.get(serviceNamespace);
  if (own && importsFrom(own, host)) return true;
  const any = matcher.get('*');
  return any !== undefined && importsFrom(any, host);
}

/**
 * The services (Envoy outbound clusters' sources) a proxy receives from istiod:
 *
 * - only namespaces istiod discovers (MeshConfig `discoverySelectors`; applied to
 *   ServiceEntries too, as with istiod's enhanced resource scoping);
 * - only services exported to the proxy's namespace ({@link isExportedTo});
 * - when a Sidecar is in force ({@link sidecarInForce}), only those its egress hosts
 *   import ({@link egressImports}); gateways see everything exported to them.
 *
 * Services sharing a host collapse into one (the proxy gets one cluster per host and
 * port), preferring the one in the proxy's namespace as istiod does.
 */
export function visibleServices(
  services: readonly MeshServiceInfo[],
  sidecars: readonly SidecarObject[],
  proxy: ProxyInfo,
  rootNamespace: string,
  discoveredNamespaces?: readonly string[],
): MeshServiceInfo[] {
  const discovered = discoveredNamespaces
    ? new Set(discoveredNamespaces)
    : undefined;
  const sidecar = sidecarInForce(sidecars, proxy, rootNamespace);
  const matcher = sidecar
    ? compileEgressHosts(sidecar.hosts, proxy.namespace)
    : undefined;
  const byHost = new Map<string, MeshServiceInfo>();
  for (const s of services) {
    if (discovered && !discovered.has(s.namespace)) continue;
    if (!isExportedTo(s.exportTo, s.namespace, proxy.namespace)) continue;
    const host = normalizeDnsName(s.host);
    if (matcher && !egressImports(matcher, s.namespace, host)) continue;
    const previous = byHost.get(host);
    if (
      !previous ||
      (previous.namespace !== proxy.namespace &&
        s.namespace === proxy.namespace)
    ) {
      byHost.set(host, s);
    }
  }
  return [...byHost.values()];
}

/**
 * Envoy clusters a proxy holds for these services: one outbound cluster per service port
 * (`outbound|<port>||<host>`) plus the {@link ENVOY_FIXED_CLUSTERS} (8). DestinationRule
 * subsets add clusters too and are not counted, so this is a floor for real proxies.
 */
export function clusterCount(visible: readonly MeshServiceInfo[]): number {
  let ports = 0;
  for (const s of visible) ports += s.ports.length;
  return ports + ENVOY_FIXED_CLUSTERS.length;
}

/**
 * Whether a VirtualService configures sidecars: bound to the `mesh` gateway (which an
 * empty `gateways` list means), not only to ingress or egress gateways.
 */
export function appliesToSidecars(vs: VirtualServiceRef): boolean {
  return !vs.gateways?.length || vs.gateways.includes('mesh');
}

/**
 * Whether a VirtualService can configure proxies of `namespace`: bound to sidecars and
 * exported there. `exportTo` must already hold the MeshConfig default when unset.
 */
export function virtualServiceUsableFrom(
  vs: VirtualServiceRef,
  namespace: string,
): boolean {
  return (
    appliesToSidecars(vs) &&
    isVirtualServiceExportedTo(vs.exportTo ?? ['*'], vs.namespace, namespace)
  );
}

/** The hosts of a VirtualService as istiod resolves them in its namespace. */
export function virtualServiceHosts(
  vs: VirtualServiceRef,
  clusterDomain: string,
): string[] {
  return vs.hosts.map(h => resolveConfigHost(h, vs.namespace, clusterDomain));
}

/**
 * The VirtualServices a proxy receives from istiod, as its `SelectVirtualServices`
 * picks them: bound to sidecars and exported to the proxy's namespace (`exportTo`
 * holding the MeshConfig default when unset) and, when a Sidecar is in force, imported
 * by its egress hosts from the namespace the VirtualService is defined in (or `*`) —
 * one of its hosts, resolved in its namespace, overlapping one of theirs. For sidecar
 * proxies: gateways use the VirtualServices bound to their Gateway instead.
 */
export function visibleVirtualServices(
  virtualServices: readonly VirtualServiceRef[],
  sidecars: readonly SidecarObject[],
  proxy: ProxyInfo,
  rootNamespace: string,
  clusterDomain: string,
): VirtualServiceRef[] {
  const sidecar = sidecarInForce(sidecars, proxy, rootNamespace);
  const matcher = sidecar
    ? compileEgressHosts(sidecar.hosts, proxy.namespace)
    : undefined;
  return virtualServices.filter(
    vs =>
      virtualServiceUsableFrom(vs, proxy.namespace) &&
      (!matcher ||
        virtualServiceHosts(vs, clusterDomain).some(h =>
          egressImports(matcher, vs.namespace, h),
        )),
  );
}
