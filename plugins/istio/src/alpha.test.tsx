import {
  createExtensionTester,
  renderInTestApp,
  renderTestApp,
} from '@backstage/frontend-test-utils';
import {
  coreExtensionData,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/frontend-plugin-api';
import { kubernetesAuthProvidersApiRef } from '@backstage/plugin-kubernetes-react';
import {
  EntityCardBlueprint,
  EntityContentBlueprint,
} from '@backstage/plugin-catalog-react/alpha';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import type { Entity } from '@backstage/catalog-model';
import {
  KUBERNETES_AUTH_HEADER,
  type IstioMeshConfig,
} from '@istio-backstage/plugin-istio-common';
import { screen, within } from '@testing-library/react';
import istioPlugin, {
  istioEntityCard,
  istioEntityContent,
  istioMeshPage,
} from './alpha';
import { istioApiRef, type IstioApi } from './api';

const annotated: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'productpage',
    namespace: 'default',
    annotations: { 'backstage.io/kubernetes-id': 'productpage' },
  },
};
const bare: Entity = { ...annotated, metadata: { name: 'website' } };

const mesh: IstioMeshConfig = {
  cluster: 'demo',
  title: 'Demo mesh',
  readAt: '2026-01-10T10:00:00.000Z',
  kubernetesVersion: 'v1.33.2',
  istioInstalled: 'yes',
  controlPlanes: [
    {
      revision: 'default',
      namespace: 'istio-system',
      version: '1.27.3',
      installMethod: 'helm',
      support: { verdict: 'supported', reasons: [] },
    },
  ],
  dataPlane: {
    sidecarNamespaces: ['istio-demo'],
    ambientNamespaces: [],
    nativeSidecars: 'no',
    proxyVersions: { '1.27.3': 6 },
  },
  cni: { installed: 'yes' },
  tracing: { enabled: 'no', configuredIn: 'none' },
  gateways: [],
  prometheus: {
    merge: 'yes',
    configured: false,
    envoySeries: 'unknown',
    istiodSeries: 'unknown',
  },
  kiali: { installed: 'no', externalServices: [] },
  meshSize: { namespaces: 3 },
  diagnostics: [],
  errors: [],
};

const api: Partial<IstioApi> = {
  getClusters: async () => ({ items: [], unusable: [] }),
  getMeshConfig: async () => ({ items: [mesh], errors: [] }),
  // What the entity views load, in one answer.
  getEntityMesh: async () => ({
    entityRef: 'component:default/productpage',
    clusters: await api.getClusters!(),
    sidecarMemory: await api.getSidecarMemory!({
      entityRef: 'component:default/productpage',
    }),
    meshes: [{ cluster: 'demo', links: {}, mesh }],
    errors: [],
  }),
  getSidecarMemory: async () => ({
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
            proxyKind: 'ambient',
          },
        ],
        sidecarsInForce: [],
        warnings: [],
        errors: [],
      },
    ],
    errors: [],
  }),
};

describe('istio plugin for the new frontend system', () => {
  it('is the istio plugin with the mesh page as its root route', () => {
    expect(istioPlugin.id).toBe('istio');
    expect(istioPlugin.routes.root).toBeDefined();
  });

  it('mounts the Service Mesh tab at /istio, only for entities with Kubernetes annotations', () => {
    const tester = createExtensionTester(istioEntityContent);
    expect(tester.get(coreExtensionData.routePath)).toBe('/istio');
    expect(tester.get(EntityContentBlueprint.dataRefs.title)).toBe(
      'Service Mesh',
    );
    const filter = tester.get(EntityContentBlueprint.dataRefs.filterFunction);
    expect(filter?.(annotated)).toBe(true);
    expect(filter?.(bare)).toBe(false);
  });

  it('adds the overview card as an info card, only for entities with Kubernetes annotations', async () => {
    const tester = createExtensionTester(istioEntityCard);
    expect(tester.get(EntityCardBlueprint.dataRefs.type)).toBe('info');
    const filter = tester.get(EntityCardBlueprint.dataRefs.filterFunction);
    expect(filter?.(annotated)).toBe(true);
    expect(filter?.(bare)).toBe(false);

    await renderInTestApp(
      <EntityProvider entity={annotated}>
        {tester.reactElement()}
      </EntityProvider>,
      { apis: [[istioApiRef, api]] },
    );
    expect(
      await screen.findByText(
        '1 of 1 pod in the mesh: 1 ambient — cluster demo',
      ),
    ).toBeInTheDocument();
  });

  it('provides the mesh page at /istio with a route ref, under the app page header', async () => {
    const tester = createExtensionTester(istioMeshPage);
    expect(tester.get(coreExtensionData.routePath)).toBe('/istio');
    expect(tester.get(coreExtensionData.routeRef)).toBe(
      istioPlugin.routes.root,
    );
    expect(tester.get(coreExtensionData.title)).toBe('Service Mesh');

    await renderInTestApp(tester.reactElement(), {
      apis: [[istioApiRef, api]],
    });
    expect(await screen.findByText('Demo mesh')).toBeInTheDocument();
    expect(
      screen.getByText('Istio 1.27.3 on Kubernetes v1.33.2: supported'),
    ).toBeInTheDocument();
    // The header comes from the app's page layout; the content adds none of its own.
    expect(
      screen.getAllByRole('heading', { name: 'Service Mesh' }),
    ).toHaveLength(1);
  });

  it('puts the mesh page in the sidebar of an app', async () => {
    await renderTestApp({
      features: [istioPlugin],
      apis: [[istioApiRef, api]],
      initialRouteEntries: ['/istio'],
    });
    expect(await screen.findByText('Demo mesh')).toBeInTheDocument();
    const sidebar = screen.getByRole('navigation', { name: 'sidebar nav' });
    expect(
      within(sidebar).getByRole('link', { name: 'Service Mesh' }),
    ).toHaveAttribute('href', '/istio');
  });

  describe('with the real Istio client', () => {
    /** A backend with one google cluster: what each request carried. */
    function fakeBackend() {
      const headers: Record<string, string | null> = {};
      const fetchApi = {
        fetch: async (input: RequestInfo | URL, init?: RequestInit) => {
          const url = String(input);
          const path = new URL(url).pathname.replace('/api/istio', '');
          headers[path] = new Headers(init?.headers).get(
            KUBERNETES_AUTH_HEADER,
          );
          const body =
            path === '/clusters'
              ? {
                  items: [
                    {
                      name: 'demo',
                      links: {},
                      prometheusConfigured: false,
                      authProvider: 'google',
                    },
                  ],
                  unusable: [],
                }
              : { items: [mesh], errors: [] };
          return new Response(JSON.stringify(body));
        },
      };
      const discoveryApi = {
        getBaseUrl: async (id: string) => `http://backstage.test/api/${id}`,
      };
      return { headers, fetchApi, discoveryApi };
    }

    it("sends the user's token from the Kubernetes auth providers of the app", async () => {
      const backend = fakeBackend();
      const getCredentials = jest.fn(async () => ({ token: 'google-token' }));
      await renderTestApp({
        features: [istioPlugin],
        apis: [
          [fetchApiRef, backend.fetchApi],
          [discoveryApiRef, backend.discoveryApi],
          [
            kubernetesAuthProvidersApiRef,
            { getCredentials, decorateRequestBodyForAuth: jest.fn() },
          ],
        ],
        initialRouteEntries: ['/istio'],
      });
      expect(await screen.findByText('Demo mesh')).toBeInTheDocument();
      expect(getCredentials).toHaveBeenCalledWith('google');
      const sent = backend.headers['/mesh-config'];
      expect(
        JSON.parse(Buffer.from(sent!, 'base64url').toString('utf8')),
      ).toEqual({ google: 'google-token' });
    });

    it('works in an app without the Kubernetes plugin, sending no token', async () => {
      const backend = fakeBackend();
      await renderTestApp({
        features: [istioPlugin],
        apis: [
          [fetchApiRef, backend.fetchApi],
          [discoveryApiRef, backend.discoveryApi],
        ],
        initialRouteEntries: ['/istio'],
      });
      expect(await screen.findByText('Demo mesh')).toBeInTheDocument();
      expect(backend.headers['/mesh-config']).toBeNull();
    });
  });
});
