import type { PolicyRule } from '../api/rbac';
import type { KubeObject } from '../store/types';

/**
 * What a caller may do. Everything given adds up, as several bindings of one user do in
 * Kubernetes; a caller with none of it is authenticated but may do nothing.
 */
export interface ScenarioGrant {
  /**
   * Shorthand for rules: `read` gets, lists and watches everything; `write` also creates,
   * updates, patches and deletes Sidecar, Namespace, Telemetry and PeerAuthentication.
   */
  role?: 'read' | 'write';
  /** Cluster-wide rules, as a ClusterRole bound with a ClusterRoleBinding. */
  rules?: PolicyRule[];
  /** Rules that hold in one namespace (the key), as a Role bound with a RoleBinding there. */
  namespaceRules?: Record<string, PolicyRule[]>;
}

/** A static bearer token the simulated API server accepts. */
export interface ScenarioToken extends ScenarioGrant {
  token: string;
  /** The Kubernetes user the token authenticates as. */
  user: string;
  /** May send `Impersonate-User` for any user (rules may also grant `impersonate` on `users`). */
  impersonate?: boolean;
}

/**
 * An AWS IAM identity whose EKS-style tokens (`k8s-aws-v1.` and a presigned STS
 * GetCallerIdentity URL, as Backstage's AwsIamStrategy makes them) the server accepts.
 * The signature is checked with the secret key, never by calling AWS.
 */
export interface ScenarioAwsIdentity extends ScenarioGrant {
  accessKeyId: string;
  secretAccessKey: string;
  /** The cluster name the token must be signed for (its `x-k8s-aws-id` header). */
  clusterId: string;
  /** The Kubernetes user the identity is mapped to. */
  user: string;
}

/**
 * An OIDC issuer whose ID tokens (JWTs signed RS256 or ES256) the server accepts, as
 * kube-apiserver's `--oidc-*` flags configure it.
 */
export interface ScenarioOidc {
  /** Must equal the token's `iss` (`--oidc-issuer-url`, an https URL). */
  issuer: string;
  /** Must be in the token's `aud` (`--oidc-client-id`). */
  audience: string;
  /** PEM of the issuer's RSA or P-256 EC public key. */
  publicKeyPem: string;
  /** The claim that names the user (`--oidc-username-claim`); default `sub`. */
  usernameClaim?: string;
  /**
   * Put before the claim to make the user name (`--oidc-username-prefix`). As in
   * Kubernetes, when absent a claim other than `email` is prefixed with `<issuer>#`,
   * and `-` means no prefix.
   */
  usernamePrefix?: string;
  /** Permissions by user name (prefix included); other users may do nothing. */
  users?: Record<string, ScenarioGrant>;
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
  /**
   * Version (image tag) of this app's proxies when it differs from the injecting revision's:
   * a workload not restarted since its control plane was upgraded in place.
   */
  proxyVersion?: string;
  /**
   * How many of the app's pods (counted over its versions in order) cannot pull their proxy
   * image (`ImagePullBackOff` on the injected containers of those pods only), or `all`.
   */
  imagePullFailure?: number | 'all';
}

export interface ScenarioNamespace {
  name: string;
  labels?: Record<string, string>;
  /** e.g. `istio-backstage.io/owner`, saying who may write Sidecars there through Backstage. */
  annotations?: Record<string, string>;
  apps?: ScenarioApp[];
}

/**
 * A further control plane (revision) besides the default one: its own istiod
 * (`istiod-<name>`), ConfigMaps `istio-<name>` and `istio-sidecar-injector-<name>`, and
 * MutatingWebhookConfiguration `istio-sidecar-injector-<name>`, as `istioctl install
 * --revision` or the Helm `revision` value install them.
 */
export interface ScenarioRevision {
  /** Revision name (`istio.io/rev` value), e.g. `canary` or `1-27-3`. */
  name: string;
  /** Istio version of its istiod and injected proxies; the default control plane's if absent. */
  version?: string;
  /**
   * Its MeshConfig (ConfigMap `istio-<name>` key `mesh`); absent = the default control
   * plane's, with `defaultConfig.discoveryAddress` pointing at this revision's istiod.
   */
  meshConfig?: Record<string, unknown>;
  /** Helm values in ConfigMap `istio-sidecar-injector-<name>` key `values`. */
  injectorValues?: Record<string, unknown>;
  /** Revision tags pointing at it (`istioctl tag set <tag> --revision <name>`). */
  tags?: string[];
  /** Its injector makes native sidecars; by default from Istio 1.27 on. */
  nativeSidecars?: boolean;
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
    /** Permissions of impersonated users (a role or a grant); others are read-only. */
    users?: Record<string, 'read' | 'write' | ScenarioGrant>;
    /** AWS IAM identities (EKS-style tokens). */
    aws?: ScenarioAwsIdentity[];
    /** An OIDC issuer whose ID tokens authenticate users. */
    oidc?: ScenarioOidc;
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
    /** Revision tags pointing at the default control plane (`istioctl tag set`). */
    tags?: string[];
    /** Further control planes (revisions) installed next to the default one. */
    revisions?: ScenarioRevision[];
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
