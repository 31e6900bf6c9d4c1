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
