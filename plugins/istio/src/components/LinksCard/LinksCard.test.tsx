import { renderInTestApp } from '@backstage/test-utils';
import { screen } from '@testing-library/react';
import { toolLinks } from '../../lib/links';
import { LinksCard } from './LinksCard';

const target = {
  namespace: 'istio-demo',
  app: 'reviews',
  workload: 'reviews-v2',
  service: 'reviews',
  jaegerService: 'reviews.istio-demo',
};

describe('LinksCard', () => {
  it('gives every link a test id whose href is the exact URL', async () => {
    await renderInTestApp(
      <LinksCard
        links={toolLinks(
          {
            kialiUrl: 'http://localhost:20001/kiali',
            jaegerUrl: 'http://localhost:16686/jaeger',
            grafanaUrl: 'http://localhost:3001',
            grafanaDashboards: {
              service: 'istio-service',
              workload: 'istio-workload',
            },
          },
          target,
        )}
      />,
    );
    const href = (id: string) =>
      screen.getByTestId(`istio-link-${id}`).getAttribute('href');
    expect(href('kiali-app')).toBe(
      'http://localhost:20001/kiali/console/namespaces/istio-demo/applications/reviews',
    );
    expect(href('kiali-workload')).toBe(
      'http://localhost:20001/kiali/console/namespaces/istio-demo/workloads/reviews-v2',
    );
    expect(href('kiali-service')).toBe(
      'http://localhost:20001/kiali/console/namespaces/istio-demo/services/reviews',
    );
    expect(href('kiali-graph')).toBe(
      'http://localhost:20001/kiali/console/graph/namespaces/?namespaces=istio-demo',
    );
    expect(href('grafana-service')).toBe(
      'http://localhost:3001/d/istio-service?var-service=reviews.istio-demo.svc.cluster.local&orgId=1',
    );
    expect(href('grafana-workload')).toBe(
      'http://localhost:3001/d/istio-workload?var-namespace=istio-demo&var-workload=reviews-v2&orgId=1',
    );
    expect(href('jaeger-traces')).toBe(
      'http://localhost:16686/jaeger/search?service=reviews.istio-demo&lookback=1h&limit=20',
    );
    expect(
      screen.getByRole('link', { name: /Kiali: namespace graph/ }),
    ).toHaveAttribute(
      'href',
      'http://localhost:20001/kiali/console/graph/namespaces/?namespaces=istio-demo',
    );
    expect(screen.queryByText(/: set/)).toBeNull();
  });

  it('shows one short line per tool that is not configured', async () => {
    await renderInTestApp(<LinksCard links={toolLinks({}, target)} />);
    expect(screen.queryAllByRole('link')).toEqual([]);
    expect(screen.getAllByRole('listitem').map(li => li.textContent)).toEqual([
      'Kiali: set istio.clusters[].kiali.url',
      'Grafana: set istio.clusters[].grafana.url',
      'Jaeger: set istio.clusters[].jaeger.url',
    ]);
    expect(screen.getByTestId('istio-link-kiali-missing')).toHaveTextContent(
      'Kiali: set istio.clusters[].kiali.url',
    );
  });
});
