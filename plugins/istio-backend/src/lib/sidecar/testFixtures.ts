/**
 * Bookinfo in a mesh big enough for scoping to matter: bookinfo in `istio-demo`, istiod in
 * `istio-system`, Jaeger in `observability`, an external API ServiceEntry and 1,300
 * filler services. For tests only.
 */
import type {
  MeshServiceInfo,
  ObservedEdge,
  RecommendationInput,
  WorkloadInfo,
} from './types';

export const NS = 'istio-demo';

export function service(
  namespace: string,
  name: string,
  ports: number[],
  exportTo: string[] = ['*'],
): MeshServiceInfo {
  return {
    namespace,
    name,
    host: `${name}.${namespace}.svc.cluster.local`,
    ports,
    exportTo,
    serviceEntry: false,
  };
}

export function workload(
  name: string,
  labels: Record<string, string>,
  extra: Partial<WorkloadInfo> = {},
): WorkloadInfo {
  return {
    namespace: NS,
    name,
    labels: { ...labels, 'pod-template-hash': '7d9c8f6b5' },
    pods: [`${name}-7d9c8f6b5-x2x7q`],
    hasSidecar: true,
    isGateway: false,
    ...extra,
  };
}

export const FILLER_SERVICES: MeshServiceInfo[] = Array.from(
  { length: 1300 },
  (_, i) =>
    service(
      `filler-${String(Math.floor(i / 10)).padStart(3, '0')}`,
      `svc-${i}`,
      i % 3 === 0 ? [8080, 9090] : [8080],
    ),
);

export const HTTPBIN_SE: MeshServiceInfo = {
  namespace: 'external-apis',
  name: 'httpbin',
  host: 'httpbin.org',
  ports: [443],
  exportTo: ['*'],
  serviceEntry: true,
};

export const BOOKINFO_SERVICES: MeshServiceInfo[] = [
  service(NS, 'productpage', [9080]),
  service(NS, 'details', [9080]),
  service(NS, 'reviews', [9080]),
  service(NS, 'ratings', [9080]),
  service('istio-system', 'istiod', [15010, 15012, 443, 15014]),
  service('istio-system', 'kiali', [20001, 9090]),
  service('istio-system', 'prometheus', [9090]),
  service('istio-ingress', 'istio-ingressgateway', [15021, 80, 443]),
  service(
    'observability',
    'jaeger-collector',
    [14268, 14250, 9411, 4317, 4318],
  ),
  service('observability', 'tracing', [80, 16685]),
  service('observability', 'grafana', [3000]),
  HTTPBIN_SE,
  ...FILLER_SERVICES,
];

export const PRODUCTPAGE = workload('productpage-v1', {
  app: 'productpage',
  version: 'v1',
});
export const DETAILS = workload('details-v1', {
  app: 'details',
  version: 'v1',
});
export const REVIEWS_V1 = workload('reviews-v1', {
  app: 'reviews',
  version: 'v1',
});
export const REVIEWS_V2 = workload('reviews-v2', {
  app: 'reviews',
  version: 'v2',
});
export const REVIEWS_V3 = workload('reviews-v3', {
  app: 'reviews',
  version: 'v3',
});
export const RATINGS = workload('ratings-v1', {
  app: 'ratings',
  version: 'v1',
});

export const BOOKINFO_WORKLOADS: WorkloadInfo[] = [
  PRODUCTPAGE,
  DETAILS,
  REVIEWS_V1,
  REVIEWS_V2,
  REVIEWS_V3,
  RATINGS,
];

export function edge(
  sourceWorkload: string,
  destinationNamespace: string,
  destinationServiceName: string,
  count: number,
  extra: Partial<ObservedEdge> = {},
): ObservedEdge {
  return {
    sourceNamespace: NS,
    sourceWorkload,
    destinationNamespace,
    destinationService: `${destinationServiceName}.${destinationNamespace}.svc.cluster.local`,
    destinationServiceName,
    count,
    protocol: 'http',
    ...extra,
  };
}

export const BOOKINFO_EDGES: ObservedEdge[] = [
  edge('productpage-v1', NS, 'details', 12345),
  edge('productpage-v1', NS, 'reviews', 23456),
  edge('reviews-v2', NS, 'ratings', 8000),
  edge('reviews-v3', NS, 'ratings', 7000),
];

export const JAEGER_HOST = 'jaeger-collector.observability.svc.cluster.local';

/** The whole bookinfo app as one entity owning `istio-demo`. */
export function bookinfoInput(
  overrides: Partial<RecommendationInput> = {},
): RecommendationInput {
  return {
    cluster: 'demo',
    namespace: NS,
    rootNamespace: 'istio-system',
    controlPlaneNamespaces: ['istio-system'],
    tracingCollectors: [
      {
        host: JAEGER_HOST,
        namespace: 'observability',
        port: 9411,
      },
    ],
    entityWorkloads: BOOKINFO_WORKLOADS,
    namespaceWorkloads: BOOKINFO_WORKLOADS,
    observedEdges: BOOKINFO_EDGES,
    catalogDependencies: [],
    serviceEntries: [
      {
        namespace: 'external-apis',
        name: 'httpbin',
        hosts: ['httpbin.org'],
        exportTo: ['*'],
      },
    ],
    virtualServices: [],
    services: BOOKINFO_SERVICES,
    sidecars: [],
    namespaceAmbient: false,
    windowDays: 7,
    ...overrides,
  };
}
