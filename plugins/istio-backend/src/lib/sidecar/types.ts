import type {
  IstioSavingEstimate,
  IstioSidecarRecommendation,
  IstioSidecarWarning,
} from '@istio-backstage/plugin-istio-common';

/** A Service or ServiceEntry host as istiod would push it to proxies. */
export interface MeshServiceInfo {
  namespace: string;
  name: string;
  /** `name.namespace.svc.cluster.local`, or the ServiceEntry host. */
  host: string;
  ports: number[];
  /** From `networking.istio.io/exportTo` (Services) or `spec.exportTo` (ServiceEntries); `['*']` when unset. */
  exportTo: string[];
  serviceEntry: boolean;
}

/** A Sidecar resource in the cluster. */
export interface SidecarObject {
  name: string;
  namespace: string;
  creationTimestamp?: string;
  workloadSelector?: Record<string, string>;
  /** All `egress[].hosts`, in order. */
  hosts: string[];
  outboundTrafficPolicy?: string;
}

/** A workload (Deployment-like) and its pods. */
export interface WorkloadInfo {
  namespace: string;
  name: string;
  /** Pod labels (for workload selectors); the `app` label names the workload in metrics. */
  labels: Record<string, string>;
  pods: string[];
  hasSidecar: boolean;
  isGateway: boolean;
}

/** Calls seen in Prometheus from a source workload to a destination service (reporter=source). */
export interface ObservedEdge {
  sourceNamespace: string;
  sourceWorkload: string;
  /** `destination_service_namespace` (may be `unknown` for external hosts). */
  destinationNamespace: string;
  /** `destination_service` (FQDN, or ServiceEntry host). */
  destinationService: string;
  /** `destination_service_name`, e.g. `details`; `PassthroughCluster`/`BlackHoleCluster` for unmatched. */
  destinationServiceName: string;
  /** Requests (HTTP/gRPC) or connections (TCP) over the window. */
  count: number;
  protocol: 'http' | 'tcp';
}

/** Everything the recommendation needs, already read from the cluster, Prometheus and the catalog. */
export interface RecommendationInput {
  cluster: string;
  namespace: string;
  /** MeshConfig root namespace (selector-less Sidecars there are the mesh default). */
  rootNamespace: string;
  /** Namespaces running istiod. */
  controlPlaneNamespaces: string[];
  /** Where spans go; a scoped Sidecar must keep it or spans are dropped. */
  tracingCollector?: { host: string; namespace?: string; port?: number };
  /** The entity's workloads in this namespace. */
  entityWorkloads: WorkloadInfo[];
  /** Every workload in the namespace (to decide whether the entity owns it). */
  namespaceWorkloads: WorkloadInfo[];
  /** Outbound calls over the window; undefined when Prometheus could not be read. */
  observedEdges?: ObservedEdge[];
  /** Dependencies declared in the catalog (dependsOn, consumesApi → provider) that resolve to Services. */
  catalogDependencies: Array<{
    entityRef: string;
    namespace: string;
    service: string;
  }>;
  serviceEntries: Array<{
    namespace: string;
    name: string;
    hosts: string[];
    exportTo: string[];
  }>;
  virtualServices: Array<{ namespace: string; name: string; hosts: string[] }>;
  services: MeshServiceInfo[];
  sidecars: SidecarObject[];
  /** Namespaces istiod discovers (MeshConfig discoverySelectors); undefined = all. */
  discoveredNamespaces?: string[];
  /** The namespace is in ambient mode, as `isAmbientNamespace` (lib/mesh/dataPlane) decides from its labels. */
  namespaceAmbient: boolean;
  /** Extra egress hosts the user asked for (`ns/dns`), already validated. */
  extraHosts?: string[];
  windowDays: number;
}

/** Output of the recommendation engine. */
export interface RecommendationResult {
  recommendation?: IstioSidecarRecommendation;
  warnings: IstioSidecarWarning[];
}

/** One proxy's memory against its active Envoy clusters, for fitting. */
export interface MemorySample {
  memoryBytes: number;
  activeClusters: number;
}

export type { IstioSavingEstimate };
