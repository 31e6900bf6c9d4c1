import type { Entity } from '@backstage/catalog-model';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import {
  mockApis,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/test-utils';
import type {
  IstioClustersResponse,
  IstioEntityMeshResponse,
  IstioMeshConfig,
  IstioSidecarApplyRequest,
  IstioSidecarApplyResult,
  IstioSidecarMemoryResponse,
} from '@istio-backstage/plugin-istio-common';
import { fireEvent, screen, waitFor } from '@testing-library/react';
import { istioApiRef, StaleApplyError, type IstioApi } from '../../api';
import { EntityIstioContent } from './EntityIstioContent';

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

const memory: IstioSidecarMemoryResponse = {
  entityRef: 'component:default/productpage',
  items: [
    {
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
          memoryNowBytes: 223 * MI,
          memoryPeakBytes: 230 * MI,
          envoyAllocatedBytes: 138 * MI,
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
        egress: [
          {
            host: './*',
            reasons: [
              {
                kind: 'observed-traffic',
                detail:
                  'productpage-v1 → details.istio-demo (600 requests in 7d)',
              },
            ],
          },
          {
            host: 'istio-system/*',
            reasons: [
              { kind: 'control-plane', detail: 'istiod runs in istio-system' },
            ],
          },
        ],
        servicesVisibleBefore: 1311,
        servicesVisibleAfter: 7,
        clustersBefore: 1582,
        clustersAfter: 20,
      },
      estimate: {
        perPodBytes: 180 * MI,
        totalBytes: 180 * MI,
        method: 'fitted',
        bytesPerCluster: 118 * 1024,
        confidence: 'high',
        explanation: 'Fitted on 1,306 proxies.',
      },
      warnings: [],
      errors: [],
    },
  ],
  errors: [],
};

const mesh = {
  cluster: 'demo',
  title: 'Demo mesh',
  kubernetesVersion: 'v1.33.2',
  controlPlanes: [
    {
      revision: 'default',
      namespace: 'istio-system',
      version: '1.28.1',
      installMethod: 'helm',
      support: {
        verdict: 'unsupported',
        reasons: ['Istio 1.28 reached end of life on 2026-07-01'],
      },
    },
  ],
  tracing: {
    enabled: 'yes',
    samplingPercent: 1,
    configuredIn: 'meshConfig.defaultConfig.tracing',
    provider: 'zipkin',
    collector: {
      host: 'jaeger-collector.observability',
      port: 9411,
      exists: 'yes',
    },
  },
  diagnostics: [
    {
      code: 'IBS-TRACING-SAMPLING-FRACTION',
      severity: 'info',
      scope: 'mesh',
      topic: 'tracing',
      title: 'Sampling written as a fraction',
      message: 'ConfigMap istio-system/istio sets sampling to 1.',
      fix: { text: 'Write 100 to trace everything.' },
    },
    {
      code: 'IBS-NAMESPACE-NOT-SCOPED',
      severity: 'info',
      scope: 'namespace',
      topic: 'sidecars',
      title: 'Namespace without Sidecar scoping',
      message: 'Namespace istio-demo has no Sidecar.',
      object: { kind: 'Namespace', name: 'istio-demo' },
      fix: { text: 'Add one.' },
    },
  ],
} as unknown as IstioMeshConfig;

function applyResult(dryRun: boolean, digest: string): IstioSidecarApplyResult {
  return {
    cluster: 'demo',
    namespace: 'istio-demo',
    dryRun,
    changes: [
      {
        name: 'productpage',
        namespace: 'istio-demo',
        action: 'created',
        hostsAfter: ['./*', 'istio-system/*'],
      },
    ],
    yaml: 'kind: Sidecar\n',
    entityRef: 'component:default/productpage',
    digest,
  };
}

const clusters: IstioClustersResponse = {
  items: [
    {
      name: 'demo',
      title: 'Demo mesh',
      links: {
        jaegerUrl: 'https://jaeger.example.com',
        kialiUrl: 'https://kiali.example.com/kiali',
      },
      prometheusConfigured: true,
      authProvider: 'serviceAccount',
    },
  ],
  unusable: [],
};

/** The backend's entity view: the clusters, the sidecar memory and the cluster's mesh. */
function entityView(
  overrides: Partial<IstioEntityMeshResponse> = {},
): IstioEntityMeshResponse {
  return {
    entityRef: 'component:default/productpage',
    clusters,
    sidecarMemory: memory,
    meshes: [{ cluster: 'demo', links: clusters.items[0].links, mesh }],
    errors: [],
    ...overrides,
  };
}

/** The view with another sidecar-memory answer. */
const withMemory = (sidecarMemory: IstioSidecarMemoryResponse) =>
  entityView({ sidecarMemory });

/**
 * The API as the tab sees it: the entity view, and the apply. The other reads fail the
 * test if called: the tab loads everything with one request.
 */
function api(overrides: Partial<IstioApi> = {}): IstioApi {
  const unused = (name: string) =>
    jest.fn(async () => {
      throw new Error(`the tab does not call ${name}`);
    });
  return {
    getClusters: unused('getClusters'),
    getMeshConfig: unused('getMeshConfig'),
    getSidecarMemory: unused('getSidecarMemory'),
    getEntityMesh: jest.fn(async () => entityView()),
    applySidecar: unused('applySidecar'),
    ...overrides,
  };
}

function renderFor(
  entity: Entity,
  istioApi: IstioApi,
  canApply: boolean = false,
) {
  const permissionApi = mockApis.permission({
    authorize: canApply ? AuthorizeResult.ALLOW : AuthorizeResult.DENY,
  });
  return renderInTestApp(
    <TestApiProvider
      apis={[
        [istioApiRef, istioApi],
        [permissionApiRef, permissionApi],
      ]}
    >
      <EntityProvider entity={entity}>
        <EntityIstioContent />
      </EntityProvider>
    </TestApiProvider>,
  );
}

// The apply flow renders several times; a loaded machine needs more than 5 s.
jest.setTimeout(20_000);

describe('EntityIstioContent', () => {
  it('hides the Apply button from a user not allowed to apply', async () => {
    await renderFor(productpage, api(), false);
    expect(await screen.findByText('Mesh status')).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: /apply sidecar/i })).toBeNull();
  });

  it('lets an owner apply, then reloads to show the measured saving', async () => {
    let applied = false;
    const getEntityMesh = jest.fn(async () =>
      applied
        ? withMemory({
            ...memory,
            items: [
              {
                ...memory.items[0],
                measured: {
                  appliedAt: '2026-11-25T10:00:00.000Z',
                  appliedBy: 'user:default/guest',
                  beforeBytes: 223 * MI,
                  afterBytes: 41 * MI,
                  measuredAt: '2026-11-25T10:05:00.000Z',
                  outcome: 'saving',
                  explanation:
                    '182 MiB less per pod since the Sidecar was applied on 2026-11-25T10:00:00.000Z.',
                },
              },
            ],
          })
        : entityView(),
    );
    const applySidecar = jest.fn(async (request: IstioSidecarApplyRequest) => {
      if (!request.dryRun) applied = true;
      return applyResult(request.dryRun, 'digest-1');
    });
    // Another ref than the other tests': usePermission caches answers by ref.
    const owned = {
      ...productpage,
      metadata: { ...productpage.metadata, namespace: 'owned' },
    };
    await renderFor(owned, api({ getEntityMesh, applySidecar }), true);
    fireEvent.click(
      await screen.findByRole('button', { name: /apply sidecar/i }),
    );
    expect(await screen.findByText(/will be created/)).toBeInTheDocument();
    fireEvent.click(screen.getByRole('button', { name: /^apply$/i }));
    expect(await screen.findByText(/^Applied\./)).toBeInTheDocument();
    expect(applySidecar).toHaveBeenLastCalledWith({
      entityRef: 'component:owned/productpage',
      cluster: 'demo',
      namespace: 'istio-demo',
      dryRun: false,
      digest: 'digest-1',
    });
    fireEvent.click(screen.getByRole('button', { name: /close/i }));
    // One request per load: the first, and the one after the apply.
    await waitFor(() => expect(getEntityMesh).toHaveBeenCalledTimes(2));
    expect(
      await screen.findByText(
        /41.0 MiB measured after, a measured saving of 182 MiB per pod/,
      ),
    ).toBeInTheDocument();
    expect(getEntityMesh).toHaveBeenCalledTimes(2);
  });

  it('shows the new change when the reviewed one went stale, and applies it on the next click', async () => {
    const getEntityMesh = jest.fn(async () => entityView());
    const applySidecar = jest.fn(async (request: IstioSidecarApplyRequest) => {
      if (request.dryRun) return applyResult(true, 'digest-1');
      if (request.digest === 'digest-1') {
        throw new StaleApplyError('changed since the dry run', {
          ...applyResult(true, 'digest-2'),
          changes: [
            {
              name: 'productpage',
              namespace: 'istio-demo',
              action: 'created',
              hostsAfter: ['./*', 'istio-system/*', 'payments/*'],
            },
          ],
        });
      }
      return applyResult(false, 'digest-2');
    });
    const stale = {
      ...productpage,
      metadata: { ...productpage.metadata, namespace: 'stale' },
    };
    await renderFor(stale, api({ getEntityMesh, applySidecar }), true);
    fireEvent.click(
      await screen.findByRole('button', { name: /apply sidecar/i }),
    );
    expect(
      await screen.findByText('Hosts after: ./*, istio-system/*'),
    ).toBeInTheDocument();
    fireEvent.click(screen.getByRole('button', { name: /^apply$/i }));
    expect(
      await screen.findByText(
        /what would be written changed since you reviewed it/,
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByText('Hosts after: ./*, istio-system/*, payments/*'),
    ).toBeInTheDocument();
    expect(applySidecar).toHaveBeenCalledTimes(2);
    fireEvent.click(screen.getByRole('button', { name: /^apply$/i }));
    expect(await screen.findByText(/^Applied\./)).toBeInTheDocument();
    expect(applySidecar).toHaveBeenLastCalledWith(
      expect.objectContaining({ dryRun: false, digest: 'digest-2' }),
    );
    fireEvent.click(screen.getByRole('button', { name: /close/i }));
    await waitFor(() => expect(getEntityMesh).toHaveBeenCalledTimes(2));
  });

  it('asks for the Kubernetes annotations when the entity has none, without calling the backend', async () => {
    const istioApi = api();
    await renderFor(entityWith({}), istioApi);
    expect(screen.getByText(/Missing Annotation/i)).toBeInTheDocument();
    for (const method of Object.values(istioApi))
      expect(method).not.toHaveBeenCalled();
  });

  it('loads the tab with one request to the backend', async () => {
    const istioApi = api();
    await renderFor(productpage, istioApi);
    expect(await screen.findByText('Mesh status')).toBeInTheDocument();
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

  it('shows mesh status, tracing with the Jaeger link, memory and the recommendation', async () => {
    await renderFor(productpage, api());
    expect(await screen.findByText('Mesh status')).toBeInTheDocument();
    expect(screen.getByText('sidecar (native)')).toBeInTheDocument();
    expect(
      screen.getByText(/unsupported — Istio 1.28 reached end of life/),
    ).toBeInTheDocument();
    expect(screen.getByText('1 % of requests')).toBeInTheDocument();
    expect(
      screen.getByText(
        /jaeger-collector.observability:9411 \(service and port exist\)/,
      ),
    ).toBeInTheDocument();
    expect(screen.getAllByRole('link', { name: /traces/i })[0]).toHaveAttribute(
      'href',
      'https://jaeger.example.com/search?service=productpage.istio-demo&lookback=1h&limit=20',
    );
    expect(screen.getAllByText('223 MiB').length).toBeGreaterThan(0);
    expect(screen.getByText(/1311 now → 7 after/)).toBeInTheDocument();
    expect(screen.getByText(/180 MiB per pod/)).toBeInTheDocument();
    expect(
      screen.getByText(/productpage-v1 → details.istio-demo/),
    ).toBeInTheDocument();
    expect(screen.getByText('Kiali: workload').closest('a')).toHaveAttribute(
      'href',
      'https://kiali.example.com/kiali/console/namespaces/istio-demo/workloads/productpage-v1',
    );
    expect(screen.getByTestId('istio-link-grafana-missing')).toHaveTextContent(
      'Grafana: set istio.clusters[].grafana.url',
    );
    // Diagnostics: those the backend kept for the entity's namespaces, as they are.
    // (the tracing one also in the Tracing card).
    expect(
      screen.getAllByText(/IBS-TRACING-SAMPLING-FRACTION/).length,
    ).toBeGreaterThan(0);
    expect(screen.getByText(/IBS-NAMESPACE-NOT-SCOPED/)).toBeInTheDocument();
  });

  it('hides the traces link, with a hint, when no Jaeger URL is configured', async () => {
    await renderFor(
      productpage,
      api({
        getEntityMesh: async () =>
          entityView({ meshes: [{ cluster: 'demo', links: {}, mesh }] }),
      }),
    );
    expect(
      await screen.findByText(/No Jaeger URL is configured/),
    ).toBeInTheDocument();
    expect(
      screen.queryByRole('link', { name: /traces/i }),
    ).not.toBeInTheDocument();
  });

  it('says memory is unknown rather than inventing it', async () => {
    const unknown: IstioSidecarMemoryResponse = {
      ...memory,
      items: [
        {
          ...memory.items[0],
          proxies: [
            {
              ...memory.items[0].proxies[0],
              memoryNowBytes: undefined,
              memoryPeakBytes: undefined,
              envoyAllocatedBytes: undefined,
              envoyActiveClusters: undefined,
            },
          ],
          warnings: [
            {
              code: 'metrics-unavailable',
              message:
                'metrics.k8s.io could not be read: current memory is unknown.',
            },
          ],
        },
      ],
    };
    await renderFor(
      productpage,
      api({ getEntityMesh: async () => withMemory(unknown) }),
    );
    expect(
      await screen.findByText(/Current memory is unknown/),
    ).toBeInTheDocument();
    expect(screen.getAllByText('unknown').length).toBeGreaterThan(2);
  });

  it('shows a failed cluster next to the ones that answered', async () => {
    await renderFor(
      productpage,
      api({
        getEntityMesh: async () =>
          withMemory({
            ...memory,
            errors: [
              {
                cluster: 'eu',
                source: 'kubernetes',
                errorType: 'Timeout',
                message: 'the cluster did not answer before the deadline',
              },
            ],
          }),
      }),
    );
    expect(
      await screen.findByText(/Cluster eu could not be read/),
    ).toBeInTheDocument();
    expect(screen.getByText('Mesh status')).toBeInTheDocument();
  });

  it("names each cluster that could not be read once, and still shows the entity's cards", async () => {
    const timeout = (cluster: string) => ({
      cluster,
      source: 'kubernetes',
      errorType: 'Timeout',
      message: 'the cluster did not answer before the deadline',
    });
    await renderFor(
      productpage,
      api({
        getEntityMesh: async () =>
          entityView({
            // eu failed for the sidecar memory, demo's mesh for the mesh read.
            sidecarMemory: { ...memory, errors: [timeout('eu')] },
            meshes: [{ cluster: 'demo', links: clusters.items[0].links }],
            errors: [timeout('eu'), timeout('demo')],
          }),
      }),
    );
    for (const cluster of ['eu', 'demo'])
      expect(
        await screen.findAllByText(
          new RegExp(`Cluster ${cluster} could not be read`),
        ),
      ).toHaveLength(1);
    expect(screen.getByText('Mesh status')).toBeInTheDocument();
    expect(
      screen.getByText('unknown (control plane not read)'),
    ).toBeInTheDocument();
  });

  it('names the clusters that are not used, with the cards', async () => {
    await renderFor(
      productpage,
      api({
        getEntityMesh: async () =>
          entityView({
            clusters: {
              ...clusters,
              unusable: [{ name: 'eu', source: 'config', reason: 'no url' }],
            },
          }),
      }),
    );
    expect(
      await screen.findByText('Cluster eu is not used: no url (config)'),
    ).toBeInTheDocument();
    expect(screen.getByText('Mesh status')).toBeInTheDocument();
  });

  it('says when no pods were found instead of showing empty cards', async () => {
    await renderFor(
      productpage,
      api({
        getEntityMesh: async () =>
          entityView({
            sidecarMemory: {
              entityRef: 'component:default/productpage',
              items: [],
              errors: [],
            },
            meshes: [],
          }),
      }),
    );
    expect(
      await screen.findByText('no pods found in any configured cluster'),
    ).toBeInTheDocument();
  });

  it('shows the backend error when the data cannot be read', async () => {
    await renderFor(
      productpage,
      api({
        getEntityMesh: async () => {
          throw new Error('backend unavailable');
        },
      }),
    );
    expect(
      (await screen.findAllByText(/backend unavailable/)).length,
    ).toBeGreaterThan(0);
  });
});
