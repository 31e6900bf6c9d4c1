import https from 'node:https';
import { startDemoCluster } from '../DemoCluster';
import { loadScenario } from '../scenario/loadScenario';
import { createRequestCounter, requestLabels } from './requestMetrics';

const types = [
  { group: '', plural: 'pods' },
  { group: '', plural: 'namespaces' },
  { group: 'networking.istio.io', plural: 'sidecars' },
];
const url = (path: string) => new URL(path, 'https://127.0.0.1');

describe('requestLabels', () => {
  it.each([
    ['GET', '/api/v1/pods', 'list', 'core/pods'],
    ['GET', '/api/v1/namespaces/bookinfo/pods', 'list', 'core/pods'],
    ['GET', '/api/v1/namespaces/bookinfo/pods/a-1', 'get', 'core/pods'],
    ['GET', '/api/v1/pods?watch=true&resourceVersion=5', 'watch', 'core/pods'],
    ['GET', '/api/v1/pods?watch=1', 'watch', 'core/pods'],
    ['GET', '/api/v1/namespaces/bookinfo', 'get', 'core/namespaces'],
    [
      'GET',
      '/api/v1/namespaces/bookinfo/pods/a-1:15020/proxy/stats/prometheus',
      'get',
      'core/pods/proxy',
    ],
    ['GET', '/api/v1/namespaces/b/pods/a/attach', 'get', 'core/pods/other'],
    [
      'PATCH',
      '/apis/networking.istio.io/v1/namespaces/b/sidecars/s',
      'patch',
      'networking.istio.io/sidecars',
    ],
    ['POST', '/api/v1/namespaces', 'create', 'core/namespaces'],
    ['DELETE', '/api/v1/namespaces/b/pods', 'deletecollection', 'core/pods'],
    ['GET', '/apis/metrics.k8s.io/v1beta1/pods', 'list', 'metrics.k8s.io/pods'],
    // Never a name or a namespace, nor a made-up resource, as a label value.
    ['GET', '/apis/made.up/v1/things', 'list', 'unknown-resource'],
    ['GET', '/api/v1/namespaces/b/secrets/x', 'get', 'unknown-resource'],
    ['GET', '/api', 'get', 'discovery'],
    ['GET', '/apis', 'get', 'discovery'],
    ['GET', '/api/v1', 'get', 'discovery'],
    ['GET', '/apis/networking.istio.io', 'get', 'discovery'],
    ['GET', '/apis/networking.istio.io/v1', 'get', 'discovery'],
    ['GET', '/openapi/v3', 'get', 'openapi'],
    ['GET', '/openapi/v3/api/v1', 'get', 'openapi'],
    ['GET', '/version', 'get', 'version'],
    ['GET', '/healthz', 'get', 'health'],
    ['PUT', '/_sim/faults', 'put', 'sim'],
    ['GET', '/elsewhere', 'get', 'other'],
  ])('%s %s → %s %s', (method, path, verb, pathGroup) => {
    expect(requestLabels(method, url(path), types)).toEqual({
      verb,
      pathGroup,
    });
  });
});

describe('createRequestCounter', () => {
  it('counts by verb and path group, in Prometheus text', () => {
    const counter = createRequestCounter(types);
    counter.count('GET', url('/api/v1/pods'));
    counter.count('GET', url('/api/v1/namespaces/a/pods'));
    counter.count('GET', url('/api/v1/pods?watch=true'));
    const text = counter.exposition(1);
    expect(text).toContain('# TYPE demo_apiserver_requests_total counter');
    expect(text).toContain(
      'demo_apiserver_requests_total{verb="list",path_group="core/pods"} 2',
    );
    expect(text).toContain(
      'demo_apiserver_requests_total{verb="watch",path_group="core/pods"} 1',
    );
    expect(text).toContain('demo_apiserver_open_watches 1');
  });
});

describe('the metrics port', () => {
  jest.setTimeout(30_000);

  it('serves the request counter at /metrics/apiserver, apart from /metrics', async () => {
    const cluster = await startDemoCluster({
      scenario: loadScenario('default'),
      port: 0,
      metricsPort: 0,
    });
    try {
      await fetch(`${cluster.metricsUrl}`).then(r => r.text());
      const before = await fetch(cluster.requestMetricsUrl).then(r => r.text());
      // Neither the scrape of /metrics nor the counter's own reads are API requests.
      expect(before).not.toContain('demo_apiserver_requests_total{');
      expect(cluster.requestMetricsUrl).toMatch(
        /^http:\/\/127\.0\.0\.1:\d+\/metrics\/apiserver$/,
      );
      const mesh = await fetch(cluster.metricsUrl).then(r => r.text());
      expect(mesh).not.toContain('demo_apiserver_');

      await new Promise((resolve, reject) =>
        https
          .get(`${cluster.url}/healthz`, { ca: cluster.caPem }, res =>
            res.resume().on('end', resolve),
          )
          .on('error', reject),
      );
      const after = await fetch(cluster.requestMetricsUrl).then(r => r.text());
      expect(after).toContain(
        'demo_apiserver_requests_total{verb="get",path_group="health"} 1',
      );
    } finally {
      await cluster.stop();
    }
  });
});
