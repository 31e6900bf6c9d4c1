import type { MeshSimulation } from '../mesh/MeshSimulation';

function escapeLabel(value: string): string {
  return value
    .replace(/\\/g, '\\\\')
    .replace(/\n/g, '\\n')
    .replace(/"/g, '\\"');
}

function labelText(labels: Record<string, string>): string {
  const entries = Object.entries(labels);
  return entries.length
    ? `{${entries.map(([k, v]) => `${k}="${escapeLabel(v)}"`).join(',')}}`
    : '';
}

/** Prometheus text exposition of a set of series with HELP/TYPE headers. */
export function exposition(
  families: Array<{
    name: string;
    type: 'counter' | 'gauge';
    help: string;
    series: Array<{ labels: Record<string, string>; value: number }>;
  }>,
): string {
  const lines: string[] = [];
  for (const family of families) {
    if (family.series.length === 0) continue;
    lines.push(
      `# HELP ${family.name} ${family.help}`,
      `# TYPE ${family.name} ${family.type}`,
    );
    for (const s of family.series)
      lines.push(`${family.name}${labelText(s.labels)} ${Math.floor(s.value)}`);
  }
  return `${lines.join('\n')}\n`;
}

/** `metrics.k8s.io/v1beta1` PodMetricsList, as `kubectl top pod` reads it. */
export function podMetricsList(
  mesh: MeshSimulation,
  namespace?: string,
  name?: string,
) {
  const now = Date.now();
  const items = mesh
    .podMemory(now, namespace)
    .filter(p => !name || p.pod.name === name)
    .map(p => ({
      kind: 'PodMetrics',
      apiVersion: 'metrics.k8s.io/v1beta1',
      metadata: {
        name: p.pod.name,
        namespace: p.pod.namespace,
        creationTimestamp: new Date(now).toISOString(),
        labels: {},
      },
      timestamp: new Date(now - 15_000).toISOString(),
      window: '15s',
      containers: p.containers.map(c => ({
        name: c.name,
        usage: {
          cpu: `${Math.max(
            1,
            Math.round(((c.bytes / (1024 * 1024)) % 37) * 1_000_000),
          )}n`,
          memory: `${Math.round(c.bytes / 1024)}Ki`,
        },
      })),
    }));
  return {
    kind: 'PodMetricsList',
    apiVersion: 'metrics.k8s.io/v1beta1',
    metadata: {},
    items,
  };
}

type EnvoyStats = NonNullable<ReturnType<MeshSimulation['envoyStats']>>;

function envoyFamilies(stats: EnvoyStats[], withPodLabels: boolean) {
  const labels = (s: EnvoyStats): Record<string, string> =>
    withPodLabels ? { namespace: s.pod.namespace, pod: s.pod.name } : {};
  return [
    {
      name: 'envoy_server_memory_allocated',
      type: 'gauge' as const,
      help: 'Current amount of allocated memory in bytes.',
      series: stats.map(s => ({ labels: labels(s), value: s.allocated })),
    },
    {
      name: 'envoy_server_memory_heap_size',
      type: 'gauge' as const,
      help: 'Current reserved heap size in bytes.',
      series: stats.map(s => ({ labels: labels(s), value: s.heapSize })),
    },
    {
      name: 'envoy_cluster_manager_active_clusters',
      type: 'gauge' as const,
      help: 'Number of currently active (warmed) clusters.',
      series: stats.map(s => ({ labels: labels(s), value: s.activeClusters })),
    },
    {
      name: 'envoy_listener_manager_total_listeners_active',
      type: 'gauge' as const,
      help: 'Number of currently active listeners.',
      series: stats.map(s => ({ labels: labels(s), value: s.activeListeners })),
    },
  ];
}

/**
 * istiod's `pilot_xds` series: per istiod, its connected proxies by version. With one
 * control plane whose proxies all run one version, the single series of the caller's pod
 * and version (also when no proxy is connected).
 */
function pilotXdsSeries(
  mesh: MeshSimulation,
  stats: EnvoyStats[],
  single: { namespace: string; pod: string; version: string },
) {
  const istiods = mesh.controlPlanePods();
  const groups = new Map<
    string,
    { labels: Record<string, string>; value: number }
  >();
  for (const s of stats) {
    const istiod =
      istiods.find(i => i.revision === s.pod.revision) ?? istiods[0];
    if (!istiod) continue;
    const key = `${istiod.pod}|${s.pod.proxyVersion}`;
    const group = groups.get(key) ?? {
      labels: {
        namespace: istiod.namespace,
        pod: istiod.pod,
        version: s.pod.proxyVersion,
      },
      value: 0,
    };
    group.value += 1;
    groups.set(key, group);
  }
  if (istiods.length <= 1 && groups.size <= 1)
    return [{ labels: single, value: stats.length }];
  return [...groups.values()];
}

/** What one proxy answers on :15020/stats/prometheus (merged Envoy + Istio series). */
export function envoyExposition(
  mesh: MeshSimulation,
  stats: EnvoyStats,
): string {
  const traffic = mesh
    .trafficSeries()
    .filter(s =>
      s.labels.reporter === 'source'
        ? s.labels.source_workload_namespace === stats.pod.namespace &&
          s.labels.source_workload === stats.pod.workload
        : s.labels.destination_workload_namespace === stats.pod.namespace &&
          s.labels.destination_workload === stats.pod.workload,
    );
  return exposition([
    ...envoyFamilies([stats], false),
    {
      name: 'istio_requests_total',
      type: 'counter',
      help: 'Requests seen by this proxy.',
      series: traffic.filter(s => s.metric === 'istio_requests_total'),
    },
    {
      name: 'istio_tcp_connections_opened_total',
      type: 'counter',
      help: 'TCP connections opened.',
      series: traffic.filter(
        s => s.metric === 'istio_tcp_connections_opened_total',
      ),
    },
  ]);
}

/**
 * Everything a Prometheus scraping this mesh would hold: Istio standard metrics,
 * cAdvisor's container working set, Envoy's series per pod (with the namespace and pod
 * labels the usual relabelling adds) and istiod's own series.
 */
export function meshExposition(
  mesh: MeshSimulation,
  options: {
    envoy: boolean;
    istiod: boolean;
    istiodPod?: { namespace: string; pod: string };
    /** Version of the connected proxies (istiod's `pilot_xds{version}`). */
    proxyVersion?: string;
  },
): string {
  const now = Date.now();
  const traffic = mesh.trafficSeries();
  const memory = mesh.podMemory(now);
  const families: Parameters<typeof exposition>[0] = [
    {
      name: 'container_memory_working_set_bytes',
      type: 'gauge',
      help: 'Current working set of the container in bytes.',
      // Per container, plus cAdvisor's pod-level series (container=""), so queries must
      // filter on container as they must on a real cluster.
      series: memory.flatMap(p => [
        ...p.containers.map(c => ({
          labels: {
            container: c.name,
            namespace: p.pod.namespace,
            pod: p.pod.name,
          },
          value: c.bytes,
        })),
        {
          labels: {
            container: '',
            namespace: p.pod.namespace,
            pod: p.pod.name,
          },
          value: p.containers.reduce((n, c) => n + c.bytes, 0) + 1024 * 1024,
        },
      ]),
    },
  ];
  if (options.envoy) {
    families.push(
      {
        name: 'istio_requests_total',
        type: 'counter',
        help: 'Requests reported by Istio proxies.',
        series: traffic.filter(s => s.metric === 'istio_requests_total'),
      },
      {
        name: 'istio_tcp_connections_opened_total',
        type: 'counter',
        help: 'TCP connections opened, reported by Istio proxies.',
        series: traffic.filter(
          s => s.metric === 'istio_tcp_connections_opened_total',
        ),
      },
      ...envoyFamilies(mesh.allEnvoyStats(now), true),
    );
  }
  if (options.istiod && options.istiodPod) {
    const stats = mesh.allEnvoyStats(now);
    families.push(
      {
        name: 'pilot_xds',
        type: 'gauge',
        help: 'Number of endpoints connected to this pilot using XDS.',
        series: pilotXdsSeries(mesh, stats, {
          ...options.istiodPod,
          version: options.proxyVersion ?? 'unknown',
        }),
      },
      {
        name: 'pilot_services',
        type: 'gauge',
        help: 'Total services known to pilot.',
        series: [{ labels: options.istiodPod, value: mesh.summary().services }],
      },
    );
  }
  return exposition(families);
}
