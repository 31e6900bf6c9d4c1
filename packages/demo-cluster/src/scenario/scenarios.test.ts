import https from 'node:https';
import yaml from 'yaml';
import { startDemoCluster, type DemoCluster } from '../DemoCluster';
import { RESOURCE_TYPES, type ResourceType } from '../store/resources';
import type { KubeObject } from '../store/types';
import { listScenarios, loadScenario } from './loadScenario';

jest.setTimeout(60_000);

const type = (plural: string): ResourceType => {
  const found = RESOURCE_TYPES.find(t => t.plural === plural);
  if (!found) throw new Error(`unknown resource type ${plural}`);
  return found;
};

interface Container {
  name: string;
  image: string;
  args?: string[];
  restartPolicy?: string;
  securityContext?: { capabilities?: { add?: string[] } };
}

interface ContainerStatus {
  name: string;
  ready: boolean;
  state: {
    waiting?: { reason: string; message: string };
    running?: unknown;
  };
}

const specOf = (pod: KubeObject) =>
  pod.spec as { containers: Container[]; initContainers?: Container[] };

const statusOf = (pod: KubeObject) =>
  pod.status as {
    phase: string;
    containerStatuses: ContainerStatus[];
    initContainerStatuses?: ContainerStatus[];
  };

/** Where a pod's istio-proxy is, if it has one. */
function proxyOf(
  pod: KubeObject,
): { list: 'containers' | 'initContainers'; container: Container } | undefined {
  const spec = specOf(pod);
  const inContainers = spec.containers.find(c => c.name === 'istio-proxy');
  if (inContainers) return { list: 'containers', container: inContainers };
  const inInit = spec.initContainers?.find(c => c.name === 'istio-proxy');
  if (inInit) return { list: 'initContainers', container: inInit };
  return undefined;
}

function allStatuses(pod: KubeObject): ContainerStatus[] {
  const status = statusOf(pod);
  return [...(status.initContainerStatuses ?? []), ...status.containerStatuses];
}

function pods(cluster: DemoCluster, namespace: string): KubeObject[] {
  return cluster.store.list(type('pods'), namespace);
}

function get(
  cluster: DemoCluster,
  plural: string,
  namespace: string | undefined,
  name: string,
): KubeObject {
  const object = cluster.store.get(type(plural), namespace, name);
  if (!object)
    throw new Error(`${plural} ${namespace ?? ''}/${name} does not exist`);
  return object;
}

function meshConfig(cluster: DemoCluster): Record<string, any> {
  const cm = get(cluster, 'configmaps', 'istio-system', 'istio');
  return yaml.parse((cm.data as { mesh: string }).mesh);
}

function istiodDeployment(cluster: DemoCluster): KubeObject {
  return get(cluster, 'deployments', 'istio-system', 'istiod');
}

function istiodImage(cluster: DemoCluster): string {
  return (istiodDeployment(cluster).spec as any).template.spec.containers[0]
    .image;
}

function servicePorts(
  cluster: DemoCluster,
  namespace: string,
  name: string,
): number[] {
  return (
    get(cluster, 'services', namespace, name).spec as {
      ports: Array<{ port: number }>;
    }
  ).ports.map(p => p.port);
}

/** A GET against the simulated API server with the read-only token. */
function apiGet(
  cluster: DemoCluster,
  path: string,
): Promise<{ status: number; body: any }> {
  return new Promise((resolve, reject) => {
    const req = https.get(
      `${cluster.url}${path}`,
      {
        ca: cluster.caPem,
        headers: { Authorization: 'Bearer demo-reader-token' },
      },
      res => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', chunk => {
          text += chunk;
        });
        res.on('end', () => {
          let body: unknown = text;
          try {
            body = JSON.parse(text);
          } catch {
            // not JSON
          }
          resolve({ status: res.statusCode ?? 0, body });
        });
      },
    );
    req.on('error', reject);
  });
}

/** Pods of bookinfo, which every scenario has as sidecar-injected workloads. */
const BOOKINFO_WORKLOADS = [
  'productpage-v1',
  'details-v1',
  'reviews-v1',
  'reviews-v2',
  'reviews-v3',
  'ratings-v1',
];

function bookinfoPods(cluster: DemoCluster): KubeObject[] {
  const result = pods(cluster, 'istio-demo');
  expect(result).toHaveLength(BOOKINFO_WORKLOADS.length);
  return result;
}

async function expectDefault(cluster: DemoCluster) {
  // A large mesh: 130 filler namespaces of 10 services.
  expect(cluster.store.list(type('pods')).length).toBeGreaterThan(1300);
  // Gateway with gateway injection in its own namespace.
  const [gateway] = pods(cluster, 'istio-ingress');
  expect(gateway.metadata.annotations?.['inject.istio.io/templates']).toBe(
    'gateway',
  );
  expect(
    gateway.metadata.annotations?.['sidecar.istio.io/status'],
  ).toBeDefined();
  expect(
    pods(cluster, 'istio-system').map(p => p.metadata.labels?.app),
  ).not.toContain('istio-ingressgateway');
  // Jaeger accepts Zipkin and MeshConfig sends there.
  expect(servicePorts(cluster, 'observability', 'jaeger-collector')).toContain(
    9411,
  );
  expect(meshConfig(cluster).defaultConfig.tracing.zipkin.address).toBe(
    'jaeger-collector.observability:9411',
  );
  // CNI and native sidecars.
  get(cluster, 'daemonsets', 'istio-system', 'istio-cni-node');
  for (const pod of bookinfoPods(cluster)) {
    const proxy = proxyOf(pod)!;
    expect(proxy.list).toBe('initContainers');
    expect(proxy.container.restartPolicy).toBe('Always');
    expect(proxy.container.image).toBe('docker.io/istio/proxyv2:1.28.1');
    const init = specOf(pod).initContainers!.map(c => c.name);
    expect(init).toEqual(['istio-validation', 'istio-proxy']);
  }
  expect(istiodImage(cluster)).toBe('docker.io/istio/pilot:1.28.1');
  // Scoped filler namespaces already have a `./*` Sidecar.
  expect(cluster.store.list(type('sidecars')).length).toBeGreaterThan(0);
}

async function expectGatewayInIstioSystem(cluster: DemoCluster) {
  expect(pods(cluster, 'istio-ingress')).toEqual([]);
  const gateways = pods(cluster, 'istio-system').filter(
    p => p.metadata.labels?.app === 'istio-ingressgateway',
  );
  expect(gateways).toHaveLength(1);
  const [gateway] = gateways;
  expect(gateway.metadata.labels?.istio).toBe('ingressgateway');
  // Not injected: a plain proxy deployment.
  const annotations = gateway.metadata.annotations ?? {};
  expect(annotations['inject.istio.io/templates']).toBeUndefined();
  expect(annotations['sidecar.istio.io/status']).toBeUndefined();
  expect(gateway.metadata.labels?.['sidecar.istio.io/inject']).toBe(undefined);
  const proxy = proxyOf(gateway)!;
  expect(proxy.list).toBe('containers');
  expect(proxy.container.args?.slice(0, 2)).toEqual(['proxy', 'router']);
  get(cluster, 'services', 'istio-system', 'istio-ingressgateway');
  // The traffic enters through the istio-system gateway.
  expect(
    cluster.scenario.traffic?.some(
      t => t.from === 'istio-system/istio-ingressgateway',
    ),
  ).toBe(true);
}

async function expectJaegerWithoutZipkin(cluster: DemoCluster) {
  const ports = servicePorts(cluster, 'observability', 'jaeger-collector');
  expect(ports).not.toContain(9411);
  expect(ports).toEqual(expect.arrayContaining([14268, 4317, 4318]));
  const endpoints = get(
    cluster,
    'endpoints',
    'observability',
    'jaeger-collector',
  );
  const endpointPorts = (
    endpoints.subsets as Array<{ ports: Array<{ port: number }> }>
  ).flatMap(s => s.ports.map(p => p.port));
  expect(endpointPorts).not.toContain(9411);
  // MeshConfig still sends Zipkin spans to 9411.
  expect(meshConfig(cluster).defaultConfig.tracing.zipkin.address).toBe(
    'jaeger-collector.observability:9411',
  );
}

async function expectNoCni(cluster: DemoCluster) {
  expect(
    cluster.store.get(type('daemonsets'), 'istio-system', 'istio-cni-node'),
  ).toBeUndefined();
  for (const pod of bookinfoPods(cluster)) {
    const init = specOf(pod).initContainers ?? [];
    const istioInit = init.find(c => c.name === 'istio-init');
    expect(istioInit).toBeDefined();
    expect(istioInit!.securityContext?.capabilities?.add).toEqual(
      expect.arrayContaining(['NET_ADMIN', 'NET_RAW']),
    );
    expect(init.map(c => c.name)).not.toContain('istio-validation');
    expect(proxyOf(pod)?.list).toBe('initContainers');
  }
  const injector = get(
    cluster,
    'configmaps',
    'istio-system',
    'istio-sidecar-injector',
  );
  expect(
    JSON.parse((injector.data as { values: string }).values).pilot.cni.enabled,
  ).toBe(false);
}

async function expectUnsupportedVersions(cluster: DemoCluster) {
  const version = await apiGet(cluster, '/version');
  expect(version.body.gitVersion).toBe('v1.33.2');
  expect(istiodImage(cluster)).toBe('docker.io/istio/pilot:1.22.3');
  expect(istiodDeployment(cluster).metadata.labels?.['helm.sh/chart']).toBe(
    'istiod-1.22.3',
  );
  for (const pod of bookinfoPods(cluster)) {
    expect(proxyOf(pod)!.container.image).toBe(
      'docker.io/istio/proxyv2:1.22.3',
    );
  }
}

async function expectImagePullFailure(cluster: DemoCluster) {
  const [istiod] = pods(cluster, 'istio-system').filter(
    p => p.metadata.labels?.app === 'istiod',
  );
  const discovery = statusOf(istiod).containerStatuses.find(
    s => s.name === 'discovery',
  )!;
  expect(discovery.ready).toBe(false);
  expect(discovery.state.waiting?.reason).toBe('ImagePullBackOff');
  expect(discovery.state.waiting?.message).toContain(
    'docker.io/istio/pilot:1.28.1',
  );
  expect(statusOf(istiod).phase).toBe('Pending');
  expect(
    (istiodDeployment(cluster).status as { readyReplicas: number })
      .readyReplicas,
  ).toBe(0);
  for (const pod of [
    ...bookinfoPods(cluster),
    ...pods(cluster, 'istio-ingress'),
  ]) {
    const proxy = allStatuses(pod).find(s => s.name === 'istio-proxy')!;
    expect(proxy.state.waiting?.reason).toBe('ImagePullBackOff');
    expect(proxy.state.waiting?.message).toContain('docker.io/istio/proxyv2:');
  }
  // Neither the gateway (its proxy is its main container) nor bookinfo (its native
  // istio-proxy init container cannot be pulled, so the app never starts) runs.
  for (const pod of [
    ...bookinfoPods(cluster),
    ...pods(cluster, 'istio-ingress'),
  ]) {
    expect(statusOf(pod).phase).toBe('Pending');
  }
  for (const pod of bookinfoPods(cluster)) {
    const app = allStatuses(pod).find(
      s => s.name !== 'istio-proxy' && s.name !== 'istio-validation',
    )!;
    expect(app.state.waiting?.reason).toBe('PodInitializing');
  }
  // Workloads without Istio images are unaffected.
  for (const pod of pods(cluster, 'observability')) {
    expect(statusOf(pod).phase).toBe('Running');
  }
  // Proxies that never started have no Envoy.
  expect(cluster.mesh.allEnvoyStats()).toEqual([]);
}

async function expectAmbient(cluster: DemoCluster) {
  get(cluster, 'daemonsets', 'istio-system', 'ztunnel');
  const ns = get(cluster, 'namespaces', undefined, 'ambient-demo');
  expect(ns.metadata.labels?.['istio.io/dataplane-mode']).toBe('ambient');
  const ambientPods = pods(cluster, 'ambient-demo');
  expect(ambientPods.length).toBeGreaterThanOrEqual(2);
  for (const pod of ambientPods) {
    expect(pod.metadata.annotations?.['ambient.istio.io/redirection']).toBe(
      'enabled',
    );
    expect(proxyOf(pod)).toBeUndefined();
    expect(
      pod.metadata.annotations?.['sidecar.istio.io/status'],
    ).toBeUndefined();
    expect(
      cluster.mesh.envoyStats('ambient-demo', pod.metadata.name),
    ).toBeUndefined();
  }
  // istio-demo keeps its sidecars.
  for (const pod of bookinfoPods(cluster)) {
    expect(proxyOf(pod)).toBeDefined();
    expect(
      pod.metadata.annotations?.['ambient.istio.io/redirection'],
    ).toBeUndefined();
  }
}

async function expectLegacySidecars(cluster: DemoCluster) {
  expect((await apiGet(cluster, '/version')).body.gitVersion).toBe('v1.31.4');
  expect(istiodImage(cluster)).toBe('docker.io/istio/pilot:1.26.4');
  for (const pod of bookinfoPods(cluster)) {
    const proxy = proxyOf(pod)!;
    expect(proxy.list).toBe('containers');
    expect(proxy.container.restartPolicy).toBeUndefined();
    expect(proxy.container.image).toBe('docker.io/istio/proxyv2:1.26.4');
    expect((specOf(pod).initContainers ?? []).map(c => c.name)).not.toContain(
      'istio-proxy',
    );
    const status = JSON.parse(
      pod.metadata.annotations!['sidecar.istio.io/status'],
    );
    expect(status.containers).toEqual(['istio-proxy']);
    expect(status.initContainers).toEqual(['istio-validation']);
  }
}

async function expectOperatorStillDeployed(cluster: DemoCluster) {
  expect((await apiGet(cluster, '/version')).body.gitVersion).toBe('v1.30.8');
  const operator = get(
    cluster,
    'deployments',
    'istio-operator',
    'istio-operator',
  );
  expect((operator.spec as any).template.spec.containers[0].image).toBe(
    'docker.io/istio/operator:1.23.4',
  );
  const iops = cluster.store.list(type('istiooperators'));
  expect(iops.map(i => `${i.metadata.namespace}/${i.metadata.name}`)).toEqual([
    'istio-system/default-istiocontrolplane',
  ]);
  expect(iops[0].spec).toEqual({
    profile: 'default',
    hub: 'docker.io/istio',
    tag: '1.24.3',
  });
  const labels = istiodDeployment(cluster).metadata.labels ?? {};
  expect(labels['operator.istio.io/version']).toBe('1.24.3');
  expect(labels['app.kubernetes.io/managed-by']).toBeUndefined();
  expect(istiodImage(cluster)).toBe('docker.io/istio/pilot:1.24.3');
  const listed = await apiGet(
    cluster,
    '/apis/install.istio.io/v1alpha1/namespaces/istio-system/istiooperators',
  );
  expect(listed.status).toBe(200);
  expect(listed.body.items.map((i: KubeObject) => i.metadata.name)).toEqual([
    'default-istiocontrolplane',
  ]);
}

async function expectHelmNoOperatorCrd(cluster: DemoCluster) {
  const labels = istiodDeployment(cluster).metadata.labels ?? {};
  expect(labels['app.kubernetes.io/managed-by']).toBe('Helm');
  expect(labels['helm.sh/chart']).toBe('istiod-1.27.3');
  expect(
    cluster.store.get(type('deployments'), 'istio-operator', 'istio-operator'),
  ).toBeUndefined();
  expect(cluster.store.list(type('istiooperators'))).toEqual([]);
  const mesh = meshConfig(cluster);
  expect(mesh.defaultConfig.tracing).toBeUndefined();
  expect(mesh.extensionProviders).toEqual([
    {
      name: 'jaeger',
      zipkin: {
        service: 'jaeger-collector.observability.svc.cluster.local',
        port: 9411,
      },
    },
  ]);
  expect(mesh.defaultProviders.tracing).toEqual(['jaeger']);
  const telemetry = get(cluster, 'telemetries', 'istio-system', 'mesh-default');
  expect(telemetry.apiVersion).toBe('telemetry.istio.io/v1');
  expect(telemetry.spec).toEqual({
    tracing: [
      { providers: [{ name: 'jaeger' }], randomSamplingPercentage: 10 },
    ],
  });
  // The provider's port exists on the collector.
  expect(servicePorts(cluster, 'observability', 'jaeger-collector')).toContain(
    9411,
  );
}

async function expectProxyNewerThanControlPlane(cluster: DemoCluster) {
  expect(istiodImage(cluster)).toBe('docker.io/istio/pilot:1.27.3');
  for (const pod of [
    ...bookinfoPods(cluster),
    ...pods(cluster, 'istio-ingress'),
  ]) {
    expect(proxyOf(pod)!.container.image).toBe(
      'docker.io/istio/proxyv2:1.28.1',
    );
  }
  const stats = cluster.mesh.allEnvoyStats();
  expect(stats.length).toBeGreaterThan(0);
  expect(new Set(stats.map(s => s.pod.proxyVersion))).toEqual(
    new Set(['1.28.1']),
  );
}

async function expectSidecarMistakes(cluster: DemoCluster) {
  const selectorless = cluster.store
    .list(type('sidecars'), 'istio-demo')
    .filter(s => !(s.spec as { workloadSelector?: unknown }).workloadSelector);
  expect(selectorless.map(s => s.metadata.name).sort()).toEqual([
    'default',
    'extra',
  ]);
  const root = get(cluster, 'sidecars', 'istio-system', 'default');
  expect((root.spec as any).workloadSelector.labels).toEqual({
    app: 'productpage',
  });
  // The selector-carrying root Sidecar is no mesh default.
  expect(
    cluster.mesh.sidecarFor('team-001', { app: 'svc-01' }),
  ).toBeUndefined();
  expect(
    ['default', 'extra'].includes(
      cluster.mesh.sidecarFor('istio-demo', { app: 'details' })!.metadata.name,
    ),
  ).toBe(true);
  const shop = get(cluster, 'namespaces', undefined, 'shop');
  expect(shop.metadata.labels).toMatchObject({
    'istio-injection': 'enabled',
    'istio.io/rev': 'canary',
  });
  const shopPods = pods(cluster, 'shop');
  expect(shopPods).toHaveLength(2);
  for (const pod of shopPods) {
    expect(proxyOf(pod)).toBeDefined();
    expect(
      JSON.parse(pod.metadata.annotations!['sidecar.istio.io/status']).revision,
    ).toBe('default');
  }
}

async function expectServiceEntry(cluster: DemoCluster) {
  const se = get(cluster, 'serviceentries', 'istio-demo', 'payments-api');
  expect(se.spec).toMatchObject({
    hosts: ['api.payments.example.com'],
    location: 'MESH_EXTERNAL',
    resolution: 'DNS',
    ports: [expect.objectContaining({ number: 443 })],
  });
  const vs = get(cluster, 'virtualservices', 'istio-demo', 'reviews');
  expect((vs.spec as { hosts: string[] }).hosts).toEqual(['reviews']);
  // productpage's calls to the external host are counted under that host.
  await new Promise(resolve => setTimeout(resolve, 50));
  const external = cluster.mesh
    .trafficSeries()
    .filter(
      s =>
        s.labels.source_workload === 'productpage-v1' &&
        s.labels.destination_service === 'api.payments.example.com',
    );
  expect(external.length).toBeGreaterThan(0);
  expect(external.map(s => s.labels.destination_service_name)).not.toContain(
    'PassthroughCluster',
  );
}

/** A request against the simulated API server with any token and an optional JSON body. */
function apiRequest(
  cluster: DemoCluster,
  method: string,
  path: string,
  token: string,
  body?: unknown,
): Promise<{ status: number; body: any }> {
  return new Promise((resolve, reject) => {
    const req = https.request(
      `${cluster.url}${path}`,
      {
        method,
        ca: cluster.caPem,
        headers: {
          Authorization: `Bearer ${token}`,
          ...(body ? { 'Content-Type': 'application/json' } : {}),
        },
      },
      res => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', chunk => {
          text += chunk;
        });
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }),
        );
      },
    );
    req.on('error', reject);
    req.end(body ? JSON.stringify(body) : undefined);
  });
}

/** The Prometheus exposition of the cluster's metrics port. */
async function metricsText(cluster: DemoCluster): Promise<string> {
  const res = await fetch(cluster.metricsUrl);
  return res.text();
}

/** Source-reported traffic series from one workload to one destination_service. */
async function sourceSeries(
  cluster: DemoCluster,
  workload: string,
  destination: string,
) {
  await new Promise(resolve => setTimeout(resolve, 50));
  return cluster.mesh
    .trafficSeries()
    .filter(
      s =>
        s.labels.reporter === 'source' &&
        s.labels.source_workload === workload &&
        s.labels.destination_service === destination,
    );
}

function statusAnnotation(pod: KubeObject) {
  return JSON.parse(pod.metadata.annotations!['sidecar.istio.io/status']);
}

function workloadPods(
  cluster: DemoCluster,
  namespace: string,
  workload: string,
): KubeObject[] {
  return pods(cluster, namespace).filter(p =>
    p.metadata.name.startsWith(`${workload}-`),
  );
}

function meshConfigOf(cluster: DemoCluster, name: string) {
  const cm = get(cluster, 'configmaps', 'istio-system', name);
  return yaml.parse((cm.data as { mesh: string }).mesh);
}

async function expectCanaryControlPlanes(cluster: DemoCluster) {
  const canary = get(cluster, 'deployments', 'istio-system', 'istiod-canary');
  expect(canary.metadata.labels).toMatchObject({
    app: 'istiod',
    'istio.io/rev': 'canary',
  });
  const discovery = (canary.spec as any).template.spec.containers[0];
  expect(discovery.image).toBe('docker.io/istio/pilot:1.27.3');
  expect(discovery.env).toContainEqual({ name: 'REVISION', value: 'canary' });
  expect(istiodImage(cluster)).toBe('docker.io/istio/pilot:1.26.4');
  const istiods = await apiGet(
    cluster,
    '/apis/apps/v1/deployments?labelSelector=app%3Distiod',
  );
  expect(
    istiods.body.items.map((d: KubeObject) => d.metadata.name).sort(),
  ).toEqual(['istiod', 'istiod-canary']);
  // Each istiod Service reaches its own istiod only.
  for (const [name, rev] of [
    ['istiod', 'default'],
    ['istiod-canary', 'canary'],
  ]) {
    const subsets = get(cluster, 'endpoints', 'istio-system', name)
      .subsets as Array<{ addresses: Array<{ targetRef: { name: string } }> }>;
    const targets = subsets.flatMap(s => s.addresses.map(a => a.targetRef));
    expect(targets).toHaveLength(1);
    const pod = get(cluster, 'pods', 'istio-system', targets[0].name);
    expect(pod.metadata.labels?.['istio.io/rev']).toBe(rev);
  }
  // Each revision's MeshConfig: Zipkin via defaultConfig, OpenTelemetry via providers.
  expect(
    meshConfigOf(cluster, 'istio').defaultConfig.tracing.zipkin.address,
  ).toBe('jaeger-collector.observability:9411');
  const canaryMesh = meshConfigOf(cluster, 'istio-canary');
  expect(canaryMesh.extensionProviders).toEqual([
    {
      name: 'otel-tracing',
      opentelemetry: {
        service: 'otel-collector.observability.svc.cluster.local',
        port: 4317,
      },
    },
  ]);
  expect(canaryMesh.defaultProviders.tracing).toEqual(['otel-tracing']);
  const injector = get(
    cluster,
    'configmaps',
    'istio-system',
    'istio-sidecar-injector-canary',
  );
  const data = injector.data as { values: string; config: string };
  expect(JSON.parse(data.values)).toMatchObject({
    revision: 'canary',
    global: { tag: '1.27.3' },
  });
  expect(data.config).toContain('policy: enabled');
}

async function expectCanaryWebhooks(cluster: DemoCluster) {
  const base =
    '/apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations';
  const all = await apiGet(cluster, base);
  expect(all.status).toBe(200);
  const labels = Object.fromEntries(
    all.body.items.map((w: KubeObject) => [w.metadata.name, w.metadata.labels]),
  );
  expect(Object.keys(labels).sort()).toEqual([
    'istio-revision-tag-prod-stable',
    'istio-sidecar-injector',
    'istio-sidecar-injector-canary',
  ]);
  expect(labels['istio-sidecar-injector-canary']['istio.io/rev']).toBe(
    'canary',
  );
  expect(labels['istio-revision-tag-prod-stable']).toMatchObject({
    'istio.io/rev': 'default',
    'istio.io/tag': 'prod-stable',
  });
  const tags = await apiGet(cluster, `${base}?labelSelector=istio.io%2Ftag`);
  expect(tags.body.items.map((w: KubeObject) => w.metadata.name)).toEqual([
    'istio-revision-tag-prod-stable',
  ]);
  const one = await apiGet(cluster, `${base}/istio-sidecar-injector-canary`);
  expect(one.body.webhooks[0].clientConfig.service.name).toBe('istiod-canary');
  const discovery = await apiGet(
    cluster,
    '/apis/admissionregistration.k8s.io/v1',
  );
  expect(discovery.body.resources).toContainEqual(
    expect.objectContaining({
      name: 'mutatingwebhookconfigurations',
      namespaced: false,
      verbs: ['get', 'list', 'watch'],
    }),
  );
  const namespaced = await apiGet(
    cluster,
    '/apis/admissionregistration.k8s.io/v1/namespaces/istio-system/mutatingwebhookconfigurations',
  );
  expect(namespaced.status).toBe(404);
}

async function expectCanaryPods(cluster: DemoCluster) {
  // shop is on the canary: native sidecars of 1.27.3, revision in the status.
  for (const pod of pods(cluster, 'shop')) {
    expect(statusAnnotation(pod).revision).toBe('canary');
    expect(pod.metadata.annotations?.['istio.io/rev']).toBe('canary');
    expect(pod.metadata.labels?.['istio.io/rev']).toBeUndefined();
    const proxy = proxyOf(pod)!;
    expect(proxy.list).toBe('initContainers');
    expect(proxy.container.image).toBe('docker.io/istio/proxyv2:1.27.3');
  }
  // payments is on the tag prod-stable → default; its proxies were not restarted.
  for (const pod of pods(cluster, 'payments')) {
    expect(statusAnnotation(pod).revision).toBe('default');
    expect(proxyOf(pod)).toMatchObject({
      list: 'containers',
      container: { image: 'docker.io/istio/proxyv2:1.26.1' },
    });
  }
  // legacy: batch picks the canary with its own pod label, cron is not injected.
  const [batch] = workloadPods(cluster, 'legacy', 'batch-v1');
  expect(batch.metadata.labels?.['istio.io/rev']).toBe('canary');
  expect(statusAnnotation(batch).revision).toBe('canary');
  const [cron] = workloadPods(cluster, 'legacy', 'cron-v1');
  expect(proxyOf(cron)).toBeUndefined();
  // The gateway (no namespace label, inject=true) goes to the default revision.
  const [gateway] = pods(cluster, 'istio-ingress');
  expect(statusAnnotation(gateway).revision).toBe('default');
  expect(proxyOf(gateway)!.container.image).toBe(
    'docker.io/istio/proxyv2:1.26.4',
  );
}

async function expectCanaryPullFailure(cluster: DemoCluster) {
  const proxyState = (pod: KubeObject) =>
    allStatuses(pod).find(s => s.name === 'istio-proxy')!.state;
  const v1 = workloadPods(cluster, 'shop', 'reviews-v1');
  expect(v1).toHaveLength(2);
  const [failing, running] = v1
    .map(pod => ({ pod, state: proxyState(pod) }))
    .sort((a, b) => (a.state.waiting ? -1 : 1) - (b.state.waiting ? -1 : 1));
  expect(failing.state.waiting?.reason).toBe('ImagePullBackOff');
  expect(failing.state.waiting?.message).toContain(
    'docker.io/istio/proxyv2:1.27.3',
  );
  expect(statusOf(failing.pod).phase).toBe('Pending');
  expect(running.state.running).toBeDefined();
  expect(statusOf(running.pod).phase).toBe('Running');
  for (const pod of workloadPods(cluster, 'shop', 'reviews-v2'))
    expect(proxyState(pod).running).toBeDefined();
  expect(
    (get(cluster, 'deployments', 'shop', 'reviews-v1').status as any)
      .readyReplicas,
  ).toBe(1);
  expect(
    cluster.mesh.envoyStats('shop', failing.pod.metadata.name),
  ).toBeUndefined();
}

async function expectCanaryTraffic(cluster: DemoCluster) {
  // A ServiceEntry host: named by the host, in the ServiceEntry's namespace.
  const shipping = await sourceSeries(
    cluster,
    'storefront-v1',
    'api.shipping.example.com',
  );
  expect(shipping.length).toBeGreaterThan(0);
  for (const s of shipping)
    expect(s.labels).toMatchObject({
      destination_service_name: 'api.shipping.example.com',
      destination_service_namespace: 'shop',
    });
  // No ServiceEntry: the canary's MeshConfig says REGISTRY_ONLY, the default's ALLOW_ANY.
  const stripe = await sourceSeries(
    cluster,
    'storefront-v1',
    'api.stripe.example.com',
  );
  expect(stripe.map(s => s.labels.destination_service_name)).toEqual([
    'BlackHoleCluster',
  ]);
  expect(stripe[0].labels).toMatchObject({
    response_code: '502',
    response_flags: 'NR',
  });
  const bank = await sourceSeries(
    cluster,
    'payments-api-v1',
    'api.bank.example.com',
  );
  expect(new Set(bank.map(s => s.labels.destination_service_name))).toEqual(
    new Set(['PassthroughCluster']),
  );
  // Each istiod reports its own proxies by version.
  const xds = (await metricsText(cluster))
    .split('\n')
    .filter(line => line.startsWith('pilot_xds{'));
  expect(xds.some(l => /pod="istiod-canary-.*version="1\.27\.3"/.test(l))).toBe(
    true,
  );
  expect(xds.some(l => /pod="istiod-6.*version="1\.26\.1"/.test(l))).toBe(true);
}

async function expectCanaryRevision(cluster: DemoCluster) {
  await expectCanaryControlPlanes(cluster);
  await expectCanaryWebhooks(cluster);
  await expectCanaryPods(cluster);
  await expectCanaryPullFailure(cluster);
  await expectCanaryTraffic(cluster);
}

async function expectTelemetryLevels(cluster: DemoCluster) {
  const listed = await apiGet(
    cluster,
    '/apis/telemetry.istio.io/v1/telemetries',
  );
  expect(listed.status).toBe(200);
  const byName = Object.fromEntries(
    listed.body.items.map((t: KubeObject) => [
      `${t.metadata.namespace}/${t.metadata.name}`,
      t.spec,
    ]),
  );
  expect(Object.keys(byName).sort()).toEqual([
    'istio-demo/productpage-waypoint',
    'istio-demo/reviews-otel',
    'istio-demo/sampling',
    'istio-system/mesh-default',
  ]);
  expect(byName['istio-system/mesh-default'].selector).toBeUndefined();
  expect(byName['istio-demo/sampling'].tracing).toEqual([
    { randomSamplingPercentage: 25 },
  ]);
  expect(byName['istio-demo/reviews-otel']).toEqual({
    selector: { matchLabels: { app: 'reviews' } },
    tracing: [{ providers: [{ name: 'otel' }] }],
  });
  expect(byName['istio-demo/productpage-waypoint'].targetRefs).toEqual([
    { kind: 'Service', group: '', name: 'productpage' },
  ]);
  expect(
    meshConfig(cluster).extensionProviders.map((p: { name: string }) => p.name),
  ).toEqual(['jaeger', 'otel']);
  // Both selector and targetRefs, and a sampling above 100 %: refused as istiod does.
  const refused = await apiRequest(
    cluster,
    'POST',
    '/apis/telemetry.istio.io/v1/namespaces/istio-demo/telemetries',
    'demo-writer-token',
    {
      apiVersion: 'telemetry.istio.io/v1',
      kind: 'Telemetry',
      metadata: { name: 'broken' },
      spec: {
        selector: { matchLabels: { app: 'details' } },
        targetRefs: [{ kind: 'Service', name: 'details' }],
        tracing: [{ randomSamplingPercentage: 150 }],
      },
    },
  );
  expect(refused.status).toBe(400);
  expect(refused.body.message).toContain(
    'only one of targetRefs or workloadSelector can be set',
  );
  expect(refused.body.message).toContain('randomSamplingPercentage');
}

async function expectRoutingElsewhere(cluster: DemoCluster) {
  const vs = await apiGet(
    cluster,
    '/apis/networking.istio.io/v1/namespaces/routing/virtualservices',
  );
  expect(vs.body.items.map((v: KubeObject) => (v.spec as any).hosts)).toEqual([
    ['reviews.bookinfo.svc.cluster.local'],
  ]);
  // DestinationRules are served like VirtualServices, in every Istio version.
  for (const version of ['v1', 'v1beta1', 'v1alpha3']) {
    const drs = await apiGet(
      cluster,
      `/apis/networking.istio.io/${version}/destinationrules`,
    );
    expect(
      drs.body.items
        .map((d: KubeObject) => `${d.metadata.namespace}/${d.metadata.name}`)
        .sort(),
    ).toEqual(['inventory/reviews-tuning', 'routing/reviews']);
  }
  const se = get(cluster, 'serviceentries', 'partners', 'partner-api');
  expect((se.spec as { exportTo: string[] }).exportTo).toEqual(['.']);
  // productpage cannot see that ServiceEntry: its calls go out as PassthroughCluster.
  const partner = await sourceSeries(
    cluster,
    'productpage-v1',
    'api.partners.example.com',
  );
  expect(new Set(partner.map(s => s.labels.destination_service_name))).toEqual(
    new Set(['PassthroughCluster']),
  );
  for (const pod of pods(cluster, 'bookinfo'))
    expect(statusAnnotation(pod).revision).toBe('default');
}

async function expectSidecarInForce(cluster: DemoCluster) {
  expect(
    cluster.mesh.sidecarFor('orders', { app: 'orders-api' })?.metadata.name,
  ).toBe('default');
  expect(
    cluster.mesh.sidecarFor('orders', { app: 'orders-worker' })?.metadata.name,
  ).toBe('orders-worker');
  const cart = await sourceSeries(
    cluster,
    'orders-api-v1',
    'cart.orders.svc.cluster.local',
  );
  expect(cart[0].labels).toMatchObject({
    destination_service_name: 'cart',
    destination_service_namespace: 'orders',
  });
  // orders-api (ALLOW_ANY): the omitted dependency and collector go through Passthrough.
  for (const host of [
    'payments-api.payments.svc.cluster.local',
    'otel-collector.observability.svc.cluster.local',
  ]) {
    const series = await sourceSeries(cluster, 'orders-api-v1', host);
    expect(new Set(series.map(s => s.labels.destination_service_name))).toEqual(
      new Set(['PassthroughCluster']),
    );
    // orders-worker (REGISTRY_ONLY): BlackHoleCluster, 502 NR.
    const blocked = await sourceSeries(cluster, 'orders-worker-v1', host);
    expect(blocked.map(s => s.labels)).toEqual([
      expect.objectContaining({
        destination_service_name: 'BlackHoleCluster',
        response_code: '502',
        response_flags: 'NR',
      }),
    ]);
  }
  // Passthrough calls still arrive (without mTLS); blackholed ones never do.
  const arrived = cluster.mesh
    .trafficSeries()
    .filter(
      s =>
        s.labels.reporter === 'destination' &&
        s.labels.destination_workload === 'payments-api-v1',
    );
  expect(new Set(arrived.map(s => s.labels.source_workload))).toEqual(
    new Set(['orders-api-v1']),
  );
  expect(arrived[0].labels.connection_security_policy).toBe('none');
}

async function expectVersionsAcross(cluster: DemoCluster) {
  const reviews = pods(cluster, 'istio-demo').filter(
    p => p.metadata.labels?.app === 'reviews',
  );
  expect(reviews.map(p => p.metadata.labels?.version).sort()).toEqual([
    'v1',
    'v2',
    'v3',
  ]);
  for (const pod of reviews) {
    const labels = pod.metadata.labels!;
    expect(labels['backstage.io/kubernetes-id']).toBe('reviews');
    expect(cluster.mesh.sidecarFor('istio-demo', labels)?.metadata.name).toBe(
      `reviews-${labels.version}`,
    );
    const scoped = cluster.mesh.envoyStats('istio-demo', pod.metadata.name)!;
    const [productpage] = workloadPods(cluster, 'istio-demo', 'productpage-v1');
    const unscoped = cluster.mesh.envoyStats(
      'istio-demo',
      productpage.metadata.name,
    )!;
    expect(scoped.activeClusters).toBeLessThan(unscoped.activeClusters);
  }
  // A new version of the same entity would match none of them.
  expect(
    cluster.mesh.sidecarFor('istio-demo', {
      app: 'reviews',
      version: 'v4',
      'backstage.io/kubernetes-id': 'reviews',
    }),
  ).toBeUndefined();
}

/** The distinguishing facts of each scenario, checked through the store. */
const EXPECTATIONS: Record<string, (cluster: DemoCluster) => Promise<void>> = {
  default: expectDefault,
  'gateway-in-istio-system': expectGatewayInIstioSystem,
  'jaeger-without-zipkin': expectJaegerWithoutZipkin,
  'no-cni': expectNoCni,
  'unsupported-versions': expectUnsupportedVersions,
  'image-pull-failure': expectImagePullFailure,
  ambient: expectAmbient,
  'legacy-sidecars': expectLegacySidecars,
  'operator-still-deployed': expectOperatorStillDeployed,
  'helm-no-operator-crd': expectHelmNoOperatorCrd,
  'proxy-newer-than-control-plane': expectProxyNewerThanControlPlane,
  'sidecar-mistakes': expectSidecarMistakes,
  'service-entry': expectServiceEntry,
  'canary-revision': expectCanaryRevision,
  'telemetry-levels': expectTelemetryLevels,
  'routing-elsewhere': expectRoutingElsewhere,
  'sidecar-in-force': expectSidecarInForce,
  'versions-across': expectVersionsAcross,
};

const SCENARIOS = listScenarios();

const DEFAULT_FILLER = {
  namespaces: 130,
  servicesPerNamespace: 10,
  podsPerService: 1,
  scopedFraction: 0.3,
  rps: 0.5,
};

const SMALL_FILLER = {
  namespaces: 3,
  servicesPerNamespace: 3,
  podsPerService: 1,
  scopedFraction: 0,
  rps: 0.5,
};

it('has expectations for every scenario file, and a file for every expectation', () => {
  expect(SCENARIOS).toContain('default');
  expect(Object.keys(EXPECTATIONS).sort()).toEqual([...SCENARIOS].sort());
});

describe.each(SCENARIOS)('scenario %s', name => {
  const scenario = loadScenario(name);
  let cluster: DemoCluster | undefined;

  beforeAll(async () => {
    cluster = await startDemoCluster({ scenario, port: 0, metricsPort: 0 });
  });

  afterAll(async () => {
    await cluster?.stop();
  });

  it('is named after its file and kept small', () => {
    expect(scenario.name).toBe(name);
    // Only the default is the large mesh; the others stay small to start fast.
    expect(scenario.filler).toEqual(
      name === 'default' ? DEFAULT_FILLER : SMALL_FILLER,
    );
    expect(
      cluster!.store
        .list(type('namespaces'))
        .filter(n => n.metadata.name.startsWith('team-')),
    ).toHaveLength(scenario.filler!.namespaces);
  });

  it('starts with a control plane and valid traffic', async () => {
    const c = cluster!;
    const hub = scenario.istio.hub ?? 'docker.io/istio';
    const tag = scenario.istio.tag ?? scenario.istio.version;
    expect(istiodImage(c)).toBe(`${hub}/pilot:${tag}`);
    expect(c.mesh.summary().edges).toBeGreaterThan(0);
    const version = await apiGet(c, '/version');
    expect(version.status).toBe(200);
    expect(version.body.gitVersion).toBe(scenario.kubernetesVersion);
  });

  it('serves the IstioOperator type only when the CRD is installed', async () => {
    const group = await apiGet(cluster!, '/apis/install.istio.io/v1alpha1');
    expect(group.status).toBe(scenario.istio.operatorCrd ? 200 : 404);
  });

  it('shows its distinguishing facts', async () => {
    await expect(EXPECTATIONS[name](cluster!)).resolves.toBeUndefined();
  });
});
