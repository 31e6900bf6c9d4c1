import { parse } from 'yaml';
import { envoyMetricsNotScraped, istiodMetricsNotScraped } from './prometheus';
import {
  healthyInventory,
  healthyMesh,
  inventoryWith,
  meshConfigMap,
  meshWith,
  objectsOf,
} from './testFixtures';

const prometheus = (
  envoySeries: 'yes' | 'no' | 'unknown',
  istiodSeries: 'yes' | 'no' | 'unknown',
  configured = true,
) => ({ merge: 'yes' as const, configured, envoySeries, istiodSeries });

const run = (mesh = healthyMesh(), inventory = healthyInventory()) =>
  objectsOf([
    ...envoyMetricsNotScraped(inventory, mesh),
    ...istiodMetricsNotScraped(inventory, mesh),
  ]);

describe('metrics scraping rules', () => {
  it.each([
    ['a healthy mesh', healthyMesh(), []],
    [
      'neither Envoy nor istiod series',
      meshWith({ prometheus: prometheus('no', 'no') }),
      [
        'IBS-ENVOY-METRICS-NOT-SCRAPED Pod istio-ingress/istio-ingress-7c9-xyz',
        'IBS-ISTIOD-METRICS-NOT-SCRAPED Service istio-system/istiod',
      ],
    ],
    [
      'series unknown',
      meshWith({ prometheus: prometheus('unknown', 'unknown') }),
      [],
    ],
    [
      'Prometheus not configured',
      meshWith({ prometheus: prometheus('no', 'no', false) }),
      [],
    ],
    [
      'no proxies and no gateways: no Envoy series to expect',
      meshWith({
        prometheus: prometheus('no', 'yes'),
        gateways: [],
        meshSize: { ...healthyMesh().meshSize, proxies: 0 },
      }),
      [],
    ],
    [
      'proxy count unknown and no gateways',
      meshWith({
        prometheus: prometheus('no', 'yes'),
        gateways: [],
        meshSize: {},
      }),
      [],
    ],
    [
      'no control plane known: no istiod series to expect',
      meshWith({ prometheus: prometheus('yes', 'no'), controlPlanes: [] }),
      [],
    ],
  ])('%s', (_case, mesh, expected) => {
    expect(run(mesh)).toEqual(expected);
  });

  it("gives Istio's envoy-stats scrape job", () => {
    // The default revision's MeshConfig turns the merge off.
    const [diagnostic] = envoyMetricsNotScraped(
      inventoryWith({
        configMaps: [meshConfigMap('enablePrometheusMerge: false\n')],
      }),
      meshWith({ prometheus: { ...prometheus('no', 'yes'), merge: 'no' } }),
    );
    expect(diagnostic.message).toContain(
      'although 3 proxies run, for example Pod istio-ingress/istio-ingress-7c9-xyz',
    );
    expect(diagnostic.message).toContain(
      "enablePrometheusMerge is off in revision 'default'",
    );
    expect(parse(diagnostic.fix.yaml!)).toEqual([
      {
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
      },
    ]);
  });

  it("gives Istio's istiod scrape job, widened for revisioned control planes", () => {
    const istiodJob = parse(
      istiodMetricsNotScraped(
        healthyInventory(),
        meshWith({ prometheus: prometheus('yes', 'no') }),
      )[0].fix.yaml!,
    )[0];
    expect(istiodJob).toEqual({
      job_name: 'istiod',
      kubernetes_sd_configs: [
        { role: 'endpoints', namespaces: { names: ['istio-system'] } },
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
    const revisioned = parse(
      istiodMetricsNotScraped(
        healthyInventory(),
        meshWith({
          prometheus: prometheus('yes', 'no'),
          controlPlanes: [
            { ...healthyMesh().controlPlanes[0], revision: '1-30-1' },
          ],
        }),
      )[0].fix.yaml!,
    )[0];
    expect(revisioned.relabel_configs[0].regex).toBe(
      'istiod(-.+)?;http-monitoring',
    );
  });
});
