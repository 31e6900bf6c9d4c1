import type { KubeObject } from '../store/types';

/** A bearer token the simulated API server accepts. */
export interface ScenarioToken {
  token: string;
  /** The Kubernetes user the token authenticates as. */
  user: string;
  /** `read`: get/list/watch everything. `write`: also write Sidecar, Namespace, Telemetry, PeerAuthentication. */
  role: 'read' | 'write';
  /** May send `Impersonate-User`. */
  impersonate?: boolean;
}

/** One application: a Service and a Deployment per version. */
export interface ScenarioApp {
  name: string;
  versions?: string[];
  port?: number;
  portName?: string;
  /** Extra service ports beyond the first. */
  extraPorts?: Array<{ name: string; port: number }>;
  replicas?: number;
  /** Labels added to the pods (e.g. backstage.io/kubernetes-id). */
  podLabels?: Record<string, string>;
  /** Memory of the application container, MiB. */
  appMemoryMi?: number;
  /** Container image of the application. */
  image?: string;
  /** Pods opt out of injection (`sidecar.istio.io/inject: "false"`). */
  noSidecar?: boolean;
  /** No Service for this app (a pure client). */
  noService?: boolean;
}

export interface ScenarioNamespace {
  name: string;
  labels?: Record<string, string>;
  apps?: ScenarioApp[];
}

export interface ScenarioGateway {
  name: string;
  namespace: string;
  /** `gateway` for gateway injection; absent = a gateway deployment with a plain, non-injected proxy. */
  injectionTemplate?: 'gateway';
  replicas?: number;
}

/** One edge of the traffic graph: a workload calling a Service (or ServiceEntry host). */
export interface ScenarioTraffic {
  /** `<namespace>/<deployment>` */
  from: string;
  /** `<namespace>/<service>` or `external/<host>` for a ServiceEntry host. */
  to: string;
  /** Requests (or TCP connections) per second. */
  rps: number;
  protocol?: 'http' | 'tcp';
  /** Fraction of requests answered 5xx. */
  errorRate?: number;
}

export interface Scenario {
  name: string;
  description?: string;
  kubernetesVersion: string;
  auth: {
    tokens: ScenarioToken[];
    /** Roles of impersonated users; others are read-only. */
    users?: Record<string, 'read' | 'write'>;
  };
  istio: {
    version: string;
    revision?: string;
    namespace?: string;
    hub?: string;
    tag?: string;
    installMethod: 'helm' | 'istioctl' | 'operator';
    /** The IstioOperator CRD is installed (served at install.istio.io/v1alpha1). */
    operatorCrd?: boolean;
    /** The in-cluster operator (deployment/istio-operator) is still running. */
    operatorDeployed?: boolean;
    /** Version of that leftover operator (defaults to the control plane's tag). */
    operatorVersion?: string;
    /** IstioOperator objects to create when the CRD is installed. */
    istioOperators?: KubeObject[];
    cni?: boolean;
    nativeSidecars?: boolean;
    /** Istio images cannot be pulled from the hub (ImagePullBackOff). */
    imagePullFailure?: boolean;
    /** Version of the data-plane proxies when it differs from the control plane. */
    proxyVersion?: string;
    /** MeshConfig, written to ConfigMap `istio` key `mesh`. */
    meshConfig?: Record<string, unknown>;
    /** Helm values in ConfigMap `istio-sidecar-injector` key `values`. */
    injectorValues?: Record<string, unknown>;
    ambient?: boolean;
  };
  kiali?: {
    namespace: string;
    /** Kiali config `external_services`. */
    externalServices: Record<string, unknown>;
    webRoot?: string;
  };
  gateways?: ScenarioGateway[];
  namespaces: ScenarioNamespace[];
  /** Extra objects (Sidecar, Telemetry, ServiceEntry, VirtualService, …) to create at start. */
  objects?: KubeObject[];
  traffic?: ScenarioTraffic[];
  /** Generated filler namespaces so an unscoped proxy sees a large config. */
  filler?: {
    namespaces: number;
    servicesPerNamespace: number;
    podsPerService?: number;
    /** Fraction of filler namespaces that already have a `./*` Sidecar. */
    scopedFraction?: number;
    /** Calls per filler service to another filler service in its namespace. */
    rps?: number;
  };
  /** Seconds a proxy takes to settle on its new memory after its config changed. */
  memoryConvergenceSeconds?: number;
  /** Start value of the random generator behind per-pod noise and generated names. */
  randomStart?: number;
}
