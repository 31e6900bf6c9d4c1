// Which services a proxy's Envoy receives from istiod, following Istio's rules: the
// Sidecar in force (workload selector > namespace default > root-namespace default),
// its egress hosts, Service exportTo and MeshConfig discoverySelectors.
import { matchesMap } from '../store/labelSelector';
import type { KubeObject } from '../store/types';

export interface MeshService {
  namespace: string;
  name: string;
  /** Hostname as Envoy sees it, e.g. details.istio-demo.svc.cluster.local, or a ServiceEntry host. */
  host: string;
  ports: number[];
  /** `*` (everyone), `.` (own namespace) or namespace names. */
  exportTo: string[];
  serviceEntry: boolean;
}

export interface MeshView {
  services: MeshService[];
  sidecars: KubeObject[];
  rootNamespace: string;
  /** Namespaces istiod watches (discoverySelectors); undefined = all. */
  discovered?: Set<string>;
}

/** Envoy clusters every proxy has regardless of services: BlackHole, Passthrough, InboundPassthrough, prometheus_stats, agent, sds-grpc, xds-grpc, zipkin/otel. */
export const FIXED_CLUSTERS = 8;

function exportedTo(service: MeshService, namespace: string): boolean {
  return service.exportTo.some(
    e =>
      e === '*' ||
      (e === '.' && service.namespace === namespace) ||
      e === namespace,
  );
}

function dnsMatches(pattern: string, host: string): boolean {
  if (pattern === '*') return true;
  if (pattern.startsWith('*.')) return host.endsWith(pattern.slice(1));
  return pattern === host || `${pattern}.svc.cluster.local` === host;
}

/** Whether an egress host `ns/dns` selects a service for a proxy in `proxyNamespace`. */
export function egressHostMatches(
  egressHost: string,
  service: MeshService,
  proxyNamespace: string,
): boolean {
  const slash = egressHost.indexOf('/');
  const ns = slash === -1 ? '*' : egressHost.slice(0, slash);
  const dns = slash === -1 ? egressHost : egressHost.slice(slash + 1);
  if (ns === '~') return false;
  if (ns === '.' && service.namespace !== proxyNamespace) return false;
  if (ns !== '*' && ns !== '.' && ns !== service.namespace) return false;
  return dnsMatches(dns, service.host);
}

/** The Sidecar in force for a workload, or undefined when none applies. */
export function sidecarInForce(
  view: MeshView,
  namespace: string,
  labels: Record<string, string>,
): KubeObject | undefined {
  const inNamespace = view.sidecars
    .filter(s => s.metadata.namespace === namespace)
    .sort((a, b) =>
      String(a.metadata.creationTimestamp).localeCompare(
        String(b.metadata.creationTimestamp),
      ),
    );
  const selected = inNamespace.find(s => {
    const selector = (
      s.spec as { workloadSelector?: { labels?: Record<string, string> } }
    ).workloadSelector?.labels;
    return (
      selector &&
      Object.keys(selector).length > 0 &&
      matchesMap(selector, labels)
    );
  });
  if (selected) return selected;
  const namespaceDefault = inNamespace.find(
    s => !(s.spec as { workloadSelector?: unknown }).workloadSelector,
  );
  if (namespaceDefault) return namespaceDefault;
  return view.sidecars.find(
    s =>
      s.metadata.namespace === view.rootNamespace &&
      !(s.spec as { workloadSelector?: unknown }).workloadSelector,
  );
}

/** Services visible to a proxy. Gateways ignore Sidecars. */
export function visibleServices(
  view: MeshView,
  proxy: {
    namespace: string;
    labels: Record<string, string>;
    isGateway: boolean;
  },
): MeshService[] {
  const candidates = view.services.filter(
    s =>
      exportedTo(s, proxy.namespace) &&
      (!view.discovered || s.serviceEntry || view.discovered.has(s.namespace)),
  );
  if (proxy.isGateway) return candidates;
  const sidecar = sidecarInForce(view, proxy.namespace, proxy.labels);
  if (!sidecar) return candidates;
  const hosts = (
    (sidecar.spec as { egress?: Array<{ hosts?: string[] }> }).egress ?? []
  ).flatMap(e => e.hosts ?? []);
  return candidates.filter(s =>
    hosts.some(h => egressHostMatches(h, s, proxy.namespace)),
  );
}

/** Envoy clusters for a set of visible services: one per service port, plus the fixed ones. */
export function clusterCount(visible: MeshService[]): number {
  return FIXED_CLUSTERS + visible.reduce((n, s) => n + s.ports.length, 0);
}

/** Envoy listeners: one per distinct visible port, plus the virtual inbound/outbound ones. */
export function listenerCount(visible: MeshService[]): number {
  return 2 + new Set(visible.flatMap(s => s.ports)).size;
}
