// Integration: a real Prometheus (Debian package `prometheus`) scraping the demo
// cluster's metrics endpoint, and one started on backfilled history. Prometheus must
// be installed (`node scripts/ensure-system-packages.mjs prometheus`): without it these
// tests fail, they do not skip.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startDemoCluster, type DemoCluster } from '../DemoCluster';
import { loadScenario } from '../scenario/loadScenario';
import { RESOURCE_TYPES } from '../store/resources';
import { createBackfillBlocks, formatOpenMetrics } from './backfill';
import {
  queryPrometheus,
  scrapeConfig,
  startPrometheus,
  waitForSeries,
  type PrometheusSeries,
  type RunningPrometheus,
} from './prometheus';

jest.setTimeout(60_000);

const MI = 1024 * 1024;

const labelsOf = (result: PrometheusSeries[], label: string) =>
  result.map(s => s.metric[label]).sort();

describe('scrapeConfig', () => {
  it('takes host, scheme, path and query parameters from each URL', () => {
    expect(
      scrapeConfig(
        'demo-cluster',
        [
          'http://127.0.0.1:1234/metrics',
          'https://[::1]:99/x/stats?format=text',
        ],
        1,
      ),
    ).toEqual({
      job_name: 'demo-cluster',
      scrape_interval: '1s',
      scrape_timeout: '1s',
      static_configs: [
        {
          targets: ['127.0.0.1:1234'],
          labels: { __scheme__: 'http', __metrics_path__: '/metrics' },
        },
        {
          targets: ['[::1]:99'],
          labels: {
            __scheme__: 'https',
            __metrics_path__: '/x/stats',
            __param_format: 'text',
          },
        },
      ],
    });
    expect(scrapeConfig('j', [], 30).scrape_timeout).toBe('10s');
    expect(() => scrapeConfig('j', ['ftp://127.0.0.1:80/metrics'], 1)).toThrow(
      /must be http/,
    );
    expect(() => scrapeConfig('j', ['not a url'], 1)).toThrow(/not a URL/);
  });
});

describe('startPrometheus', () => {
  it('fails with how to install Prometheus when the binary is missing', async () => {
    await expect(
      startPrometheus({ scrapeTargets: [], binary: '/nonexistent/prometheus' }),
    ).rejects.toThrow(/not installed.*ensure-system-packages\.mjs prometheus/);
  });

  it('reports why Prometheus did not start', async () => {
    await expect(
      startPrometheus({ scrapeTargets: [], extraArgs: ['--no-such-flag'] }),
    ).rejects.toThrow(/exited with 1 before it was ready[\s\S]*no-such-flag/);
  });
});

describe('Prometheus scraping the default demo cluster', () => {
  let cluster: DemoCluster | undefined;
  let prometheus: RunningPrometheus | undefined;
  let url: string;

  beforeAll(async () => {
    cluster = await startDemoCluster({
      scenario: loadScenario('default'),
      port: 0,
      metricsPort: 0,
    });
    prometheus = await startPrometheus({
      scrapeTargets: [cluster.metricsUrl],
      scrapeIntervalSeconds: 1,
    });
    url = prometheus.url;
    await waitForSeries(url, 'up{job="demo-cluster"} == 1', 20_000);
  });

  afterAll(async () => {
    await prometheus?.stop();
    await cluster?.stop();
  });

  it('has request counters per destination service', async () => {
    const result = await waitForSeries(
      url,
      'sum by (destination_service_name) (istio_requests_total{reporter="source", source_workload_namespace="istio-demo"})',
      15_000,
    );
    expect(labelsOf(result, 'destination_service_name')).toEqual(
      expect.arrayContaining(['details', 'ratings', 'reviews']),
    );
    for (const series of result) {
      expect(Number(series.value![1])).toBeGreaterThan(0);
    }
  });

  it('has the working set of the six bookinfo proxies', async () => {
    const result = await waitForSeries(
      url,
      'container_memory_working_set_bytes{container="istio-proxy",namespace="istio-demo"}',
      15_000,
    );
    expect(result).toHaveLength(6);
    for (const series of result) {
      expect(series.metric.pod).toEqual(expect.any(String));
      expect(Number(series.value![1])).toBeGreaterThan(100 * MI);
    }
  });

  it("has Envoy's active clusters per proxy", async () => {
    const result = await waitForSeries(
      url,
      'envoy_cluster_manager_active_clusters{namespace="istio-demo"}',
      15_000,
    );
    expect(result).toHaveLength(6);
  });

  it('answers bad PromQL with Prometheus’ error', async () => {
    await expect(queryPrometheus(url, 'sum(')).rejects.toThrow(
      /bad_data.*parse error/,
    );
  });

  // Mutates the mesh: keep last.
  it('shows PassthroughCluster traffic once a Sidecar hides the namespace', async () => {
    const passthrough =
      'sum by (source_workload, destination_service) (istio_requests_total{reporter="source", source_workload_namespace="istio-demo", destination_service_name="PassthroughCluster"})';
    expect(await queryPrometheus(url, passthrough)).toEqual([]);
    const clustersBefore = await queryPrometheus(
      url,
      'max(envoy_cluster_manager_active_clusters{namespace="istio-demo"})',
    );

    const type = RESOURCE_TYPES.find(t => t.plural === 'sidecars')!;
    cluster!.store.apply(
      type,
      {
        apiVersion: 'networking.istio.io/v1',
        kind: 'Sidecar',
        metadata: { name: 'default', namespace: 'istio-demo' },
        // Deliberately without './*': the bookinfo services become invisible.
        spec: { egress: [{ hosts: ['istio-system/*'] }] },
      },
      { manager: 'test', force: false },
    );

    const result = await waitForSeries(url, passthrough, 15_000);
    expect(labelsOf(result, 'destination_service')).toEqual(
      expect.arrayContaining([
        'details.istio-demo.svc.cluster.local',
        'ratings.istio-demo.svc.cluster.local',
        'reviews.istio-demo.svc.cluster.local',
      ]),
    );
    // The proxies' configuration shrinks at once (memory follows more slowly).
    const clustersAfter = await waitForSeries(
      url,
      'max(envoy_cluster_manager_active_clusters{namespace="istio-demo"})',
      15_000,
      {
        until: r =>
          r.length === 1 &&
          Number(r[0].value![1]) < Number(clustersBefore[0].value![1]) / 10,
      },
    );
    expect(Number(clustersAfter[0].value![1])).toBeGreaterThan(0);
  });
});

describe('Prometheus on backfilled history', () => {
  let dataDir: string;
  let prometheus: RunningPrometheus | undefined;

  beforeAll(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'prometheus-backfill-'));
  });

  afterAll(async () => {
    await prometheus?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('answers increase over 7 days for a counter written 3 days ago', async () => {
    // One hour of a counter growing by 60 a minute, three days ago.
    const start = Date.now() - 3 * 86400_000;
    const samples = Array.from({ length: 61 }, (_, i) => ({
      timeMs: start + i * 60_000,
      value: 1000 + i * 60,
    }));
    const text = formatOpenMetrics([
      {
        name: 'backfill_demo_requests',
        type: 'counter',
        help: 'Requests, written by promtool.',
        series: [{ labels: { namespace: 'istio-demo' }, samples }],
      },
    ]);
    expect(text).toContain(
      'backfill_demo_requests_total{namespace="istio-demo"} 1000 ',
    );
    expect(text.endsWith('# EOF\n')).toBe(true);

    await createBackfillBlocks(text, dataDir);
    prometheus = await startPrometheus({ scrapeTargets: [], dataDir });
    expect(prometheus.dataDir).toBe(dataDir);

    const result = await queryPrometheus(
      prometheus.url,
      'increase(backfill_demo_requests_total{namespace="istio-demo"}[7d])',
    );
    expect(result).toHaveLength(1);
    // 3,600 between the first and last samples; Prometheus extrapolates by half an
    // interval at each end.
    const value = Number(result[0].value![1]);
    expect(value).toBeGreaterThanOrEqual(3600);
    expect(value).toBeLessThanOrEqual(3700);

    // Nothing recent: an instant selector finds no sample within the lookback.
    expect(
      await queryPrometheus(prometheus.url, 'backfill_demo_requests_total'),
    ).toEqual([]);

    await prometheus.stop();
    prometheus = undefined;
    // A data folder the caller passed is left in place.
    expect(fs.readdirSync(dataDir).length).toBeGreaterThan(0);
  });
});
