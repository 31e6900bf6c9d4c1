import type { Entity } from '@backstage/catalog-model';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import type {
  IstioEntityMeshResponse,
  IstioSidecarMemoryResponse,
} from '@istio-backstage/plugin-istio-common';
import Grid from '@material-ui/core/Grid';
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

/** The entity view around a sidecar-memory answer: the card shows that part of it. */
function viewOf(
  sidecarMemory: IstioSidecarMemoryResponse,
): IstioEntityMeshResponse {
  return {
    entityRef: sidecarMemory.entityRef ?? 'component:default/productpage',
    clusters: { items: [], unusable: [] },
    sidecarMemory,
    meshes: [],
    errors: [],
  };
}

/** Renders the card against an entity view built from `getSidecarMemory`'s answer. */
function renderFor(
  entity: Entity,
  getSidecarMemory: IstioApi['getSidecarMemory'],
) {
  const getEntityMesh: IstioApi['getEntityMesh'] = async request =>
    viewOf(await getSidecarMemory(request));
  return renderInTestApp(
    <TestApiProvider apis={[[istioApiRef, { getEntityMesh }]]}>
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

  it('loads with the one request the Service Mesh tab makes', async () => {
    const istioApi: IstioApi = {
      getClusters: jest.fn(),
      getMeshConfig: jest.fn(),
      getSidecarMemory: jest.fn(),
      getEntityMesh: jest.fn(async () => viewOf(memory)),
      applySidecar: jest.fn(),
    };
    await renderInTestApp(
      <TestApiProvider apis={[[istioApiRef, istioApi]]}>
        <EntityProvider entity={productpage}>
          <EntityIstioCard />
        </EntityProvider>
      </TestApiProvider>,
    );
    expect(
      await screen.findByText(
        '2 of 2 pods in the mesh: 2 sidecar — cluster demo',
      ),
    ).toBeInTheDocument();
    expect(istioApi.getEntityMesh).toHaveBeenCalledTimes(1);
    expect(istioApi.getEntityMesh).toHaveBeenCalledWith({
      entityRef: 'component:default/productpage',
    });
    for (const method of [
      istioApi.getClusters,
      istioApi.getMeshConfig,
      istioApi.getSidecarMemory,
      istioApi.applySidecar,
    ])
      expect(method).not.toHaveBeenCalled();
  });

  it("links to the entity's Service Mesh tab from the entity's overview", async () => {
    await renderInTestApp(
      <TestApiProvider
        apis={[[istioApiRef, { getEntityMesh: async () => viewOf(memory) }]]}
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
            outcome: 'saving',
            explanation:
              '267 MiB less per pod since the Sidecar was applied on 2026-01-10T10:00:00.000Z.',
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

  it('keeps the mesh status in one wrapping value under its label in the side column of the Overview tab', async () => {
    await renderInTestApp(
      <TestApiProvider
        apis={[[istioApiRef, { getEntityMesh: async () => viewOf(memory) }]]}
      >
        <EntityProvider entity={productpage}>
          <Grid container>
            <Grid item xs={12} md={4} style={{ width: 320 }}>
              <EntityIstioCard />
            </Grid>
          </Grid>
        </EntityProvider>
      </TestApiProvider>,
    );
    const status = await screen.findByTestId('istio-overview-status-value');
    expect(status).toHaveTextContent(
      '2 of 2 pods in the mesh: 2 sidecar — cluster demo',
    );
    expect(status.previousElementSibling).toHaveTextContent('Mesh status');
    // Wraps between words and has the card's whole width: no table column squeezes it.
    expect(status).toHaveStyle({ wordBreak: 'normal' });
    expect(status.style.width).toBe('');
    expect(status.closest('table')).toBeNull();
    expect(status.parentElement).toHaveStyle({ gridColumn: '1 / -1' });
    expect(
      screen.getByTestId('istio-overview-estimated-saving-value'),
    ).toHaveTextContent(
      '180 MiB per pod, 360 MiB in total (fitted, confidence high)',
    );
  });
});
