import http from 'node:http';
import { randomBytes } from 'node:crypto';
import { createApiServer, listenOnLoopback } from './api/server';
import { meshExposition } from './api/metricsViews';
import type { Fault } from './api/faults';
import { MeshSimulation } from './mesh/MeshSimulation';
import { createServingCertificate } from './api/tls';
import { buildObjects } from './scenario/buildObjects';
import type { Scenario } from './scenario/types';
import { kubeTime, ObjectStore } from './store/ObjectStore';
import { RESOURCE_TYPES } from './store/resources';

/** A running simulated cluster. */
export interface DemoCluster {
  /** Kubernetes API base URL (https, loopback). */
  url: string;
  /** PEM of the CA that signed the API server's certificate. */
  caPem: string;
  /** Prometheus scrape URL of the mesh's metrics. */
  metricsUrl: string;
  /**
   * The API server's request counter, as Prometheus text on the metrics port (loopback):
   * `demo_apiserver_requests_total{verb,path_group}` and `demo_apiserver_open_watches`.
   * Only the Kubernetes API's requests count: Prometheus scrapes `metricsUrl`, not this.
   */
  requestMetricsUrl: string;
  /** Token for the `/_sim/faults` control route. */
  controlToken: string;
  scenario: Scenario;
  store: ObjectStore;
  mesh: MeshSimulation;
  /** Replaces the injected faults. */
  setFaults(faults: Fault[]): void;
  /** Kubernetes API requests received so far. */
  requestCount(): number;
  /** Paths of the latest Kubernetes API requests (at most 1,000), oldest first. */
  recentPaths(): string[];
  /** Ends every open watch, as an API server restart does. */
  closeWatchers(): void;
  /** Watches open now. */
  openWatchCount(): number;
  stop(): Promise<void>;
}

export interface StartOptions {
  scenario: Scenario;
  /** 0 picks a free port. */
  port?: number;
  metricsPort?: number;
  faults?: Fault[];
  /** Which series the metrics endpoint exposes (a mesh whose Envoy or istiod metrics are not scraped). */
  metrics?: { envoy?: boolean; istiod?: boolean };
}

/** Starts the mesh simulator for a scenario. */
export async function startDemoCluster(
  options: StartOptions,
): Promise<DemoCluster> {
  const { scenario } = options;
  const types = RESOURCE_TYPES.filter(
    t =>
      !t.optional ||
      (t.optional === 'istioOperatorCrd' && scenario.istio.operatorCrd),
  );
  const store = new ObjectStore();
  const built = buildObjects(scenario);
  // The cluster has been running for a while: objects are three days old (pods keep
  // their own start times).
  const created = kubeTime(Date.now() - 3 * 86400_000);
  for (const object of built.objects) {
    object.metadata.creationTimestamp ??= created;
    const type = types.find(t => t.kind === object.kind);
    if (!type)
      throw new Error(
        `scenario ${scenario.name}: ${object.kind} is not served in this scenario`,
      );
    store.create(type, object, {
      manager:
        object.kind === 'Pod' || object.kind === 'Endpoints'
          ? 'kube-controller-manager'
          : 'helm',
    });
  }
  const mesh = new MeshSimulation(store, scenario, built.pods);
  const faults: Fault[] = [...(options.faults ?? [])];
  const controlToken = randomBytes(16).toString('hex');
  const tls = await createServingCertificate();
  const api = createApiServer({
    store,
    mesh,
    scenario,
    types,
    faults,
    controlToken,
    tls,
  });
  const port = await listenOnLoopback(api.server, options.port ?? 0);

  const rootNs = scenario.istio.namespace ?? 'istio-system';
  const istiodPod = built.pods.find(
    p => p.namespace === rootNs && p.app === 'istiod',
  );
  const metricsServer = http.createServer((req, res) => {
    const metricsPath = new URL(req.url ?? '/', 'http://localhost').pathname;
    // The API server's own request counter, apart from the mesh's series so that
    // Prometheus's scrapes of `/metrics` neither see nor cause them (benchmarks read it).
    if (metricsPath === '/metrics/apiserver') {
      res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4' });
      res.end(api.requestMetrics());
      return;
    }
    if (metricsPath !== '/metrics') {
      res.writeHead(404).end();
      return;
    }
    const text = meshExposition(mesh, {
      envoy: options.metrics?.envoy ?? true,
      istiod: options.metrics?.istiod ?? true,
      istiodPod: istiodPod
        ? { namespace: istiodPod.namespace, pod: istiodPod.name }
        : undefined,
      proxyVersion:
        scenario.istio.proxyVersion ??
        scenario.istio.tag ??
        scenario.istio.version,
    });
    res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4' });
    res.end(text);
  });
  const metricsPort = await listenOnLoopback(
    metricsServer,
    options.metricsPort ?? 0,
  );

  return {
    url: `https://127.0.0.1:${port}`,
    caPem: tls.caPem,
    metricsUrl: `http://127.0.0.1:${metricsPort}/metrics`,
    requestMetricsUrl: `http://127.0.0.1:${metricsPort}/metrics/apiserver`,
    controlToken,
    scenario,
    store,
    mesh,
    setFaults(next) {
      faults.splice(0, faults.length, ...next);
    },
    requestCount: api.requestCount,
    recentPaths: api.recentPaths,
    closeWatchers: () => api.closeWatchers(),
    openWatchCount: api.openWatchCount,
    async stop() {
      api.beginStop();
      api.server.closeAllConnections();
      metricsServer.closeAllConnections();
      await Promise.all([
        new Promise(r => api.server.close(r)),
        new Promise(r => metricsServer.close(r)),
      ]);
    },
  };
}
