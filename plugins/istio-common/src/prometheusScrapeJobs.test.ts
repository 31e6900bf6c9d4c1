import {
  envoyStatsScrapeJob,
  istiodScrapeJob,
  istioScrapeJobs,
  type IstioScrapeJobName,
} from './prometheusScrapeJobs';

describe('istiodScrapeJob', () => {
  it.each([
    [[], false, ['istio-system'], 'istiod;http-monitoring'],
    [['istio-system'], false, ['istio-system'], 'istiod;http-monitoring'],
    [['a', 'b'], true, ['a', 'b'], 'istiod(-.+)?;http-monitoring'],
  ])(
    'namespaces %j, revisioned %s → %j, %s',
    (namespaces, revisioned, names, regex) => {
      expect(istiodScrapeJob({ namespaces, revisioned })).toEqual({
        job_name: 'istiod',
        kubernetes_sd_configs: [{ role: 'endpoints', namespaces: { names } }],
        relabel_configs: [
          {
            source_labels: [
              '__meta_kubernetes_service_name',
              '__meta_kubernetes_endpoint_port_name',
            ],
            action: 'keep',
            regex,
          },
        ],
      });
    },
  );
});

describe('envoyStatsScrapeJob', () => {
  it('keeps the *-envoy-prom ports of every pod, at /stats/prometheus', () => {
    const job = envoyStatsScrapeJob();
    expect(job.metrics_path).toBe('/stats/prometheus');
    expect(job.kubernetes_sd_configs).toEqual([{ role: 'pod' }]);
    expect(job.relabel_configs.map(r => r.regex)).toEqual(['.*-envoy-prom']);
  });
});

describe('istioScrapeJobs', () => {
  it.each<[IstioScrapeJobName[], string[]]>([
    [[], []],
    [['envoy-stats'], ['envoy-stats']],
    [['istiod'], ['istiod']],
    [
      ['envoy-stats', 'istiod'],
      ['istiod', 'envoy-stats'],
    ],
    [['istiod', 'istiod'], ['istiod']],
  ])('%j → %j', (names, expected) => {
    expect(
      istioScrapeJobs(names, { namespaces: ['istio-system'] }).map(
        job => job.job_name,
      ),
    ).toEqual(expected);
  });
});
