import type {
  IstioControlPlane,
  IstioGateway,
  IstioMeshConfig,
  IstioTracing,
  KialiExternalService,
} from '@istio-backstage/plugin-istio-common';

type Collector = NonNullable<IstioTracing['collector']>;

const EXISTS: Record<Collector['exists'], string> = {
  yes: 'service and port exist',
  'no-service': 'no such Service: spans are dropped',
  'no-port': 'the Service has no such port: spans are dropped',
  external: 'outside the cluster',
  unknown: 'whether it exists is unknown',
};

/** `jaeger-collector.observability:9411 (service and port exist)`, or `none`. */
export function describeCollector(collector: Collector | undefined): string {
  if (!collector) return 'none';
  return `${collector.host}:${collector.port} (${EXISTS[collector.exists]})`;
}

/** `1 % of requests`, or `unknown`. */
export function describeSampling(tracing: IstioTracing): string {
  return tracing.samplingPercent === undefined
    ? 'unknown'
    : `${tracing.samplingPercent} % of requests`;
}

/** `default (istio-system): Istio 1.28.1, installed with helm, hub docker.io/istio, tag 1.28.1, 1/1 istiod ready`. */
export function describeControlPlane(plane: IstioControlPlane): string {
  const parts = [
    `Istio ${plane.version ?? 'version unknown'}`,
    plane.installMethod === 'unknown'
      ? 'install method unknown'
      : `installed with ${plane.installMethod}`,
    plane.hub && `hub ${plane.hub}`,
    plane.tag && `tag ${plane.tag}`,
    plane.ready && `${plane.ready.ready}/${plane.ready.desired} istiod ready`,
  ].filter(Boolean);
  return `${plane.revision} (${plane.namespace}): ${parts.join(', ')}`;
}

/**
 * Sidecar and ambient namespaces, native sidecars and proxy versions. Namespace counts are
 * unknown when the namespaces could not be listed (the lists are then empty, not "none").
 */
export function describeDataPlane(mesh: IstioMeshConfig): string {
  const { dataPlane, meshSize } = mesh;
  const count = (n: number) => `${n} ${n === 1 ? 'namespace' : 'namespaces'}`;
  const modes =
    meshSize.namespaces === undefined
      ? 'namespaces unknown'
      : `sidecar in ${count(
          dataPlane.sidecarNamespaces.length,
        )}, ambient in ${count(dataPlane.ambientNamespaces.length)}`;
  const versions = Object.entries(dataPlane.proxyVersions)
    .sort(([a], [b]) => a.localeCompare(b, undefined, { numeric: true }))
    .map(([version, n]) => `${version} ×${n}`);
  return `${modes}; native sidecars: ${
    dataPlane.nativeSidecars
  }; proxy versions: ${versions.length ? versions.join(', ') : 'unknown'}`;
}

/** `installed`, `not installed: 12 pods need NET_ADMIN`, `unknown`. */
export function describeCni(cni: IstioMeshConfig['cni']): string {
  if (cni.installed === 'yes') return 'installed';
  if (cni.installed === 'unknown') return 'unknown';
  return cni.podsWithNetAdmin === undefined
    ? 'not installed'
    : `not installed: ${cni.podsWithNetAdmin} pods run istio-init with NET_ADMIN`;
}

/** `istio-ingress/istio-ingressgateway: injection template gateway, sends traces: yes, 2 replicas`. */
export function describeGateway(gateway: IstioGateway): string {
  const parts = [
    gateway.injectionTemplate
      ? `injection template ${gateway.injectionTemplate}`
      : 'no injection template',
    `sends traces: ${gateway.sendsTraces}`,
    gateway.replicas !== undefined &&
      `${gateway.replicas} ${gateway.replicas === 1 ? 'replica' : 'replicas'}`,
  ].filter(Boolean);
  return `${gateway.namespace}/${gateway.name}: ${parts.join(', ')}`;
}

/** The mesh's installed parts in one line: istiod revisions, gateways, CNI, Kiali. */
export function describeComponents(mesh: IstioMeshConfig): string {
  const planes = mesh.controlPlanes.map(p => p.revision);
  const kiali =
    mesh.kiali.installed === 'yes'
      ? `Kiali${mesh.kiali.namespace ? ` in ${mesh.kiali.namespace}` : ''}`
      : `Kiali ${mesh.kiali.installed === 'no' ? 'not installed' : 'unknown'}`;
  return [
    planes.length
      ? `istiod (${
          planes.length === 1 ? 'revision' : 'revisions'
        } ${planes.join(', ')})`
      : 'no istiod found',
    `${mesh.gateways.length} ${
      mesh.gateways.length === 1 ? 'gateway' : 'gateways'
    }`,
    `CNI ${describeCni(mesh.cni)}`,
    kiali,
  ].join(', ');
}

/** `configured; merge yes; Envoy series yes; istiod series no`. */
export function describePrometheus(prometheus: IstioMeshConfig['prometheus']) {
  return `${
    prometheus.configured ? 'configured' : 'not configured'
  }; metrics merge ${prometheus.merge}; Envoy series ${
    prometheus.envoySeries
  }; istiod series ${prometheus.istiodSeries}`;
}

/** `tracing: http://tracing.istio-system:16685 (service and port exist)`. */
export function describeKialiService(service: KialiExternalService): string {
  return `${service.name}: ${service.url} (${EXISTS[service.exists]})`;
}

/** `12 namespaces, 40 services, 1,306 pods, 1,300 proxies, 2 Sidecar resources`; unknown parts left out. */
export function describeMeshSize(size: IstioMeshConfig['meshSize']): string {
  const parts = [
    size.namespaces !== undefined && `${size.namespaces} namespaces`,
    size.injectedNamespaces !== undefined &&
      `${size.injectedNamespaces} injected`,
    size.services !== undefined && `${size.services} services`,
    size.pods !== undefined && `${size.pods} pods`,
    size.proxies !== undefined && `${size.proxies} proxies`,
    size.sidecarResources !== undefined &&
      `${size.sidecarResources} Sidecar resources`,
  ].filter(Boolean);
  return parts.length ? parts.join(', ') : 'unknown';
}
