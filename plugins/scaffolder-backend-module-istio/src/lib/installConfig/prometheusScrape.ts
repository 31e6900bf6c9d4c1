import type { InstallConfigInput } from './schema';

/**
 * The seed's Prometheus scrape jobs (Istio's "customized scraping configurations"):
 * istiod's monitoring port and every Envoy's merged stats endpoint.
 */
export function buildScrapeConfigs(
  jobs: InstallConfigInput['prometheusScrapeJobs'],
  istioNamespace: string,
): Record<string, unknown>[] {
  const configs: Record<string, unknown>[] = [];
  if (jobs.includes('istiod')) {
    configs.push({
      job_name: 'istiod',
      kubernetes_sd_configs: [
        { role: 'endpoints', namespaces: { names: [istioNamespace] } },
      ],
      relabel_configs: [
        {
          source_labels: [
            '__meta_kubernetes_service_name',
            '__meta_kubernetes_endpoint_port_name',
          ],
          action: 'keep',
          regex: 'istiod;http-monitoring',
        },
      ],
    });
  }
  if (jobs.includes('envoy-stats')) {
    configs.push({
      job_name: 'envoy-stats',
      metrics_path: '/stats/prometheus',
      kubernetes_sd_configs: [{ role: 'pod' }],
      relabel_configs: [
        {
          source_labels: ['__meta_kubernetes_pod_container_port_name'],
          action: 'keep',
          regex: '.*-envoy-prom',
        },
      ],
    });
  }
  return configs;
}
