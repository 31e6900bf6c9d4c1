import type {
  IstioMeshConfig,
  IstioTracing,
} from '@istio-backstage/plugin-istio-common';
import type {
  V1ConfigMap,
  V1Container,
  V1ContainerStatus,
  V1Deployment,
  V1Namespace,
  V1Pod,
  V1Service,
} from '@kubernetes/client-node';
import { analyzeMesh } from '../analyzeMesh';
import type { IstioObject, MeshInventory } from '../inventory';
import { meshConfigMapName } from '../meshConfigs';

// Test data only: a small healthy mesh that no rule flags, and builders to break it.

/** When the fixtures were read (a day when Istio 1.30 is supported and 1.28 is not). */
export const READ_AT = '2026-11-25T12:00:00Z';

/** A Namespace with labels. */
export function namespace(
  name: string,
  labels: Record<string, string> = {},
): V1Namespace {
  return { metadata: { name, labels } };
}

/** How {@link pod} builds a pod. */
export interface PodOptions {
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  /** istio-proxy image; omitted = no proxy. */
  proxyImage?: string;
  /** Proxy as a native sidecar (init container with restartPolicy Always). */
  native?: boolean;
  /** Capabilities of an istio-init init container; omitted = no istio-init. */
  istioInit?: string[];
  /** Extra containers (name → image). */
  containers?: Record<string, string>;
  /** Waiting reason per container name; others are running. */
  waiting?: Record<string, string>;
}

/** A pod with optional istio-proxy (classic or native), istio-init and container states. */
export function pod(ns: string, name: string, options: PodOptions = {}): V1Pod {
  const containers: V1Container[] = [
    { name: 'app', image: `example/${name}:1` },
  ];
  const initContainers: V1Container[] = [];
  if (options.istioInit) {
    initContainers.push({
      name: 'istio-init',
      image: options.proxyImage ?? 'docker.io/istio/proxyv2:1.30.1',
      securityContext: { capabilities: { add: options.istioInit } },
    });
  }
  if (options.proxyImage) {
    const proxy: V1Container = {
      name: 'istio-proxy',
      image: options.proxyImage,
    };
    if (options.native) {
      initContainers.push({ ...proxy, restartPolicy: 'Always' });
    } else {
      containers.push(proxy);
    }
  }
  for (const [containerName, image] of Object.entries(
    options.containers ?? {},
  )) {
    containers.push({ name: containerName, image });
  }
  const status = (c: V1Container): V1ContainerStatus => {
    const reason = options.waiting?.[c.name];
    return {
      name: c.name,
      image: c.image!,
      imageID: '',
      ready: !reason,
      restartCount: 0,
      state: reason
        ? { waiting: { reason } }
        : { running: { startedAt: new Date(READ_AT) } },
    };
  };
  return {
    metadata: {
      namespace: ns,
      name,
      labels: options.labels ?? { app: name.split('-')[0] },
      annotations: options.annotations ?? {},
    },
    spec: {
      containers,
      ...(initContainers.length ? { initContainers } : {}),
    },
    status: {
      containerStatuses: containers.map(status),
      ...(initContainers.length
        ? { initContainerStatuses: initContainers.map(status) }
        : {}),
    },
  };
}

/** A Service with the given ports. */
export function service(
  ns: string,
  name: string,
  ports: number[],
  selector: Record<string, string> = { app: name },
): V1Service {
  return {
    metadata: { namespace: ns, name },
    spec: { selector, ports: ports.map(port => ({ port, name: `p-${port}` })) },
  };
}

/** A Deployment whose pod template carries its labels. */
export function deployment(
  ns: string,
  name: string,
  options: {
    labels?: Record<string, string>;
    container?: V1Container;
  } = {},
): V1Deployment {
  const labels = options.labels ?? { app: name };
  return {
    metadata: { namespace: ns, name, labels },
    spec: {
      selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: {
          containers: [
            options.container ?? { name, image: `example/${name}:1` },
          ],
        },
      },
    },
  };
}

/** A Sidecar, selector-less unless `selector` is given. */
export function sidecar(
  ns: string,
  name: string,
  options: { selector?: Record<string, string>; hosts?: string[] } = {},
): IstioObject {
  return {
    apiVersion: 'networking.istio.io/v1',
    kind: 'Sidecar',
    metadata: { namespace: ns, name },
    spec: {
      ...(options.selector
        ? { workloadSelector: { labels: options.selector } }
        : {}),
      egress: [{ hosts: options.hosts ?? ['./*', 'istio-system/*'] }],
    },
  };
}

/** A Telemetry enabling the `zipkin` provider, with an optional sampling percentage. */
export function telemetry(
  ns: string,
  name: string,
  randomSamplingPercentage?: number,
): IstioObject {
  return {
    apiVersion: 'telemetry.istio.io/v1',
    kind: 'Telemetry',
    metadata: { namespace: ns, name },
    spec: {
      tracing: [
        {
          providers: [{ name: 'zipkin' }],
          ...(randomSamplingPercentage !== undefined
            ? { randomSamplingPercentage }
            : {}),
        },
      ],
    },
  };
}

/** A Telemetry with its tracing entries as given, and a selector or targetRefs. */
export function tracingTelemetry(
  ns: string,
  name: string,
  tracing: Array<Record<string, unknown>>,
  options: {
    selector?: Record<string, string>;
    targetRefs?: Array<Record<string, string>>;
    revision?: string;
    createdAt?: string;
  } = {},
): IstioObject {
  return {
    apiVersion: 'telemetry.istio.io/v1',
    kind: 'Telemetry',
    metadata: {
      namespace: ns,
      name,
      ...(options.createdAt ? { creationTimestamp: options.createdAt } : {}),
      ...(options.revision
        ? { labels: { 'istio.io/rev': options.revision } }
        : {}),
    },
    spec: {
      ...(options.selector
        ? { selector: { matchLabels: options.selector } }
        : {}),
      ...(options.targetRefs ? { targetRefs: options.targetRefs } : {}),
      tracing,
    },
  };
}

/** An istiod Deployment of a revision (label `istio.io/rev`), with env on `discovery`. */
export function istiod(
  ns: string,
  revision: string,
  options: { version?: string; env?: Record<string, string> } = {},
): V1Deployment {
  return deployment(
    ns,
    revision === 'default' ? 'istiod' : `istiod-${revision}`,
    {
      labels: { app: 'istiod', 'istio.io/rev': revision },
      container: {
        name: 'discovery',
        image: `docker.io/istio/pilot:${options.version ?? '1.30.1'}`,
        env: Object.entries(options.env ?? {}).map(([n, value]) => ({
          name: n,
          value,
        })),
      },
    },
  );
}

/** The mesh ConfigMap (`istio` in `istio-system` unless told otherwise). */
export function meshConfigMap(
  mesh: string,
  options: { ns?: string; name?: string } = {},
): V1ConfigMap {
  return {
    metadata: {
      namespace: options.ns ?? 'istio-system',
      name: options.name ?? 'istio',
    },
    data: { mesh },
  };
}

/** MeshConfig of the healthy mesh: Telemetry API tracing to Jaeger's Zipkin port. */
export const HEALTHY_MESH_YAML = `
enableTracing: true
extensionProviders:
  - name: zipkin
    zipkin:
      service: jaeger-collector.observability.svc.cluster.local
      port: 9411
`;

/** Kiali config of the healthy mesh (external_services pointing at real Services). */
export const KIALI_CONFIG_YAML = `
external_services:
  prometheus:
    url: http://prometheus.monitoring:9090
  tracing:
    in_cluster_url: http://jaeger-query.observability:16685/jaeger
`;

/** What is read from a healthy cluster (Istio 1.30, CNI, scoped, all scraped). */
export function healthyInventory(): MeshInventory {
  return {
    kubernetesVersion: 'v1.33.2',
    namespaces: [
      namespace('istio-system'),
      namespace('istio-ingress', { 'istio-injection': 'enabled' }),
      namespace('istio-demo', { 'istio-injection': 'enabled' }),
      namespace('observability'),
      namespace('monitoring'),
    ],
    pods: [
      pod('istio-system', 'istiod-5d4f-abcde', {
        labels: { app: 'istiod', 'istio.io/rev': 'default' },
        containers: { discovery: 'docker.io/istio/pilot:1.30.1' },
      }),
      pod('istio-ingress', 'istio-ingress-7c9-xyz', {
        labels: { app: 'istio-ingress', istio: 'ingressgateway' },
        annotations: { 'inject.istio.io/templates': 'gateway' },
        proxyImage: 'docker.io/istio/proxyv2:1.30.1',
      }),
      pod('istio-demo', 'productpage-v1-69d5-sk8lc', {
        proxyImage: 'docker.io/istio/proxyv2:1.30.1',
        native: true,
        annotations: {
          'sidecar.istio.io/status': '{"revision":"default"}',
        },
      }),
      pod('istio-demo', 'details-v1-6f6b-vjkrw', {
        proxyImage: 'docker.io/istio/proxyv2:1.30.1',
        native: true,
      }),
    ],
    services: [
      service('istio-system', 'istiod', [15010, 15012, 443, 15014]),
      service('observability', 'jaeger-collector', [9411, 14268, 4317, 4318], {
        app: 'jaeger',
      }),
      service('observability', 'jaeger-query', [16685, 16686], {
        app: 'jaeger',
      }),
      service('monitoring', 'prometheus', [9090]),
      service('istio-demo', 'productpage', [9080]),
      service('istio-demo', 'details', [9080]),
    ],
    deployments: [
      deployment('istio-system', 'istiod', {
        labels: { app: 'istiod', 'istio.io/rev': 'default' },
        container: { name: 'discovery', image: 'docker.io/istio/pilot:1.30.1' },
      }),
      deployment('observability', 'jaeger', {
        container: { name: 'jaeger', image: 'jaegertracing/all-in-one:1.60' },
      }),
    ],
    daemonSets: [
      { metadata: { namespace: 'istio-system', name: 'istio-cni-node' } },
    ],
    configMaps: [
      meshConfigMap(HEALTHY_MESH_YAML),
      {
        metadata: { namespace: 'istio-system', name: 'kiali' },
        data: { 'config.yaml': KIALI_CONFIG_YAML },
      },
    ],
    sidecars: [sidecar('istio-demo', 'default')],
    telemetries: [telemetry('istio-system', 'mesh-default', 5)],
    istioOperators: 'crd-absent',
    revisionTags: [],
    prometheus: { envoySeries: true, istiodSeries: true },
    prometheusConfigured: true,
    errors: [],
  };
}

/** The healthy mesh's tracing: the root Telemetry's zipkin provider at 5 %. */
const HEALTHY_TRACING: IstioTracing = {
  enabled: 'yes',
  samplingPercent: 5,
  configuredIn: 'extensionProviders+Telemetry',
  provider: 'zipkin',
  providerName: 'zipkin',
  collector: {
    host: 'jaeger-collector.observability.svc.cluster.local',
    port: 9411,
    service: { namespace: 'observability', name: 'jaeger-collector' },
    exists: 'yes',
  },
  decidedBy: {
    provider: 'Telemetry istio-system/mesh-default',
    sampling: 'Telemetry istio-system/mesh-default',
  },
};

/** The mesh model a healthy cluster gives. */
export function healthyMesh(): IstioMeshConfig {
  return {
    cluster: 'demo',
    readAt: READ_AT,
    kubernetesVersion: 'v1.33.2',
    istioInstalled: 'yes',
    controlPlanes: [
      {
        revision: 'default',
        namespace: 'istio-system',
        version: '1.30.1',
        hub: 'docker.io/istio',
        tag: '1.30.1',
        installMethod: 'helm',
        support: { verdict: 'supported', reasons: [] },
        ready: { ready: 1, desired: 1 },
      },
    ],
    dataPlane: {
      sidecarNamespaces: ['istio-demo', 'istio-ingress'],
      ambientNamespaces: [],
      nativeSidecars: 'mixed',
      proxyVersions: { '1.30.1': 3 },
    },
    cni: { installed: 'yes', podsWithNetAdmin: 0 },
    tracing: HEALTHY_TRACING,
    revisions: [
      {
        revision: 'default',
        namespace: 'istio-system',
        tags: [],
        namespaces: ['istio-demo', 'istio-ingress'],
        tracing: HEALTHY_TRACING,
        outboundTrafficPolicy: 'ALLOW_ANY',
        rootNamespace: 'istio-system',
        prometheusMerge: 'yes',
      },
    ],
    gateways: [
      {
        name: 'istio-ingress',
        namespace: 'istio-ingress',
        injectionTemplate: 'gateway',
        sendsTraces: 'yes',
        replicas: 1,
      },
    ],
    prometheus: {
      merge: 'yes',
      configured: true,
      envoySeries: 'yes',
      istiodSeries: 'yes',
    },
    kiali: {
      installed: 'yes',
      namespace: 'istio-system',
      externalServices: [
        {
          name: 'prometheus',
          url: 'http://prometheus.monitoring:9090',
          exists: 'yes',
        },
        {
          name: 'tracing',
          url: 'http://jaeger-query.observability:16685/jaeger',
          exists: 'yes',
        },
      ],
    },
    meshSize: {
      namespaces: 5,
      injectedNamespaces: 2,
      services: 6,
      pods: 4,
      proxies: 3,
      sidecarResources: 1,
    },
    diagnostics: [],
    errors: [],
  };
}

/** Everything unknown: every read failed. No rule may fire on this. */
export function unknownInventory(): MeshInventory {
  return { prometheusConfigured: true, errors: [] };
}

/** The mesh model of a cluster where every read failed. */
export function unknownMesh(): IstioMeshConfig {
  return {
    cluster: 'demo',
    readAt: READ_AT,
    istioInstalled: 'unknown',
    controlPlanes: [],
    dataPlane: {
      sidecarNamespaces: [],
      ambientNamespaces: [],
      nativeSidecars: 'unknown',
      proxyVersions: {},
    },
    cni: { installed: 'unknown' },
    tracing: { enabled: 'unknown', configuredIn: 'unknown' },
    gateways: [],
    prometheus: {
      merge: 'unknown',
      configured: true,
      envoySeries: 'unknown',
      istiodSeries: 'unknown',
    },
    kiali: { installed: 'unknown', externalServices: [] },
    meshSize: {},
    diagnostics: [],
    errors: [],
  };
}

/** Shallow per-key override of a healthy mesh, for table-driven tests. */
export function meshWith(overrides: Partial<IstioMeshConfig>): IstioMeshConfig {
  return { ...healthyMesh(), ...overrides };
}

/** Shallow per-key override of a healthy inventory, for table-driven tests. */
export function inventoryWith(
  overrides: Partial<MeshInventory>,
): MeshInventory {
  return { ...healthyInventory(), ...overrides };
}

/** `Kind ns/name` of each diagnostic's object, for compact expectations. */
export function objectsOf(
  diagnostics: Array<{
    code: string;
    object?: { kind: string; namespace?: string; name: string };
  }>,
): string[] {
  return diagnostics.map(d =>
    d.object
      ? `${d.code} ${d.object.kind} ${
          d.object.namespace ? `${d.object.namespace}/` : ''
        }${d.object.name}`
      : `${d.code} (no object)`,
  );
}

/** One control plane revision of {@link revisionsInventory}. */
export interface RevisionSetup {
  revision: string;
  /** istiod's Istio version (its image tag); 1.30.1 unless told. */
  version?: string;
  /** Its MeshConfig (`istio` / `istio-<rev>`); no ConfigMap when undefined. */
  meshYaml?: string;
  /** istiod's namespace; `istio-system` unless told. */
  namespace?: string;
  env?: Record<string, string>;
}

/**
 * The healthy cluster with these control plane revisions instead of its own istiod and
 * MeshConfig (the Kiali ConfigMap kept), then `overrides`.
 */
export function revisionsInventory(
  revisions: RevisionSetup[],
  overrides: Partial<MeshInventory> = {},
): MeshInventory {
  const base = healthyInventory();
  return {
    ...base,
    deployments: [
      ...base.deployments!.filter(d => d.metadata?.labels?.app !== 'istiod'),
      ...revisions.map(r =>
        istiod(r.namespace ?? 'istio-system', r.revision, {
          version: r.version,
          env: r.env,
        }),
      ),
    ],
    configMaps: [
      ...base.configMaps!.filter(c => c.metadata?.name === 'kiali'),
      ...revisions.flatMap(r =>
        r.meshYaml === undefined
          ? []
          : [
              meshConfigMap(r.meshYaml, {
                ns: r.namespace ?? 'istio-system',
                name: meshConfigMapName(r.revision),
              }),
            ],
      ),
    ],
    ...overrides,
  };
}

/** The mesh model {@link analyzeMesh} makes of an inventory (no diagnostics yet). */
export function analysedMesh(inventory: MeshInventory): IstioMeshConfig {
  return {
    ...analyzeMesh(inventory, { cluster: 'demo', now: new Date(READ_AT) }),
    diagnostics: [],
  };
}
