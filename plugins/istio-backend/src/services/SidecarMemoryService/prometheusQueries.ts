import {
  escapeLabelValue,
  type PrometheusClient,
} from '@istio-backstage/plugin-istio-node';
import type { MemoryFitSums } from '../../lib/sidecar';
import type { ObservedEdge } from '../../lib/sidecar/types';

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
    prometheus.query(query('istio_requests_total')),
    prometheus.query(query('istio_tcp_connections_opened_total')),
  ]);
  const toEdge =
    (protocol: 'http' | 'tcp') =>
    (s: { metric: Record<string, string>; value: number }): ObservedEdge => ({
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

/** Per-pod istio-proxy memory peak and average over the window, and Envoy's own figures now. */
export async function proxyWindowMemory(
  prometheus: PrometheusClient,
  namespace: string,
  windowDays: number,
) {
  const ns = escapeLabelValue(namespace);
  const selector = `{container="istio-proxy", namespace="${ns}"}`;
  const [peak, average, allocated, clusters] = await Promise.all([
    prometheus.query(
      `max by (pod) (max_over_time(container_memory_working_set_bytes${selector}[${windowDays}d]))`,
    ),
    prometheus.query(
      `avg by (pod) (avg_over_time(container_memory_working_set_bytes${selector}[${windowDays}d]))`,
    ),
    prometheus.query(
      `max by (pod) (envoy_server_memory_allocated{namespace="${ns}"})`,
    ),
    prometheus.query(
      `max by (pod) (envoy_cluster_manager_active_clusters{namespace="${ns}"})`,
    ),
  ]);
  const byPod = (
    samples: Array<{ metric: Record<string, string>; value: number }>,
  ) => new Map(samples.map(s => [s.metric.pod, s.value]));
  return {
    peak: byPod(peak),
    average: byPod(average),
    allocated: byPod(allocated),
    clusters: byPod(clusters),
  };
}

const MEMORY = `max by (namespace, pod) (container_memory_working_set_bytes{container="istio-proxy"})`;
const CLUSTERS = `max by (namespace, pod) (envoy_cluster_manager_active_clusters)`;
/** x = active clusters, y = memory, of the proxies that report both. */
const X = `((${CLUSTERS}) and on (namespace, pod) (${MEMORY}))`;
const Y = `((${MEMORY}) and on (namespace, pod) (${CLUSTERS}))`;
const STATS: Record<keyof MemoryFitSums, string> = {
  n: `count(${X})`,
  sumX: `sum(${X})`,
  sumY: `sum(${Y})`,
  sumXX: `sum(${X} ^ 2)`,
  sumXY: `sum(${X} * on (namespace, pod) ${Y})`,
  sumYY: `sum(${Y} ^ 2)`,
  minX: `min(${X})`,
  maxX: `max(${X})`,
};

/** The query behind {@link memoryFitSums}: each sum as a series labelled `stat`. */
export const MEMORY_FIT_QUERY = Object.entries(STATS)
  .map(([stat, expr]) => `label_replace(${expr}, "stat", "${stat}", "", "")`)
  .join(' or ');

/** Reads {@link MEMORY_FIT_QUERY}'s answer; undefined with no proxy or a missing sum. */
export function toMemoryFitSums(
  result: Array<{ metric: Record<string, string>; value: number }>,
): MemoryFitSums | undefined {
  const byStat = new Map(result.map(s => [s.metric.stat, s.value]));
  if (!byStat.get('n')) return undefined;
  const sums = Object.fromEntries(
    Object.keys(STATS).map(stat => [stat, byStat.get(stat) ?? NaN]),
  ) as unknown as MemoryFitSums;
  return Object.values(sums).every(Number.isFinite) ? sums : undefined;
}

/**
 * The mesh's proxies, working set against active Envoy clusters, summed by Prometheus
 * for the fit of the cost of a cluster: one query and eight numbers back, instead of
 * two series per proxy (about 2 MB at 10,000 proxies). Undefined with no proxy.
 */
export async function memoryFitSums(
  prometheus: PrometheusClient,
): Promise<MemoryFitSums | undefined> {
  return toMemoryFitSums(await prometheus.query(MEMORY_FIT_QUERY));
}

/** The per-proxy series the sums are taken over (for checking them). */
export const MEMORY_FIT_SERIES = { memory: MEMORY, clusters: CLUSTERS };
