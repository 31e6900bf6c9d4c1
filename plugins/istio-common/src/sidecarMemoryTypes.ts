import type {
  IstioSourceError,
  IstioTracingCollector,
  IstioTracingDecidedBy,
  Tristate,
} from './meshConfigTypes';

/** One pod's Envoy sidecar and what it costs. @public */
export interface IstioProxyMemory {
  cluster: string;
  namespace: string;
  pod: string;
  /** The pod's workload (its Deployment, or its controller). */
  workload?: string;
  /** The pod's `app` label, which names the application in Istio telemetry. */
  app?: string;
  /** `sidecar` (classic), `native-sidecar` (init container with restartPolicy Always), `gateway`, `ambient`, `none`. */
  proxyKind: 'sidecar' | 'native-sidecar' | 'gateway' | 'ambient' | 'none';
  proxyVersion?: string;
  /** Working set of istio-proxy now (metrics.k8s.io, like `kubectl top pod --containers`), bytes. */
  memoryNowBytes?: number;
  /** Peak and average working set over the window (Prometheus), bytes. */
  memoryPeakBytes?: number;
  memoryAverageBytes?: number;
  /** Envoy's own figures, when available. */
  envoyAllocatedBytes?: number;
  envoyActiveClusters?: number;
}

/** A host of a recommended Sidecar and why it is there. @public */
export interface IstioEgressHost {
  /** `namespace/dnsName`, e.g. `./*`, `istio-system/*`, `observability/jaeger-collector.observability.svc.cluster.local`. */
  host: string;
  reasons: Array<{
    kind:
      | 'own-namespace'
      | 'control-plane'
      | 'tracing-collector'
      | 'observed-traffic'
      | 'catalog-dependency'
      | 'service-entry'
      | 'virtual-service'
      | 'requested';
    /** Human-readable detail, e.g. "productpage-v1 → details: 12,345 requests in 7d". */
    detail: string;
  }>;
}

/** A recommended Sidecar for one namespace (or one workload). @public */
export interface IstioSidecarRecommendation {
  cluster: string;
  namespace: string;
  /**
   * `namespace`: one selector-less `default` Sidecar; `workload`: Sidecars with a
   * workloadSelector — one selecting the entity's pods by the entity's label (versions
   * deployed later too), or one per workload.
   */
  scope: 'namespace' | 'workload';
  /** The Sidecar objects to apply (YAML, one document per object). */
  yaml: string;
  objects: Array<{
    name: string;
    workloadSelector?: Record<string, string>;
    hosts: string[];
  }>;
  egress: IstioEgressHost[];
  /** Services (Envoy clusters) each proxy sees now and would see after applying. */
  servicesVisibleBefore?: number;
  servicesVisibleAfter?: number;
  clustersBefore?: number;
  clustersAfter?: number;
}

/** Estimated memory saving, with how it was estimated. @public */
export interface IstioSavingEstimate {
  perPodBytes?: number;
  totalBytes?: number;
  /** `fitted`: from this mesh's own pods (memory against active clusters); `default-per-cluster`: Istio's ~118 KB per Envoy cluster. */
  method: 'fitted' | 'default-per-cluster' | 'unknown';
  /** Bytes per Envoy cluster used for the estimate. */
  bytesPerCluster?: number;
  confidence: 'high' | 'medium' | 'low';
  explanation: string;
}

/** Memory before and after a Sidecar applied through Backstage. @public */
export interface IstioMeasuredSaving {
  appliedAt: string;
  appliedBy: string;
  beforeBytes: number;
  /** Undefined until enough time passed for a measurement. */
  afterBytes?: number;
  measuredAt?: string;
  /**
   * Whether `beforeBytes` and `afterBytes` may be compared: `saving` only when the
   * "after" is of the same pods under the same Sidecar; `settling` before a reading;
   * otherwise what happened instead (`explanation` says it in words, with dates), and
   * no saving is claimed. What cannot be shown counts as not so: pods the apply did not
   * record are `pods-replaced`, Sidecars that could not be read `sidecar-not-in-force`.
   */
  outcome:
    | 'saving'
    | 'settling'
    | 'pods-replaced'
    | 'sidecar-changed'
    | 'sidecar-not-in-force'
    | 'memory-rose';
  explanation: string;
}

/**
 * A warning about the recommendation or the data behind it, or a finding about a
 * Sidecar in force today (`sidecar-drops-tracing-collector`, `sidecar-blocks-dependency`,
 * `sidecar-routing-not-imported`), whose message names the Sidecar, the workloads and
 * the fix.
 *
 * @public
 */
export interface IstioSidecarWarning {
  code:
    | 'no-traffic-observed'
    | 'unmatched-traffic'
    | 'ambient-namespace'
    | 'gateway'
    | 'prometheus-unavailable'
    | 'metrics-unavailable'
    | 'existing-sidecar'
    | 'no-workloads'
    | 'not-in-mesh'
    | 'destination-rule-never-applies'
    | 'per-workload-sidecars'
    | 'namespace-default-not-yours'
    | 'sidecar-drops-tracing-collector'
    | 'sidecar-blocks-dependency'
    | 'sidecar-routing-not-imported';
  message: string;
  workload?: string;
}

/**
 * Tracing as istiod configures one side of a proxy (outbound or inbound): the provider
 * and collector spans go to, the sampling, and what decided each.
 *
 * @public
 */
export interface IstioTracingSettings {
  /** Whether the proxies send spans at all; `unknown` when a fact it rests on could not be read. */
  sendsSpans: Tristate;
  /** The provider's kind: `zipkin`, `opentelemetry`, `datadog`, `skywalking`, `lightstep`… */
  provider?: string;
  /**
   * The MeshConfig extension provider the Telemetry API or `defaultProviders` chose, by
   * name; when the MeshConfig does not define it, `provider` is absent and no spans are sent.
   */
  providerName?: string;
  collector?: IstioTracingCollector;
  /** Percentage of requests traced (0–100). */
  samplingPercent?: number;
  /** True when a Telemetry's `disableSpanReporting` turns reporting off. */
  spanReportingDisabled: boolean;
  /**
   * `telemetry-api`: istiod configures the tracer from a MeshConfig extension provider;
   * `legacy`: the proxy's bootstrap tracer from MeshConfig `defaultConfig.tracing`.
   */
  configuredBy?: 'telemetry-api' | 'legacy';
  decidedBy: IstioTracingDecidedBy;
}

/**
 * The effective tracing of one workload's proxies: the control plane revision that
 * configures them and what the Telemetry API and that revision's MeshConfig make of it.
 *
 * @public
 */
export interface IstioWorkloadTracing extends IstioTracingSettings {
  workload: string;
  /** The istiod revision configuring the workload's proxies; undefined when unknown. */
  revision?: string;
  /** How the revision was found, e.g. `pod annotation sidecar.istio.io/status`. */
  revisionDecidedBy: string;
  /**
   * Set when Telemetry `match.mode` gives the inbound (server) side other settings than
   * the outbound (client) side described above.
   */
  server?: IstioTracingSettings;
}

/** Response of `GET /api/istio/sidecar-memory`. @public */
export interface IstioSidecarMemoryResponse {
  entityRef?: string;
  /** Per cluster and namespace the entity runs in. */
  items: Array<{
    cluster: string;
    namespace: string;
    windowDays: number;
    proxies: IstioProxyMemory[];
    sidecarsInForce: Array<{
      name: string;
      namespace: string;
      workloadSelector?: Record<string, string>;
      hosts: string[];
    }>;
    recommendation?: IstioSidecarRecommendation;
    estimate?: IstioSavingEstimate;
    measured?: IstioMeasuredSaving;
    /**
     * The effective tracing of each of the entity's workloads with a proxy, as istiod
     * resolves it for the workload's revision, namespace and labels.
     */
    effectiveTracing?: IstioWorkloadTracing[];
    warnings: IstioSidecarWarning[];
    errors: IstioSourceError[];
  }>;
  errors: Array<{ cluster: string } & IstioSourceError>;
}
