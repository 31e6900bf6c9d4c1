import { toolLinks } from './links';

const target = {
  namespace: 'istio-demo',
  app: 'reviews',
  workload: 'reviews-v2',
  service: 'reviews',
  jaegerService: 'reviews.istio-demo',
};

/** The links as the demo configures the tools: localhost port-forwards. */
const demo = {
  kialiUrl: 'http://localhost:20001/kiali',
  jaegerUrl: 'http://localhost:16686/jaeger',
  grafanaUrl: 'http://localhost:3001',
  grafanaDashboards: {
    service: 'istio-service',
    workload: 'istio-workload',
    mesh: 'istio-mesh',
  },
};

describe('toolLinks', () => {
  it('builds Kiali, Grafana and Jaeger URLs in the tools own formats', () => {
    expect(toolLinks(demo, target)).toEqual([
      {
        id: 'kiali-app',
        tool: 'Kiali',
        name: 'kialiApp',
        url: 'http://localhost:20001/kiali/console/namespaces/istio-demo/applications/reviews',
      },
      {
        id: 'kiali-workload',
        tool: 'Kiali',
        name: 'kialiWorkload',
        url: 'http://localhost:20001/kiali/console/namespaces/istio-demo/workloads/reviews-v2',
      },
      {
        id: 'kiali-service',
        tool: 'Kiali',
        name: 'kialiService',
        url: 'http://localhost:20001/kiali/console/namespaces/istio-demo/services/reviews',
      },
      {
        id: 'kiali-graph',
        tool: 'Kiali',
        name: 'kialiGraph',
        url: 'http://localhost:20001/kiali/console/graph/namespaces/?namespaces=istio-demo',
      },
      {
        id: 'grafana-service',
        tool: 'Grafana',
        name: 'grafanaService',
        url: 'http://localhost:3001/d/istio-service?var-service=reviews.istio-demo.svc.cluster.local&orgId=1',
      },
      {
        id: 'grafana-workload',
        tool: 'Grafana',
        name: 'grafanaWorkload',
        url: 'http://localhost:3001/d/istio-workload?var-namespace=istio-demo&var-workload=reviews-v2&orgId=1',
      },
      {
        id: 'jaeger-traces',
        tool: 'Jaeger',
        name: 'jaegerTraces',
        url: 'http://localhost:16686/jaeger/search?service=reviews.istio-demo&lookback=1h&limit=20',
      },
    ]);
  });

  it('joins base URLs written with a trailing slash and encodes names', () => {
    const links = toolLinks(
      {
        kialiUrl: 'https://kiali.example.com/kiali/',
        jaegerUrl: 'https://jaeger.example.com/',
        grafanaUrl: 'https://grafana.example.com//',
        grafanaDashboards: { service: 'a/b', workload: 'w' },
      },
      { ...target, app: 'my app', jaegerService: 'svc/x' },
    );
    expect(links.map(l => ('url' in l ? l.url : l.missing))).toEqual([
      'https://kiali.example.com/kiali/console/namespaces/istio-demo/applications/my%20app',
      'https://kiali.example.com/kiali/console/namespaces/istio-demo/workloads/reviews-v2',
      'https://kiali.example.com/kiali/console/namespaces/istio-demo/services/reviews',
      'https://kiali.example.com/kiali/console/graph/namespaces/?namespaces=istio-demo',
      'https://grafana.example.com/d/a%2Fb?var-service=reviews.istio-demo.svc.cluster.local&orgId=1',
      'https://grafana.example.com/d/w?var-namespace=istio-demo&var-workload=reviews-v2&orgId=1',
      'https://jaeger.example.com/search?service=svc%2Fx&lookback=1h&limit=20',
    ]);
  });

  it('says once per tool which key to set, instead of linking nowhere', () => {
    expect(toolLinks({}, target)).toEqual([
      {
        id: 'kiali-missing',
        tool: 'Kiali',
        missing: 'istio.clusters[].kiali.url',
      },
      {
        id: 'grafana-missing',
        tool: 'Grafana',
        missing: 'istio.clusters[].grafana.url',
      },
      {
        id: 'jaeger-missing',
        tool: 'Jaeger',
        missing: 'istio.clusters[].jaeger.url',
      },
    ]);
  });

  it.each([
    [
      'no dashboard UIDs',
      undefined,
      'istio.clusters[].grafana.dashboards.service, istio.clusters[].grafana.dashboards.workload',
    ],
    [
      'no workload dashboard UID',
      { service: 'istio-service' },
      'istio.clusters[].grafana.dashboards.workload',
    ],
  ])('Grafana with %s names the missing keys', (_case, dashboards, key) => {
    const grafana = toolLinks(
      { grafanaUrl: 'http://localhost:3001', grafanaDashboards: dashboards },
      target,
    ).filter(l => l.tool === 'Grafana');
    expect(grafana.filter(l => 'missing' in l)).toEqual([
      { id: 'grafana-missing', tool: 'Grafana', missing: key },
    ]);
    expect(grafana.filter(l => 'url' in l)).toHaveLength(dashboards ? 1 : 0);
  });

  it('leaves out the workload links when the workload is unknown', () => {
    const ids = toolLinks(demo, { ...target, workload: undefined }).map(
      l => l.id,
    );
    expect(ids).toEqual([
      'kiali-app',
      'kiali-service',
      'kiali-graph',
      'grafana-service',
      'jaeger-traces',
    ]);
  });
});
