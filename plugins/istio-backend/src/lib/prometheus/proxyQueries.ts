import {
  escapeLabelValue,
  type PrometheusClient,
} from '@istio-backstage/plugin-istio-node';
import { sumSamples, type MemoryFitSums } from '../sidecar';
import type { ObservedEdge } from '../sidecar/types';
import { querySamples, vectorOf, type Sample } from './samples';

// What each query's samples must carry. Destinations may lack labels (traffic to an
// unknown host): those read as `unknown`, as Istio's own dashboards show them.
const EDGES = vectorOf(['source_workload_namespace', 'source_workload']);
const PER_POD = vectorOf(['pod']);
const PER_NAMESPACE_POD = vectorOf(['namespace', 'pod']);

/** Outbound calls from a namespace's workloads over the window, as sidecars report them. */
export async function observedEdges(
  prometheus: PrometheusClient,
  namespace: string,
  windowDays: number,
): Promise<ObservedEdge[]> {
  const ns = escapeLabelValue(namespace);
  const by =
    'source_workload_namespace, source_workload, destination_service_namespace, destination_service, destination_service_name';
  const query = (metric: string) =>
    `sum by (${by}) (increase(${metric}{reporter="source", source_workload_namespace="${ns}"}[${windowDays}d])) > 0`;
  const [http, tcp] = await Promise.all([
    querySamples(
      prometheus,
      query('istio_requests_total'),
      'HTTP calls',
      EDGES,
    ),
    querySamples(
      prometheus,
      query('istio_tcp_connections_opened_total'),
      'TCP connections',
      EDGES,
    ),
  ]);
  const toEdge =
    (protocol: 'http' | 'tcp') =>
    (s: (typeof http)[number]): ObservedEdge => ({
      sourceNamespace: s.metric.source_workload_namespace,
      sourceWorkload: s.metric.source_workload,
      destinationNamespace: s.metric.destination_service_namespace ?? 'unknown',
      destinationService: s.metric.destination_service ?? 'unknown',
      destinationServiceName: s.metric.destination_service_name ?? 'unknown',
      count: Math.round(s.value),
      protocol,
    });
  return [...http.map(toEdge('http')), ...tcp.map(toEdge('tcp'))];
}

/** Per-pod figures by pod name: istio-proxy working set peak and average over the window, Envoy's own now. */
export interface ProxyWindowMemory {
  peak: Map<string, number>;
  average: Map<string, number>;
  allocated: Map<string, number>;
  clusters: Map<string, number>;
}

/** Per-pod istio-proxy memory peak and average over the window, and Envoy's own figures now. */
export async function proxyWindowMemory(
  prometheus: PrometheusClient,
  namespace: string,
  windowDays: number,
): Promise<ProxyWindowMemory> {
  const ns = escapeLabelValue(namespace);
  const selector = `{container="istio-proxy", namespace="${ns}"}`;
  const perPod = (promql: string, what: string) =>
    querySamples(prometheus, promql, what, PER_POD);
  const [peak, average, allocated, clusters] = await Promise.all([
    perPod(
      `max by (pod) (max_over_time(container_memory_working_set_bytes${selector}[${windowDays}d]))`,
      'the peak istio-proxy working set',
    ),
    perPod(
      `avg by (pod) (avg_over_time(container_memory_working_set_bytes${selector}[${windowDays}d]))`,
      'the average istio-proxy working set',
    ),
    perPod(
      `max by (pod) (envoy_server_memory_allocated{namespace="${ns}"})`,
      'Envoy allocated memory',
    ),
    perPod(
      `max by (pod) (envoy_cluster_manager_active_clusters{namespace="${ns}"})`,
      'Envoy active clusters',
    ),
  ]);
  const byPod = (samples: Array<Sample<'pod'>>) =>
    new Map(samples.map(s => [s.metric.pod, s.value]));
  return {
    peak: byPod(peak),
    average: byPod(average),
    allocated: byPod(allocated),
    clusters: byPod(clusters),
  };
}

const MEMORY = `max by (namespace, pod) (container_memory_working_set_bytes{container="istio-proxy"})`;
const CLUSTERS = `max by (namespace, pod) (envoy_cluster_manager_active_clusters)`;

/**
 * The mesh's proxies, working set against active Envoy clusters, reduced to the sums a
 * least-squares fit of the cost of a cluster needs. Two plain queries (a join or sums
 * in PromQL cost Prometheus far more: ~1.7 s at 10,000 proxies against ~0.4 s), and
 * eight numbers kept instead of 10,000 samples. Undefined with no proxy.
 */
export async function memoryFitSums(
  prometheus: PrometheusClient,
): Promise<MemoryFitSums | undefined> {
  const [memory, clusters] = await Promise.all([
    querySamples(
      prometheus,
      MEMORY,
      'the istio-proxy working set',
      PER_NAMESPACE_POD,
    ),
    querySamples(
      prometheus,
      CLUSTERS,
      'Envoy active clusters',
      PER_NAMESPACE_POD,
    ),
  ]);
  const clustersByPod = new Map(
    clusters.map(s => [`${s.metric.namespace}/${s.metric.pod}`, s.value]),
  );
  const sums = sumSamples(
    memory.flatMap(s => {
      const activeClusters = clustersByPod.get(
        `${s.metric.namespace}/${s.metric.pod}`,
      );
      return activeClusters === undefined
        ? []
        : [{ memoryBytes: s.value, activeClusters }];
    }),
  );
  return sums.n > 0 ? sums : undefined;
}
