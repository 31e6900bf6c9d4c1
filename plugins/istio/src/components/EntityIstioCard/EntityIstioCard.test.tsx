import type { Entity } from '@backstage/catalog-model';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import type { IstioSidecarMemoryResponse } from '@istio-backstage/plugin-istio-common';
import { screen } from '@testing-library/react';
import { Route, Routes } from 'react-router-dom';
import { istioApiRef, type IstioApi } from '../../api';
import { EntityIstioCard } from './EntityIstioCard';

const MI = 1024 * 1024;

function entityWith(annotations: Record<string, string>): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name: 'productpage', namespace: 'default', annotations },
    spec: { type: 'service', owner: 'bookinfo-team', lifecycle: 'production' },
  };
}
const productpage = entityWith({
  'backstage.io/kubernetes-id': 'productpage',
  'backstage.io/kubernetes-namespace': 'istio-demo',
});

type Item = IstioSidecarMemoryResponse['items'][number];

const demoItem: Item = {
  cluster: 'demo',
  namespace: 'istio-demo',
  windowDays: 7,
  proxies: [
    {
      cluster: 'demo',
      namespace: 'istio-demo',
      pod: 'productpage-v1-abc',
      workload: 'productpage-v1',
      app: 'productpage',
      proxyKind: 'native-sidecar',
      proxyVersion: '1.28.1',
      memoryNowBytes: 220 * MI,
      envoyActiveClusters: 1582,
    },
    {
      cluster: 'demo',
      namespace: 'istio-demo',
      pod: 'productpage-v1-def',
      workload: 'productpage-v1',
      app: 'productpage',
      proxyKind: 'native-sidecar',
      proxyVersion: '1.28.1',
      memoryNowBytes: 230 * MI,
      envoyActiveClusters: 1582,
    },
  ],
  sidecarsInForce: [],
  recommendation: {
    cluster: 'demo',
    namespace: 'istio-demo',
    scope: 'workload',
    yaml: 'apiVersion: networking.istio.io/v1\nkind: Sidecar\nmetadata:\n  name: productpage\n',
    objects: [
      {
        name: 'productpage',
        workloadSelector: { app: 'productpage' },
        hosts: ['./*', 'istio-system/*'],
      },
    ],
    egress: [],
    clustersBefore: 1582,
    clustersAfter: 20,
  },
  estimate: {
    perPodBytes: 180 * MI,
    totalBytes: 360 * MI,
    method: 'fitted',
    bytesPerCluster: 118 * 1024,
    confidence: 'high',
    explanation: 'Fitted on 1,306 proxies.',
  },
  warnings: [],
  errors: [],
};

const memory: IstioSidecarMemoryResponse = {
  entityRef: 'component:default/productpage',
  items: [demoItem],
  errors: [],
};

function renderFor(
  entity: Entity,
  getSidecarMemory: IstioApi['getSidecarMemory'],
) {
  return renderInTestApp(
    <TestApiProvider apis={[[istioApiRef, { getSidecarMemory }]]}>
      <EntityProvider entity={entity}>
        <EntityIstioCard />
      </EntityProvider>
    </TestApiProvider>,
  );
}

describe('EntityIstioCard', () => {
  it('shows mesh status, memory per pod and the savings, with a link to the tab', async () => {
    const getSidecarMemory = jest.fn(async () => memory);
    await renderFor(productpage, getSidecarMemory);
    expect(
      await screen.findByText(
        '2 of 2 pods in the mesh: 2 sidecar — cluster demo',
      ),
    ).toBeInTheDocument();
    expect(getSidecarMemory).toHaveBeenCalledWith({
      entityRef: 'component:default/productpage',
    });
    expect(
      screen.getByText(
        '225 MiB per pod on average, 220 MiB–230 MiB across 2 pods',
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByText(
        '180 MiB per pod, 360 MiB in total (fitted, confidence high)',
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByText('no Sidecar applied through Backstage yet'),
    ).toBeInTheDocument();
    expect(
      screen.getByText('Open the Service Mesh tab').closest('a'),
    ).toHaveAttribute('href', '/istio');
  });

  it("links to the entity's Service Mesh tab from the entity's overview", async () => {
    await renderInTestApp(
      <TestApiProvider
        apis={[[istioApiRef, { getSidecarMemory: async () => memory }]]}
      >
        <EntityProvider entity={productpage}>
          <Routes>
            <Route
              path="/catalog/:namespace/:kind/:name/*"
              element={
                <Routes>
                  <Route path="/*" element={<EntityIstioCard />} />
                </Routes>
              }
            />
          </Routes>
        </EntityProvider>
      </TestApiProvider>,
      { routeEntries: ['/catalog/default/component/productpage'] },
    );
    expect(
      (await screen.findByText('Open the Service Mesh tab')).closest('a'),
    ).toHaveAttribute('href', '/catalog/default/component/productpage/istio');
  });

  it('shows the measured saving once a Sidecar was applied', async () => {
    await renderFor(productpage, async () => ({
      ...memory,
      items: [
        {
          ...demoItem,
          measured: {
            appliedAt: '2026-01-10T10:00:00.000Z',
            appliedBy: 'user:default/guest',
            beforeBytes: 327 * MI,
            afterBytes: 60 * MI,
          },
        },
      ],
    }));
    expect(
      await screen.findByText('267 MiB per pod (327 MiB → 60.0 MiB per pod)'),
    ).toBeInTheDocument();
  });

  it('shows a progress bar while loading', async () => {
    await renderFor(productpage, () => new Promise(() => {}));
    expect(await screen.findByTestId('progress')).toBeInTheDocument();
    expect(screen.queryByText(/in the mesh/)).not.toBeInTheDocument();
  });

  it('shows the backend error when the data cannot be read', async () => {
    await renderFor(productpage, async () => {
      throw new Error('backend unavailable');
    });
    expect(
      (await screen.findAllByText(/backend unavailable/)).length,
    ).toBeGreaterThan(0);
    expect(screen.queryByText(/in the mesh/)).not.toBeInTheDocument();
  });

  it('names a failed cluster and still shows the ones that answered', async () => {
    await renderFor(productpage, async () => ({
      ...memory,
      errors: [
        {
          cluster: 'eu',
          source: 'kubernetes',
          errorType: 'Timeout',
          message: 'the cluster did not answer before the deadline',
        },
      ],
    }));
    expect(
      await screen.findByText(/Cluster eu could not be read/),
    ).toBeInTheDocument();
    expect(
      screen.getByText(
        'Timeout: the cluster did not answer before the deadline. The other clusters are shown.',
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByText(
        '2 of 2 pods in the mesh: 2 sidecar — cluster demo; unknown in eu (Timeout: the cluster did not answer before the deadline)',
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByText(/180 MiB per pod, 360 MiB in total/),
    ).toBeInTheDocument();
  });

  it('says when no pods were found, without memory or savings', async () => {
    await renderFor(productpage, async () => ({
      entityRef: 'component:default/productpage',
      items: [],
      errors: [],
    }));
    expect(
      await screen.findByText('no pods found in any configured cluster'),
    ).toBeInTheDocument();
    expect(screen.queryByText('Estimated saving')).not.toBeInTheDocument();
  });

  it('says the status is unknown, and why, when every cluster failed', async () => {
    await renderFor(productpage, async () => ({
      entityRef: 'component:default/productpage',
      items: [],
      errors: [
        {
          cluster: 'demo',
          source: 'kubernetes',
          errorType: 'AuthenticationError',
          message: 'the cluster refused the configured credentials',
        },
      ],
    }));
    expect(
      await screen.findByText(
        'unknown in demo (AuthenticationError: the cluster refused the configured credentials)',
      ),
    ).toBeInTheDocument();
    expect(
      screen.queryByText('no pods found in any configured cluster'),
    ).not.toBeInTheDocument();
    expect(
      screen.queryByText(/The other clusters are shown/),
    ).not.toBeInTheDocument();
  });

  it('says memory is unknown rather than inventing it', async () => {
    await renderFor(productpage, async () => ({
      ...memory,
      items: [
        {
          ...demoItem,
          proxies: demoItem.proxies.map(({ memoryNowBytes: _, ...p }) => p),
          warnings: [
            {
              code: 'metrics-unavailable',
              message:
                'metrics.k8s.io could not be read: current memory is unknown.',
            },
          ],
        },
      ],
    }));
    expect(
      await screen.findByText(
        'unknown — metrics.k8s.io could not be read: current memory is unknown.',
      ),
    ).toBeInTheDocument();
  });

  it('asks for the Kubernetes annotations without calling the backend', async () => {
    const getSidecarMemory = jest.fn();
    await renderFor(entityWith({}), getSidecarMemory);
    expect(screen.getByText(/Missing Annotation/i)).toBeInTheDocument();
    expect(getSidecarMemory).not.toHaveBeenCalled();
  });
});
