import type {
  IstioDiagnosticScope,
  IstioDiagnosticSeverity,
  IstioDiagnosticTopic,
} from './diagnosticKinds';
import type { SupportVerdict } from './support';

/** Three-valued facts: a failed read is `unknown`, never `false`. @public */
export type Tristate = 'yes' | 'no' | 'unknown';

/** Why a source could not be read (sanitized). @public */
export interface IstioSourceError {
  source: string;
  errorType: string;
  message: string;
}

/** A problem found in a mesh, with its fix. @public */
export interface IstioDiagnostic {
  /** Stable code, e.g. `IBS-GATEWAY-NO-INJECTION`. Listed in the backend README. */
  code: string;
  severity: IstioDiagnosticSeverity;
  /** Whose workloads it affects: every one, those of a namespace, or one object. */
  scope: IstioDiagnosticScope;
  /** What it is about, e.g. `tracing`, so views pick theirs without knowing codes. */
  topic: IstioDiagnosticTopic;
  title: string;
  /** Names the object concerned. */
  message: string;
  object?: { kind: string; namespace?: string; name: string };
  fix: { text: string; yaml?: string };
}

/** One Istio control plane (an istiod revision). @public */
export interface IstioControlPlane {
  revision: string;
  namespace: string;
  version?: string;
  hub?: string;
  tag?: string;
  installMethod: 'operator' | 'istioctl' | 'helm' | 'unknown';
  /**
   * Support verdict of this version on the cluster's Kubernetes version: `check` is
   * "likely end of life — check" (an estimated end of life has passed).
   */
  support: Pick<SupportVerdict, 'verdict' | 'reasons'> & {
    kubernetesTested?: string;
    /** Last supported day (ISO date). */
    endOfLife?: string;
    /** True when `endOfLife` is Istio's expected date, not an announced one. */
    endOfLifeExpected?: boolean;
    /** The day the built-in support matrix was checked against istio.io (ISO date). */
    matrixAsOf?: string;
  };
  /** Ready istiod replicas / desired. */
  ready?: { ready: number; desired: number };
}

/** Where spans go: a collector's address and whether it exists in the cluster. @public */
export interface IstioTracingCollector {
  host: string;
  port: number;
  /** The Kubernetes Service the host names, when it names one. */
  service?: { namespace: string; name: string };
  /** `no-service`, `no-port`: the collector is missing (spans are dropped). */
  exists: 'yes' | 'no-service' | 'no-port' | 'external' | 'unknown';
}

/**
 * Which resource or MeshConfig field decided a tracing setting, e.g.
 * `Telemetry istio-system/mesh-default`, `Telemetry shop/tracing-sampling`,
 * `MeshConfig defaultProviders.tracing (revision canary)`,
 * `MeshConfig defaultConfig.tracing (revision default)`.
 *
 * @public
 */
export interface IstioTracingDecidedBy {
  /** What chose the provider (or that there is none). */
  provider: string;
  /** What set the sampling percentage; absent when no spans are sent. */
  sampling?: string;
}

/** Where tracing is configured and where spans go. @public */
export interface IstioTracing {
  /**
   * MeshConfig `enableTracing` (Istio's default: on). It governs only the legacy
   * `defaultConfig.tracing` path: tracing through the Telemetry API or
   * `defaultProviders.tracing` does not read it.
   */
  enabled: Tristate;
  /** Percentage of requests traced (0–100). */
  samplingPercent?: number;
  configuredIn:
    | 'meshConfig.defaultConfig.tracing'
    | 'extensionProviders+Telemetry'
    | 'none'
    | 'unknown';
  /** The provider's kind: `zipkin`, `opentelemetry`, `datadog`, `skywalking`, `lightstep`… */
  provider?: string;
  /**
   * The MeshConfig extension provider the Telemetry API or `defaultProviders` chose, by
   * name; when the MeshConfig does not define it, `provider` is absent and no spans are sent.
   */
  providerName?: string;
  collector?: IstioTracingCollector;
  /** True when Telemetry `disableSpanReporting` turns span reporting off. */
  spanReportingDisabled?: boolean;
  /** Which resource or MeshConfig field decided the provider and the sampling. */
  decidedBy?: IstioTracingDecidedBy;
}

/**
 * One control plane revision as istiod runs it: its own MeshConfig (ConfigMap `istio`
 * for the `default` revision, `istio-<revision>` otherwise, in istiod's namespace), the
 * revision tags pointing at it, and the tracing its workloads get mesh-wide.
 *
 * @public
 */
export interface IstioRevisionConfig {
  revision: string;
  /** The namespace istiod runs in. */
  namespace: string;
  /**
   * Revision tags (`istioctl tag`, MutatingWebhookConfigurations
   * `istio-revision-tag-<tag>`) that point at this revision; undefined when the tags
   * could not be read (the answer's `errors` says why), never "no tags".
   */
  tags?: string[];
  /**
   * Namespaces whose injection labels pick this revision for new pods
   * (`istio-injection=enabled` picks the revision of the `default` tag, else the
   * `default` revision; `istio.io/rev=<revision or tag>`); undefined when unknown.
   */
  namespaces?: string[];
  /**
   * Mesh-wide tracing of this revision: the selector-less Telemetry of its root
   * namespace, then its MeshConfig (`defaultProviders.tracing`, else the legacy
   * `defaultConfig.tracing`). Namespace and workload Telemetry may change it for
   * their own workloads (see the sidecar-memory answer's `effectiveTracing`).
   */
  tracing: IstioTracing;
  outboundTrafficPolicy?: string;
  discoverySelectors?: unknown[];
  /** MeshConfig `rootNamespace` (Istio's default `istio-system`); undefined when the MeshConfig is unknown. */
  rootNamespace?: string;
  /** MeshConfig `enablePrometheusMerge` (Istio's default: on). */
  prometheusMerge: Tristate;
}

/** An Istio gateway deployment. @public */
export interface IstioGateway {
  name: string;
  namespace: string;
  /** `gateway` when injected with the gateway template. */
  injectionTemplate?: string;
  /** A gateway without gateway injection (the gateway template) sends no traces. */
  sendsTraces: Tristate;
  replicas?: number;
}

/** A Kiali `external_services` target and whether it exists in the cluster. @public */
export interface KialiExternalService {
  name: string;
  url: string;
  /** `unknown` for targets outside the cluster or when services could not be read. */
  exists: 'yes' | 'no-service' | 'no-port' | 'external' | 'unknown';
}

/** The installed mesh of one cluster (`GET /api/istio/mesh-config`). @public */
export interface IstioMeshConfig {
  cluster: string;
  title?: string;
  readAt: string;
  kubernetesVersion?: string;
  istioInstalled: Tristate;
  controlPlanes: IstioControlPlane[];
  dataPlane: {
    sidecarNamespaces: string[];
    ambientNamespaces: string[];
    nativeSidecars: 'yes' | 'no' | 'mixed' | 'unknown';
    proxyVersions: Record<string, number>;
  };
  cni: { installed: Tristate; podsWithNetAdmin?: number };
  /**
   * Mesh-wide tracing of the `default` revision (else of the first control plane), kept
   * for compatibility: with several revisions each has its own, in `revisions`.
   */
  tracing: IstioTracing;
  /**
   * Each control plane revision with its own MeshConfig, tags and tracing. Absent from
   * answers made before revisions were told apart.
   */
  revisions?: IstioRevisionConfig[];
  gateways: IstioGateway[];
  /** The `default` revision's (else the first control plane's); each revision's is in `revisions`. */
  outboundTrafficPolicy?: string;
  /** The `default` revision's (else the first control plane's); each revision's is in `revisions`. */
  discoverySelectors?: unknown[];
  prometheus: {
    /** The `default` revision's `enablePrometheusMerge`; each revision's is in `revisions`. */
    merge: Tristate;
    configured: boolean;
    envoySeries: Tristate;
    istiodSeries: Tristate;
  };
  kiali: {
    installed: Tristate;
    namespace?: string;
    externalServices: KialiExternalService[];
  };
  meshSize: {
    namespaces?: number;
    injectedNamespaces?: number;
    services?: number;
    pods?: number;
    proxies?: number;
    sidecarResources?: number;
  };
  diagnostics: IstioDiagnostic[];
  errors: IstioSourceError[];
}

/** Response of `GET /api/istio/mesh-config`. @public */
export interface IstioMeshConfigResponse {
  items: IstioMeshConfig[];
  /** Clusters that could not be read at all. */
  errors: Array<{ cluster: string } & IstioSourceError>;
}
