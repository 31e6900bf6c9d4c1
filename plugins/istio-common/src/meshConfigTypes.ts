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
  severity: 'error' | 'warning' | 'info';
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

/** Where tracing is configured and where spans go. @public */
export interface IstioTracing {
  enabled: Tristate;
  /** Percentage of requests traced (0–100). */
  samplingPercent?: number;
  configuredIn:
    | 'meshConfig.defaultConfig.tracing'
    | 'extensionProviders+Telemetry'
    | 'none'
    | 'unknown';
  provider?: string;
  collector?: {
    host: string;
    port: number;
    /** The Kubernetes Service the host names, when it names one. */
    service?: { namespace: string; name: string };
    /** `no-service`, `no-port`: the collector is missing (spans are dropped). */
    exists: 'yes' | 'no-service' | 'no-port' | 'external' | 'unknown';
  };
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
  tracing: IstioTracing;
  gateways: IstioGateway[];
  outboundTrafficPolicy?: string;
  discoverySelectors?: unknown[];
  prometheus: {
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
