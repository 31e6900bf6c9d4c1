import { toolLinks } from './links';

const target = {
  namespace: 'istio-demo',
  app: 'reviews',
  workload: 'reviews-v2',
  service: 'reviews',
  jaegerService: 'reviews.istio-demo',
};

describe('toolLinks', () => {
  it('builds Kiali, Grafana and Jaeger URLs in the tools own formats', () => {
    const links = toolLinks(
      {
        kialiUrl: 'https://kiali.example.com/kiali',
        grafanaUrl: 'https://grafana.example.com',
        jaegerUrl: 'https://jaeger.example.com',
        grafanaDashboards: { service: 'LJ_uJAvmk', workload: 'UbsSZTDik' },
      },
      target,
    );
    expect(links).toEqual([
      {
        title: 'Kiali: application',
        url: 'https://kiali.example.com/kiali/console/namespaces/istio-demo/applications/reviews',
      },
      {
        title: 'Kiali: workload',
        url: 'https://kiali.example.com/kiali/console/namespaces/istio-demo/workloads/reviews-v2',
      },
      {
        title: 'Kiali: service',
        url: 'https://kiali.example.com/kiali/console/namespaces/istio-demo/services/reviews',
      },
      {
        title: 'Kiali: namespace graph',
        url: 'https://kiali.example.com/kiali/console/graph/namespaces?namespaces=istio-demo&graphType=versionedApp&duration=600',
      },
      {
        title: 'Grafana: Istio service dashboard',
        url: 'https://grafana.example.com/d/LJ_uJAvmk?var-service=reviews.istio-demo.svc.cluster.local&orgId=1',
      },
      {
        title: 'Grafana: Istio workload dashboard',
        url: 'https://grafana.example.com/d/UbsSZTDik?var-namespace=istio-demo&var-workload=reviews-v2&orgId=1',
      },
      {
        title: 'Jaeger: traces',
        url: 'https://jaeger.example.com/search?service=reviews.istio-demo&lookback=1h&limit=20',
      },
    ]);
  });

  it('says what is missing instead of linking nowhere', () => {
    const links = toolLinks(
      { grafanaUrl: 'https://grafana.example.com' },
      target,
    );
    expect(links.every(l => 'missing' in l)).toBe(true);
    expect(
      links.find(l => l.title.startsWith('Grafana: Istio service')),
    ).toEqual({
      title: 'Grafana: Istio service dashboard',
      missing:
        'no dashboard UID configured (istio.clusters[].grafana.dashboards)',
    });
    expect(links.find(l => l.title === 'Kiali: application')).toEqual({
      title: 'Kiali: application',
      missing: 'no Kiali URL configured (istio.clusters[].kiali.url)',
    });
  });
  it.each([
    [
      'Kiali without a known workload',
      { kialiUrl: 'https://kiali.example.com' },
      { workload: undefined },
      'Kiali: workload',
      'workload unknown',
    ],
    [
      'Grafana without a workload dashboard',
      {
        grafanaUrl: 'https://grafana.example.com',
        grafanaDashboards: { service: 'svc' },
      },
      {},
      'Grafana: Istio workload dashboard',
      'no dashboard UID configured (istio.clusters[].grafana.dashboards)',
    ],
    [
      'no Jaeger',
      {},
      {},
      'Jaeger: traces',
      'no Jaeger URL configured (istio.clusters[].jaeger.url)',
    ],
  ])('%s: says why', (_case, links, change, title, missing) => {
    expect(
      toolLinks(links, { ...target, ...change }).find(l => l.title === title),
    ).toEqual({ title, missing });
  });
});
