/**
 * The Prometheus scrape jobs Istio documents for its metrics ("customized scraping
 * configurations"): `istiod` for the control plane, `envoy-stats` for every proxy.
 *
 * @public
 */
export const ISTIO_SCRAPE_JOB_NAMES = ['istiod', 'envoy-stats'] as const;

/**
 * The name of one of {@link ISTIO_SCRAPE_JOB_NAMES}.
 *
 * @public
 */
export type IstioScrapeJobName = (typeof ISTIO_SCRAPE_JOB_NAMES)[number];

/**
 * One entry of Prometheus' `scrape_configs`, as plain data to render as YAML.
 *
 * @public
 */
export interface PrometheusScrapeJob {
  job_name: string;
  metrics_path?: string;
  kubernetes_sd_configs: Array<{
    role: 'endpoints' | 'pod';
    namespaces?: { names: string[] };
  }>;
  relabel_configs: Array<{
    source_labels: string[];
    action: 'keep';
    regex: string;
  }>;
}

/**
 * Where the control plane runs, for the `istiod` job.
 *
 * @public
 */
export interface IstiodScrapeOptions {
  /** Namespaces of the control planes; `istio-system` when empty. */
  namespaces: string[];
  /** Whether some control plane is revisioned (its Service is `istiod-<revision>`). */
  revisioned?: boolean;
}

/**
 * The `istiod` job: the `http-monitoring` port of the istiod Service's endpoints.
 *
 * @public
 */
export function istiodScrapeJob(
  options: IstiodScrapeOptions,
): PrometheusScrapeJob {
  const { namespaces, revisioned = false } = options;
  return {
    job_name: 'istiod',
    kubernetes_sd_configs: [
      {
        role: 'endpoints',
        namespaces: {
          names: namespaces.length ? [...namespaces] : ['istio-system'],
        },
      },
    ],
    relabel_configs: [
      {
        source_labels: [
          '__meta_kubernetes_service_name',
          '__meta_kubernetes_endpoint_port_name',
        ],
        action: 'keep',
        // Revisioned control planes serve metrics from Service istiod-<rev>.
        regex: revisioned
          ? 'istiod(-.+)?;http-monitoring'
          : 'istiod;http-monitoring',
      },
    ],
  };
}

/**
 * The `envoy-stats` job: every proxy's merged metrics, on the container ports named
 * `*-envoy-prom` at `/stats/prometheus`.
 *
 * @public
 */
export function envoyStatsScrapeJob(): PrometheusScrapeJob {
  return {
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
  };
}

/**
 * The named Istio scrape jobs, in the order of {@link ISTIO_SCRAPE_JOB_NAMES}
 * (whatever order they are asked in).
 *
 * @public
 */
export function istioScrapeJobs(
  names: readonly IstioScrapeJobName[],
  istiod: IstiodScrapeOptions,
): PrometheusScrapeJob[] {
  const jobs: Record<IstioScrapeJobName, () => PrometheusScrapeJob> = {
    istiod: () => istiodScrapeJob(istiod),
    'envoy-stats': envoyStatsScrapeJob,
  };
  return ISTIO_SCRAPE_JOB_NAMES.filter(name => names.includes(name)).map(name =>
    jobs[name](),
  );
}
