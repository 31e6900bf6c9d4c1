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
  /**
   * From `networking.istio.io/exportTo` (Services) or `spec.exportTo` (ServiceEntries);
   * empty when unset, which means MeshConfig `defaultServiceExportTo` (`*` unless set).
   */
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
  /** Fingerprint of the whole spec, to tell it unchanged since an apply; absent when not read. */
  specDigest?: string;
}

/** A workload (Deployment-like) and its pods. */
export interface WorkloadInfo {
  namespace: string;
  name: string;
  /** Pod labels (for workload selectors); the `app` label names the workload in metrics. */
  labels: Record<string, string>;
  pods: string[];
  /**
   * Each pod's labels, in `pods` order, when its pods' labels differ (mid-rollout, or a
   * pod relabelled by hand); absent when every pod has `labels`.
   */
  podLabels?: Array<Record<string, string>>;
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
  tracingCollectors?: TracingCollectorNeed[];
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
  /** Every ServiceEntry of the mesh; `exportTo` empty when unset. */
  serviceEntries: Array<{
    namespace: string;
    name: string;
    hosts: string[];
    exportTo: string[];
  }>;
  /** Every VirtualService of the mesh, wherever it is defined. */
  virtualServices: VirtualServiceRef[];
  /** Every DestinationRule of the mesh (for warnings only: they never add a host). */
  destinationRules?: DestinationRuleRef[];
  /** MeshConfig's `exportTo` defaults, when known; each is `*` when unknown or unset. */
  exportToDefaults?: ExportToDefaults;
  /** The entity the recommendation is for; absent for a whole namespace. */
  entity?: EntityScope;
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

/** A VirtualService, as far as Sidecar scoping is concerned. */
export interface VirtualServiceRef {
  namespace: string;
  name: string;
  /** `spec.hosts` as written: dot-less short names resolve in `namespace`. */
  hosts: string[];
  /** `spec.exportTo`; empty or absent when unset (the MeshConfig default applies). */
  exportTo?: string[];
  /** `spec.gateways`; empty or absent means `mesh` (applies to sidecars). */
  gateways?: string[];
}

/** A DestinationRule, as far as Sidecar scoping is concerned. */
export interface DestinationRuleRef {
  namespace: string;
  name: string;
  /** `spec.host` as written: a dot-less short name resolves in `namespace`. */
  host: string;
  /** `spec.exportTo`; empty or absent when unset (the MeshConfig default applies). */
  exportTo?: string[];
  /** `spec.workloadSelector.matchLabels`: the rule then applies in its own namespace only. */
  workloadSelector?: Record<string, string>;
}

/**
 * MeshConfig `defaultServiceExportTo` (Services and ServiceEntries),
 * `defaultVirtualServiceExportTo` and `defaultDestinationRuleExportTo`.
 */
export interface ExportToDefaults {
  service?: string[];
  virtualService?: string[];
  destinationRule?: string[];
}

/** The catalog entity a recommendation is for, and how its pods are matched. */
export interface EntityScope {
  /** The entity's name; its Sidecar is named after it. */
  name: string;
  /** The selector the Kubernetes plugin finds its pods with, as annotated. */
  labelSelector: string;
  /**
   * The same selector as equality labels, usable as a `workloadSelector`; absent when
   * the selector has set-based requirements (`in`, `!=`, `!key`…).
   */
  matchLabels?: Record<string, string>;
  /**
   * Why the caller may not have one Sidecar for the whole namespace (some sidecar
   * workload there is not theirs), although the entity's selector covers every one:
   * the recommendation is then workload-scoped.
   */
  namespaceDefaultRefused?: string;
}

/**
 * A tracing collector some of the entity's workloads send spans to (from their
 * revision's MeshConfig and the Telemetry resources that apply to them).
 */
export interface TracingCollectorNeed {
  host: string;
  namespace?: string;
  port?: number;
  /** The workloads that send spans there; all of them when absent. */
  workloads?: string[];
  /** The control-plane revision whose configuration sends them there. */
  revision?: string;
  /** What decided the provider, e.g. `Telemetry istio-system/mesh-default`. */
  decidedBy?: string;
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
