import type { Entity } from '@backstage/catalog-model';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { screen } from '@testing-library/react';
import { Route, Routes } from 'react-router-dom';
import {
  EntityIstioCard,
  EntityIstioContent,
  IstioMeshPage,
  istioApiRef,
  IstioClient,
  istioPlugin,
  isIstioAvailable,
  type IstioApi,
} from './index';
import { kubernetesAuthProvidersApiRef } from '@backstage/plugin-kubernetes-react';
import { KUBERNETES_AUTH_HEADER } from '@istio-backstage/plugin-istio-common';

const website: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'website' },
};
const productpage: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'productpage',
    namespace: 'default',
    annotations: { 'backstage.io/kubernetes-id': 'productpage' },
  },
};

const api: Partial<IstioApi> = {
  getClusters: async () => ({ items: [], unusable: [] }),
  // What the entity views load, in one answer: here the mesh could not be read.
  getEntityMesh: async () => ({
    entityRef: 'component:default/productpage',
    clusters: await api.getClusters!(),
    sidecarMemory: await api.getSidecarMemory!({
      entityRef: 'component:default/productpage',
    }),
    meshes: [{ cluster: 'demo', links: {} }],
    errors: (await api.getMeshConfig!({ cluster: 'demo' })).errors,
  }),
  getMeshConfig: async () => ({
    items: [],
    errors: [
      {
        cluster: 'demo',
        source: 'kubernetes',
        errorType: 'Timeout',
        message: 'the cluster did not answer before the deadline',
      },
    ],
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
            proxyKind: 'sidecar',
            memoryNowBytes: 100 * 1024 * 1024,
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

describe('istio plugin for the legacy frontend system', () => {
  it('exports the plugin with its API, its page route and the availability check', () => {
    expect(istioPlugin.getId()).toBe('istio');
    expect([...istioPlugin.getApis()].map(f => f.api.id)).toEqual([
      'plugin.istio.service',
    ]);
    expect(istioPlugin.routes.root).toBeDefined();
    expect(isIstioAvailable(website)).toBe(false);
  });

  it('mounts EntityIstioContent as a component extension in a legacy app', async () => {
    await renderInTestApp(
      <TestApiProvider apis={[[istioApiRef, { getClusters: jest.fn() }]]}>
        <EntityProvider entity={website}>
          <EntityIstioContent />
        </EntityProvider>
      </TestApiProvider>,
    );
    expect(await screen.findByText(/Missing Annotation/i)).toBeInTheDocument();
  });

  it('mounts EntityIstioCard as a component extension in a legacy app', async () => {
    await renderInTestApp(
      <TestApiProvider apis={[[istioApiRef, api]]}>
        <EntityProvider entity={productpage}>
          <EntityIstioCard />
        </EntityProvider>
      </TestApiProvider>,
    );
    expect(
      await screen.findByText(
        '1 of 1 pod in the mesh: 1 sidecar — cluster demo',
      ),
    ).toBeInTheDocument();
    expect(screen.getByText('100 MiB (1 pod)')).toBeInTheDocument();
  });

  it('mounts IstioMeshPage as a routable extension on its root route', async () => {
    await renderInTestApp(
      <TestApiProvider apis={[[istioApiRef, api]]}>
        <Routes>
          <Route path="/istio" element={<IstioMeshPage />} />
        </Routes>
      </TestApiProvider>,
      { routeEntries: ['/istio'] },
    );
    expect(
      await screen.findByRole('heading', { name: 'Service Mesh' }),
    ).toBeInTheDocument();
    expect(
      await screen.findByText(/Cluster demo could not be read/),
    ).toBeInTheDocument();
  });

  it("sends the user's token from the app's Kubernetes auth providers with the real client", async () => {
    const sent: Array<string | null> = [];
    const client = new IstioClient({
      discoveryApi: {
        getBaseUrl: async () => 'http://backstage.test/api/istio',
      },
      fetchApi: {
        fetch: async (input: RequestInfo | URL, init?: RequestInit) => {
          if (String(input).endsWith('/clusters'))
            return new Response(
              JSON.stringify({
                items: [
                  {
                    name: 'demo',
                    links: {},
                    prometheusConfigured: false,
                    authProvider: 'oidc',
                    oidcTokenProvider: 'okta',
                  },
                ],
                unusable: [],
              }),
            );
          sent.push(new Headers(init?.headers).get(KUBERNETES_AUTH_HEADER));
          return new Response(JSON.stringify(await api.getMeshConfig!()));
        },
      },
    });
    const getCredentials = jest.fn(async () => ({ token: 'okta-token' }));
    await renderInTestApp(
      <TestApiProvider
        apis={[
          [istioApiRef, client],
          [
            kubernetesAuthProvidersApiRef,
            { getCredentials, decorateRequestBodyForAuth: jest.fn() },
          ],
        ]}
      >
        <Routes>
          <Route path="/istio" element={<IstioMeshPage />} />
        </Routes>
      </TestApiProvider>,
      { routeEntries: ['/istio'] },
    );
    expect(
      await screen.findByText(/Cluster demo could not be read/),
    ).toBeInTheDocument();
    expect(getCredentials).toHaveBeenCalledWith('oidc.okta');
    expect(
      JSON.parse(Buffer.from(sent[0]!, 'base64url').toString('utf8')),
    ).toEqual({ oidc: { okta: 'okta-token' } });
  });
});
