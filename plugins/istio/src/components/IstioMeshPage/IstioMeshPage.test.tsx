import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import type {
  IstioClustersResponse,
  IstioMeshConfig,
} from '@istio-backstage/plugin-istio-common';
import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { istioApiRef, type IstioApi } from '../../api';
import { IstioMeshContent } from './IstioMeshContent';
import { IstioMeshPage } from './IstioMeshPage';

const demo: IstioMeshConfig = {
  cluster: 'demo',
  title: 'Demo mesh',
  readAt: '2026-01-10T10:00:00.000Z',
  kubernetesVersion: 'v1.33.2',
  istioInstalled: 'yes',
  controlPlanes: [
    {
      revision: 'default',
      namespace: 'istio-system',
      version: '1.28.1',
      hub: 'docker.io/istio',
      tag: '1.28.1',
      installMethod: 'operator',
      support: {
        verdict: 'unsupported',
        reasons: ['Istio 1.28 is not tested on Kubernetes 1.33'],
      },
      ready: { ready: 1, desired: 1 },
    },
  ],
  dataPlane: {
    sidecarNamespaces: ['istio-demo', 'team-001'],
    ambientNamespaces: [],
    nativeSidecars: 'yes',
    proxyVersions: { '1.28.1': 1306 },
  },
  cni: { installed: 'no', podsWithNetAdmin: 1306 },
  tracing: {
    enabled: 'yes',
    samplingPercent: 1,
    configuredIn: 'meshConfig.defaultConfig.tracing',
    provider: 'zipkin',
    collector: {
      host: 'jaeger-collector.observability',
      port: 9411,
      service: { namespace: 'observability', name: 'jaeger-collector' },
      exists: 'no-port',
    },
  },
  gateways: [
    {
      name: 'istio-ingressgateway',
      namespace: 'istio-system',
      sendsTraces: 'no',
      replicas: 2,
    },
  ],
  outboundTrafficPolicy: 'ALLOW_ANY',
  prometheus: {
    merge: 'yes',
    configured: true,
    envoySeries: 'yes',
    istiodSeries: 'no',
  },
  kiali: {
    installed: 'yes',
    namespace: 'istio-system',
    externalServices: [
      {
        name: 'grafana',
        url: 'http://grafana.istio-system:3000',
        exists: 'no-service',
      },
    ],
  },
  meshSize: {
    namespaces: 12,
    injectedNamespaces: 2,
    services: 40,
    pods: 1310,
    proxies: 1306,
    sidecarResources: 0,
  },
  diagnostics: [
    {
      code: 'IBS-NAMESPACE-NOT-SCOPED',
      scope: 'namespace',
      topic: 'sidecars',
      severity: 'info',
      title: 'Namespace without Sidecar scoping in a large mesh',
      message: 'Namespace team-001 has no Sidecar.',
      object: { kind: 'Namespace', name: 'team-001' },
      fix: { text: 'Apply a default Sidecar.' },
    },
    {
      code: 'IBS-TRACING-COLLECTOR-MISSING',
      scope: 'mesh',
      topic: 'tracing',
      severity: 'error',
      title: 'Tracing collector Service or port missing',
      message:
        'Service observability/jaeger-collector has no port 9411: spans are dropped.',
      object: {
        kind: 'Service',
        namespace: 'observability',
        name: 'jaeger-collector',
      },
      fix: {
        text: 'Enable Zipkin on the collector.',
        yaml: 'env:\n  - name: COLLECTOR_ZIPKIN_HOST_PORT\n    value: ":9411"\n',
      },
    },
  ],
  errors: [],
};

const clusters: IstioClustersResponse = {
  items: [
    {
      name: 'demo',
      title: 'Demo mesh',
      links: { kialiUrl: 'https://kiali.example.com/kiali' },
      prometheusConfigured: true,
      authProvider: 'serviceAccount',
    },
  ],
  unusable: [],
};

function api(overrides: Partial<IstioApi> = {}): Partial<IstioApi> {
  return {
    getClusters: async () => clusters,
    getMeshConfig: async () => ({ items: [demo], errors: [] }),
    ...overrides,
  };
}

function renderContent(istioApi: Partial<IstioApi>) {
  return renderInTestApp(
    <TestApiProvider apis={[[istioApiRef, istioApi]]}>
      <IstioMeshContent />
    </TestApiProvider>,
  );
}

describe('IstioMeshContent', () => {
  it("shows each cluster's installation, support verdict, tracing, tools and diagnostics", async () => {
    const getMeshConfig = jest.fn(async () => ({ items: [demo], errors: [] }));
    await renderContent(api({ getMeshConfig }));
    expect(await screen.findByText('Demo mesh')).toBeInTheDocument();
    // All clusters: no cluster name is passed.
    expect(getMeshConfig).toHaveBeenCalledWith();
    expect(
      screen.getByText(
        'default (istio-system): Istio 1.28.1, installed with operator, hub docker.io/istio, tag 1.28.1, 1/1 istiod ready',
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByText(
        'Istio 1.28.1 on Kubernetes v1.33.2: unsupported — Istio 1.28 is not tested on Kubernetes 1.33',
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByText(
        'istiod (revision default), 1 gateway, CNI not installed: 1306 pods run istio-init with NET_ADMIN, Kiali in istio-system',
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByText(
        'sidecar in 2 namespaces, ambient in 0 namespaces; native sidecars: yes; proxy versions: 1.28.1 ×1306',
      ),
    ).toBeInTheDocument();
    expect(screen.getByText('1 % of requests')).toBeInTheDocument();
    expect(screen.getByText('zipkin')).toBeInTheDocument();
    expect(
      screen.getByText(
        'jaeger-collector.observability:9411 (the Service has no such port: spans are dropped)',
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByText(
        'istio-system/istio-ingressgateway: no injection template, sends traces: no, 2 replicas',
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByText(
        'grafana: http://grafana.istio-system:3000 (no such Service: spans are dropped)',
      ),
    ).toBeInTheDocument();
    expect(screen.getByText('Kiali').closest('a')).toHaveAttribute(
      'href',
      'https://kiali.example.com/kiali',
    );
    expect(
      screen.getByText('Jaeger: not configured (istio.clusters[].jaeger.url)'),
    ).toBeInTheDocument();
    expect(
      screen.getByText('Prometheus: configured (queried by the backend)'),
    ).toBeInTheDocument();

    // Diagnostics: one collapsed row per code, errors first; objects and fixes on demand.
    expect(screen.getByText('Diagnostics — Demo mesh')).toBeInTheDocument();
    const [error, info] = screen.getAllByTestId('istio-diagnostic-group');
    expect(
      within(error).getByText('IBS-TRACING-COLLECTOR-MISSING'),
    ).toBeInTheDocument();
    expect(within(error).getByText('Error')).toBeInTheDocument();
    expect(
      within(info).getByText('IBS-NAMESPACE-NOT-SCOPED'),
    ).toBeInTheDocument();
    expect(within(info).getByText('Info')).toBeInTheDocument();
    expect(within(info).getByText('1 Namespace')).toBeInTheDocument();
    await userEvent.click(within(error).getByRole('button'));
    expect(
      await within(error).findByText('Service observability/jaeger-collector'),
    ).toBeInTheDocument();
    await userEvent.click(
      within(error).getByRole('button', { name: 'Show fix' }),
    );
    expect(
      within(error).getByText('Enable Zipkin on the collector.'),
    ).toBeInTheDocument();
    expect(
      await within(error).findByText(/COLLECTOR_ZIPKIN_HOST_PORT/),
    ).toBeInTheDocument();
  });

  it('puts the control plane summary and the collapsed diagnostics on the first screen', async () => {
    await renderContent(api());
    const summary = await screen.findByTestId('istio-cluster-summary');
    const firstScreen = screen.getByTestId('istio-mesh-first-screen');
    expect(firstScreen).toContainElement(summary);
    // The summary shows versions and support; every other fact waits behind a button.
    expect(
      within(summary).getByText(/^default \(istio-system\): Istio 1.28.1/),
    ).toBeVisible();
    expect(
      within(summary).getByText(/on Kubernetes v1.33.2: unsupported/),
    ).toBeVisible();
    expect(within(summary).getByText(/1310 pods/)).toBeVisible();
    const details = screen.getByTestId('istio-cluster-details');
    expect(within(details).getByText('Tracing provider')).not.toBeVisible();
    const more = screen.getByRole('button', { name: 'Show all details' });
    expect(more).toHaveAttribute('aria-expanded', 'false');

    // Right under it, the diagnostics: every group collapsed, no object listed.
    const groups = within(firstScreen).getAllByTestId('istio-diagnostic-group');
    expect(
      summary.compareDocumentPosition(groups[0]) &
        Node.DOCUMENT_POSITION_FOLLOWING,
    ).toBeTruthy();
    for (const group of groups)
      expect(within(group).getAllByRole('button')[0]).toHaveAttribute(
        'aria-expanded',
        'false',
      );
    expect(screen.queryAllByTestId('istio-diagnostic-object')).toHaveLength(0);

    await userEvent.click(more);
    expect(more).toHaveAttribute('aria-expanded', 'true');
    expect(within(details).getByText('Tracing provider')).toBeVisible();
  });

  it('puts the summaries in a column beside the diagnostics on a wide screen, side by side above them otherwise', async () => {
    const oidc: IstioMeshConfig = {
      ...demo,
      cluster: 'demo-oidc',
      title: 'Demo mesh (OIDC sign-in)',
      controlPlanes: [{ ...demo.controlPlanes[0], version: '1.26.4' }],
    };
    await renderContent(
      api({ getMeshConfig: async () => ({ items: [demo, oidc], errors: [] }) }),
    );
    const summaries = await screen.findAllByTestId('istio-cluster-summary');
    expect(summaries).toHaveLength(2);
    expect(
      within(summaries[1]).getByText(/^default \(istio-system\): Istio 1.26.4/),
    ).toBeVisible();
    for (const summary of summaries) {
      const item = summary.closest('.MuiGrid-item');
      expect(item).toHaveClass('MuiGrid-grid-md-6', 'MuiGrid-grid-lg-12');
      expect(item?.parentElement?.closest('.MuiGrid-item')).toHaveClass(
        'MuiGrid-grid-lg-4',
      );
    }
    const diagnostics = screen.getAllByText(/^Diagnostics — /);
    expect(diagnostics.map(d => d.textContent)).toEqual([
      'Diagnostics — Demo mesh',
      'Diagnostics — Demo mesh (OIDC sign-in)',
    ]);
    for (const title of diagnostics) {
      expect(title.closest('.MuiGrid-grid-lg-8')).not.toBeNull();
      expect(title.closest('.MuiGrid-grid-lg-4')).toBeNull();
    }
    expect(
      summaries[1].compareDocumentPosition(diagnostics[0]) &
        Node.DOCUMENT_POSITION_FOLLOWING,
    ).toBeTruthy();
  });

  it('stays short at scale: one row per code, not per namespace', async () => {
    // The scale generator: 200 namespaces × 10 services × 5 pods, none scoped.
    const namespaces = Array.from(
      { length: 200 },
      (_, i) => `team-${String(i + 1).padStart(3, '0')}`,
    );
    const big: IstioMeshConfig = {
      ...demo,
      meshSize: {
        namespaces: 200,
        injectedNamespaces: 200,
        services: 2000,
        pods: 10000,
        proxies: 10000,
        sidecarResources: 0,
      },
      diagnostics: [
        ...demo.diagnostics,
        ...namespaces.map(namespace => ({
          ...demo.diagnostics[0],
          message: `Namespace ${namespace} has no Sidecar.`,
          object: { kind: 'Namespace', name: namespace },
        })),
      ],
    };
    await renderContent(
      api({ getMeshConfig: async () => ({ items: [big], errors: [] }) }),
    );
    const groups = await screen.findAllByTestId('istio-diagnostic-group');
    expect(groups).toHaveLength(2);
    expect(within(groups[1]).getByText('201 Namespaces')).toBeInTheDocument();
    expect(screen.queryAllByTestId('istio-diagnostic-object')).toHaveLength(0);
    expect(screen.getByText('1 error, 201 info')).toBeInTheDocument();
  });

  it('shows a progress bar while loading', async () => {
    await renderContent(api({ getMeshConfig: () => new Promise(() => {}) }));
    expect(await screen.findByTestId('progress')).toBeInTheDocument();
    expect(screen.queryByText('Demo mesh')).not.toBeInTheDocument();
  });

  it('shows the backend error when the meshes cannot be read', async () => {
    await renderContent(
      api({
        getMeshConfig: async () => {
          throw new Error('backend unavailable');
        },
      }),
    );
    expect(
      (await screen.findAllByText(/backend unavailable/)).length,
    ).toBeGreaterThan(0);
  });

  it('names a failed cluster and still shows the ones that answered', async () => {
    await renderContent(
      api({
        getMeshConfig: async () => ({
          items: [demo],
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
    expect(
      screen.getByText(
        /Timeout: the cluster did not answer before the deadline/,
      ),
    ).toBeInTheDocument();
    expect(screen.getByText('Demo mesh')).toBeInTheDocument();
  });

  it('says which sources of a cluster failed and shows what they leave unknown', async () => {
    await renderContent(
      api({
        getMeshConfig: async () => ({
          items: [
            {
              ...demo,
              kubernetesVersion: undefined,
              cni: { installed: 'unknown' },
              meshSize: {},
              errors: [
                {
                  source: 'kubernetes:namespaces',
                  errorType: 'Forbidden',
                  message: 'namespaces is forbidden',
                },
              ],
            },
          ],
          errors: [],
        }),
      }),
    );
    expect(
      await screen.findByText(/Part of cluster demo could not be read/),
    ).toBeInTheDocument();
    expect(
      screen.getByText(
        /kubernetes:namespaces: Forbidden: namespaces is forbidden/,
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByText(/^namespaces unknown; native sidecars: yes/),
    ).toBeInTheDocument();
    expect(
      screen.getByText(/Istio 1.28.1 on Kubernetes unknown: unsupported/),
    ).toBeInTheDocument();
  });

  it('keeps the meshes when the tool links cannot be read, and says the links are unknown', async () => {
    await renderContent(
      api({
        getClusters: async () => {
          throw new Error('clusters unavailable');
        },
      }),
    );
    expect(
      await screen.findByText(/The configured clusters could not be read/),
    ).toBeInTheDocument();
    expect(
      screen.getByText(
        'unknown (the configured clusters could not be read: clusters unavailable)',
      ),
    ).toBeInTheDocument();
    expect(screen.getByText('Demo mesh')).toBeInTheDocument();
  });

  it('shows each unusable cluster as a warning line with its reason and source, next to the meshes', async () => {
    await renderContent(
      api({
        getClusters: async () => ({
          ...clusters,
          unusable: [
            {
              name: 'legacy',
              source: 'kubernetes.clusterLocatorMethods[0].clusters[1]',
              reason: 'auth provider "unknown" is not supported',
            },
          ],
        }),
      }),
    );
    expect(
      await screen.findByText(
        'Cluster legacy is not used: auth provider "unknown" is not supported (kubernetes.clusterLocatorMethods[0].clusters[1])',
      ),
    ).toBeInTheDocument();
    expect(screen.getByText('Demo mesh')).toBeInTheDocument();
  });

  it('says no cluster is usable, and why, when every configured cluster is unusable', async () => {
    await renderContent(
      api({
        getClusters: async () => ({
          items: [],
          unusable: [
            {
              name: 'gke',
              source: 'component:default/gke-cluster',
              reason: 'no url',
            },
          ],
        }),
        getMeshConfig: async () => ({ items: [], errors: [] }),
      }),
    );
    expect(await screen.findByText('No usable clusters')).toBeInTheDocument();
    expect(
      screen.getByText(
        'Cluster gke is not used: no url (component:default/gke-cluster)',
      ),
    ).toBeInTheDocument();
    expect(screen.queryByText('No clusters configured')).toBeNull();
  });

  it('says when no cluster is configured', async () => {
    await renderContent(
      api({
        getClusters: async () => ({ items: [], unusable: [] }),
        getMeshConfig: async () => ({ items: [], errors: [] }),
      }),
    );
    expect(
      await screen.findByText('No clusters configured'),
    ).toBeInTheDocument();
  });

  it('says when the cluster was read, in the user locale', async () => {
    await renderContent(api());
    const readAt = new Intl.DateTimeFormat(undefined, {
      dateStyle: 'medium',
      timeStyle: 'short',
    }).format(new Date(demo.readAt));
    expect(
      await screen.findByText(`cluster demo, read at ${readAt}`),
    ).toBeInTheDocument();
    expect(screen.queryByText(new RegExp(demo.readAt))).toBeNull();
  });

  it('says when a cluster has no diagnostics', async () => {
    await renderContent(
      api({
        getMeshConfig: async () => ({
          items: [{ ...demo, diagnostics: [] }],
          errors: [],
        }),
      }),
    );
    expect(
      await screen.findByText(/No diagnostics: nothing wrong was found/),
    ).toBeInTheDocument();
  });
});

describe('IstioMeshPage', () => {
  it('puts the mesh content under a Service Mesh header', async () => {
    await renderInTestApp(
      <TestApiProvider apis={[[istioApiRef, api()]]}>
        <IstioMeshPage />
      </TestApiProvider>,
    );
    expect(
      await screen.findByRole('heading', { name: 'Service Mesh' }),
    ).toBeInTheDocument();
    expect(await screen.findByText('Demo mesh')).toBeInTheDocument();
  });
});
