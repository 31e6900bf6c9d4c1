import type { ApiHolder } from '@backstage/core-plugin-api';
import { kubernetesAuthProvidersApiRef } from '@backstage/plugin-kubernetes-react';
import {
  KUBERNETES_AUTH_HEADER,
  KUBERNETES_AUTH_HEADER_MAX_LENGTH,
} from '@istio-backstage/plugin-istio-common';
import type {
  IstioSidecarApplyResult,
  IstioSidecarApplyStaleBody,
} from '@istio-backstage/plugin-istio-common';
import { IstioClient } from './IstioClient';
import { isStaleApplyError, StaleApplyError } from './StaleApplyError';

const applyResult = (digest: string): IstioSidecarApplyResult => ({
  cluster: 'demo',
  namespace: 'bookinfo',
  dryRun: true,
  changes: [],
  yaml: '',
  entityRef: 'component:default/productpage',
  digest,
});

const jsonError = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), {
    status,
    statusText: status === 409 ? 'Conflict' : 'Bad Request',
    headers: { 'Content-Type': 'application/json' },
  });

function clientRecording(response: Response) {
  const calls: Array<{ url: string; init?: RequestInit }> = [];
  const client = new IstioClient({
    discoveryApi: {
      getBaseUrl: async pluginId => `http://backstage.test/api/${pluginId}`,
    },
    fetchApi: {
      fetch: async (input: RequestInfo | URL, init?: RequestInit) => {
        calls.push({ url: String(input), init });
        return response;
      },
    },
  });
  return { client, calls };
}

describe('IstioClient', () => {
  it('asks for an entity sidecar memory with the ref escaped in the query', async () => {
    const { client, calls } = clientRecording(
      new Response(JSON.stringify({ entityRef: 'x', items: [], errors: [] })),
    );
    await client.getSidecarMemory({ entityRef: 'component:default/a&b' });
    expect(calls[0].url).toBe(
      'http://backstage.test/api/istio/sidecar-memory?entityRef=component%3Adefault%2Fa%26b',
    );
  });

  it('asks for the entity view in one request, with the ref escaped in the query', async () => {
    const view = {
      entityRef: 'component:default/a&b',
      clusters: { items: [], unusable: [] },
      sidecarMemory: { items: [], errors: [] },
      meshes: [],
      errors: [],
    };
    const { client, calls } = clientRecording(
      new Response(JSON.stringify(view)),
    );
    await expect(
      client.getEntityMesh({ entityRef: 'component:default/a&b' }),
    ).resolves.toEqual(view);
    expect(calls.map(c => c.url)).toEqual([
      'http://backstage.test/api/istio/entity?entityRef=component%3Adefault%2Fa%26b',
    ]);
  });

  it('posts an apply request as JSON and returns the result', async () => {
    const result = applyResult('digest-1');
    const { client, calls } = clientRecording(
      new Response(JSON.stringify(result)),
    );
    const request = {
      entityRef: 'component:default/productpage',
      cluster: 'demo',
      namespace: 'bookinfo',
      dryRun: true,
    };
    await expect(client.applySidecar(request)).resolves.toEqual(result);
    expect(calls[0].url).toBe('http://backstage.test/api/istio/sidecars');
    expect(calls[0].init?.method).toBe('POST');
    expect(JSON.parse(String(calls[0].init?.body))).toEqual(request);
  });

  it('sends the approved dry run digest with a real apply', async () => {
    const { client, calls } = clientRecording(
      new Response(
        JSON.stringify({ ...applyResult('digest-1'), dryRun: false }),
      ),
    );
    await client.applySidecar({
      entityRef: 'component:default/productpage',
      cluster: 'demo',
      namespace: 'bookinfo',
      dryRun: false,
      digest: 'digest-1',
    });
    expect(JSON.parse(String(calls[0].init?.body))).toMatchObject({
      dryRun: false,
      digest: 'digest-1',
    });
  });

  it('refuses a real apply without a digest before calling the backend', async () => {
    const { client, calls } = clientRecording(new Response('{}'));
    await expect(
      client.applySidecar({
        entityRef: 'component:default/productpage',
        cluster: 'demo',
        namespace: 'bookinfo',
        dryRun: false,
      }),
    ).rejects.toThrow(/digest/);
    expect(calls).toHaveLength(0);
  });

  it('turns a stale answer into a StaleApplyError carrying the new dry run', async () => {
    const body: IstioSidecarApplyStaleBody = {
      error: {
        name: 'ConflictError',
        message: 'What would be written changed since the dry run',
      },
      response: { statusCode: 409 },
      current: applyResult('digest-2'),
    };
    const { client } = clientRecording(jsonError(409, body));
    const error = await client
      .applySidecar({
        entityRef: 'component:default/productpage',
        cluster: 'demo',
        namespace: 'bookinfo',
        dryRun: false,
        digest: 'digest-1',
      })
      .catch(e => e);
    expect(error).toBeInstanceOf(StaleApplyError);
    expect(isStaleApplyError(error)).toBe(true);
    expect(error).toMatchObject({
      statusCode: 409,
      message: 'What would be written changed since the dry run',
      current: applyResult('digest-2'),
    });
  });

  it('keeps a conflict without a new dry run a ResponseError with the backend message', async () => {
    const { client } = clientRecording(
      jsonError(409, {
        error: {
          name: 'ConflictError',
          message: 'Sidecar productpage is managed by "helm"',
        },
        response: { statusCode: 409 },
      }),
    );
    const error = await client
      .applySidecar({
        entityRef: 'component:default/productpage',
        cluster: 'demo',
        namespace: 'bookinfo',
        dryRun: false,
        digest: 'digest-1',
      })
      .catch(e => e);
    expect(isStaleApplyError(error)).toBe(false);
    expect(error).toMatchObject({
      name: 'ResponseError',
      statusCode: 409,
      cause: {
        name: 'ConflictError',
        message: 'Sidecar productpage is managed by "helm"',
      },
    });
  });

  it('turns an error answer into a ResponseError carrying the backend message', async () => {
    const { client } = clientRecording(
      new Response(
        JSON.stringify({
          error: {
            name: 'NotAllowedError',
            message: 'Not allowed to apply Sidecars for component:default/x',
          },
          response: { statusCode: 403 },
        }),
        { status: 403, headers: { 'Content-Type': 'application/json' } },
      ),
    );
    await expect(
      client.applySidecar({
        entityRef: 'component:default/x',
        cluster: 'demo',
        namespace: 'bookinfo',
        dryRun: true,
      }),
    ).rejects.toMatchObject({
      name: 'ResponseError',
      statusCode: 403,
      cause: {
        name: 'NotAllowedError',
        message: 'Not allowed to apply Sidecars for component:default/x',
      },
    });
  });
});

type Cluster = {
  name: string;
  authProvider: string;
  oidcTokenProvider?: string;
};

function decodeAuthHeader(value: string | undefined): unknown {
  if (value === undefined) return undefined;
  const base64 = value.replace(/-/g, '+').replace(/_/g, '/');
  return JSON.parse(Buffer.from(base64, 'base64').toString('utf8'));
}

/**
 * A client against a fake backend with these clusters, and a fake Kubernetes auth
 * providers API giving `token-<provider>` (or what `getCredentials` does).
 */
function clientWithClusters(
  clusters: Cluster[],
  getCredentials: (
    provider: string,
  ) => Promise<{ token?: string }> = async p => ({
    token: `token-${p}`,
  }),
) {
  const calls: Array<{ url: string; headers: Headers }> = [];
  const credentials = jest.fn(getCredentials);
  const client = new IstioClient({
    discoveryApi: {
      getBaseUrl: async pluginId => `http://backstage.test/api/${pluginId}`,
    },
    fetchApi: {
      fetch: async (input: RequestInfo | URL, init?: RequestInit) => {
        const url = String(input);
        calls.push({ url, headers: new Headers(init?.headers) });
        const list = {
          items: clusters.map(c => ({
            ...c,
            links: {},
            prometheusConfigured: false,
          })),
          unusable: [],
        };
        let body: unknown = { items: [], errors: [], entityRef: 'x' };
        if (url.endsWith('/clusters')) body = list;
        if (url.includes('/entity?'))
          body = { entityRef: 'x', clusters: list, meshes: [], errors: [] };
        return new Response(JSON.stringify(body));
      },
    },
    apiHolder: {
      get: (ref: { id: string }) =>
        ref.id === kubernetesAuthProvidersApiRef.id
          ? { getCredentials: credentials }
          : undefined,
    } as ApiHolder,
  });
  const requests = () => calls.filter(c => !c.url.endsWith('/clusters'));
  const authOf = (i: number) =>
    decodeAuthHeader(
      requests()[i].headers.get(KUBERNETES_AUTH_HEADER) ?? undefined,
    );
  return { client, calls, requests, authOf, credentials };
}

const clusters: Cluster[] = [
  { name: 'gke', authProvider: 'google' },
  { name: 'azure', authProvider: 'aks' },
  { name: 'okta', authProvider: 'oidc', oidcTokenProvider: 'okta' },
  { name: 'eks', authProvider: 'aws' },
];

describe('IstioClient with clusters that use the user token', () => {
  it('sends the tokens of every client-side cluster with the sidecar memory request', async () => {
    const { client, authOf, credentials } = clientWithClusters(clusters);
    await client.getSidecarMemory({ entityRef: 'component:default/a' });
    expect(authOf(0)).toEqual({
      google: 'token-google',
      aks: 'token-aks',
      oidc: { okta: 'token-oidc.okta' },
    });
    // As the Kubernetes plugin does: `oidc.<oidcTokenProvider>` for OIDC.
    expect(credentials.mock.calls.map(c => c[0])).toEqual([
      'google',
      'aks',
      'oidc.okta',
    ]);
  });

  it('sends the tokens of every client-side cluster with the entity view', async () => {
    const { client, authOf, requests } = clientWithClusters(clusters);
    await client.getEntityMesh({ entityRef: 'component:default/a' });
    expect(requests().map(r => r.url)).toEqual([
      'http://backstage.test/api/istio/entity?entityRef=component%3Adefault%2Fa',
    ]);
    expect(authOf(0)).toEqual({
      google: 'token-google',
      aks: 'token-aks',
      oidc: { okta: 'token-oidc.okta' },
    });
  });

  it('keeps the cluster list the entity view carries: the next loads are one request each', async () => {
    const { client, calls } = clientWithClusters(clusters);
    await client.getEntityMesh({ entityRef: 'component:default/a' });
    calls.length = 0;
    await client.getEntityMesh({ entityRef: 'component:default/a' });
    await client.getClusters();
    expect(calls.map(c => c.url)).toEqual([
      'http://backstage.test/api/istio/entity?entityRef=component%3Adefault%2Fa',
    ]);
  });

  it.each([
    ['gke', { google: 'token-google' }, 'google'],
    ['azure', { aks: 'token-aks' }, 'aks'],
    ['okta', { oidc: { okta: 'token-oidc.okta' } }, 'oidc.okta'],
  ])(
    'asks only for the token of the cluster a mesh-config request names (%s)',
    async (cluster, auth, provider) => {
      const { client, authOf, credentials, requests } =
        clientWithClusters(clusters);
      await client.getMeshConfig({ cluster });
      expect(requests()[0].url).toBe(
        `http://backstage.test/api/istio/mesh-config?cluster=${cluster}`,
      );
      expect(authOf(0)).toEqual(auth);
      expect(credentials.mock.calls).toEqual([[provider]]);
    },
  );

  it('asks for the token of the cluster an apply concerns and keeps the JSON body', async () => {
    const { client, requests, authOf } = clientWithClusters(clusters);
    await client.applySidecar({
      entityRef: 'component:default/a',
      cluster: 'okta',
      namespace: 'bookinfo',
      dryRun: true,
    });
    expect(authOf(0)).toEqual({ oidc: { okta: 'token-oidc.okta' } });
    expect(requests()[0].headers.get('Content-Type')).toBe('application/json');
  });

  it('sends no header and asks for no token when all clusters are server-side', async () => {
    const { client, requests, credentials } = clientWithClusters([
      { name: 'eks', authProvider: 'aws' },
      { name: 'demo', authProvider: 'serviceAccount' },
    ]);
    await client.getMeshConfig();
    await client.getSidecarMemory({ entityRef: 'component:default/a' });
    expect(requests()).toHaveLength(2);
    for (const r of requests())
      expect(r.headers.has(KUBERNETES_AUTH_HEADER)).toBe(false);
    expect(credentials).not.toHaveBeenCalled();
  });

  it('sends no header for a server-side cluster named by a mesh-config request', async () => {
    const { client, requests, credentials } = clientWithClusters(clusters);
    await client.getMeshConfig({ cluster: 'eks' });
    expect(requests()[0].headers.has(KUBERNETES_AUTH_HEADER)).toBe(false);
    expect(credentials).not.toHaveBeenCalled();
  });

  it('still sends the request, with the tokens it has, when a provider throws', async () => {
    const { client, requests, authOf } = clientWithClusters(
      clusters,
      async provider => {
        if (provider === 'google') throw new Error('sign-in was rejected');
        return { token: `token-${provider}` };
      },
    );
    await client.getMeshConfig();
    expect(requests()).toHaveLength(1);
    expect(authOf(0)).toEqual({
      aks: 'token-aks',
      oidc: { okta: 'token-oidc.okta' },
    });
  });

  it('still sends the request, without the header, when every provider throws', async () => {
    const { client, requests } = clientWithClusters(clusters, async () => {
      throw new Error('sign-in was rejected');
    });
    await expect(
      client.getSidecarMemory({ entityRef: 'component:default/a' }),
    ).resolves.toBeDefined();
    expect(requests()).toHaveLength(1);
    expect(requests()[0].headers.has(KUBERNETES_AUTH_HEADER)).toBe(false);
  });

  it('leaves out a token that would make the header longer than the backend accepts', async () => {
    const { client, authOf } = clientWithClusters(clusters, async p => ({
      token:
        p === 'aks' ? 'x'.repeat(KUBERNETES_AUTH_HEADER_MAX_LENGTH) : `t-${p}`,
    }));
    await client.getMeshConfig();
    expect(authOf(0)).toEqual({
      google: 't-google',
      oidc: { okta: 't-oidc.okta' },
    });
  });

  it('still sends the request, without the header, when the cluster list cannot be read', async () => {
    const calls: Array<{ url: string; headers: Headers }> = [];
    const client = new IstioClient({
      discoveryApi: {
        getBaseUrl: async () => 'http://backstage.test/api/istio',
      },
      fetchApi: {
        fetch: async (input: RequestInfo | URL, init?: RequestInit) => {
          const url = String(input);
          calls.push({ url, headers: new Headers(init?.headers) });
          if (url.endsWith('/clusters'))
            return new Response('{}', { status: 503 });
          return new Response(JSON.stringify({ items: [], errors: [] }));
        },
      },
      kubernetesAuthProvidersApi: {
        getCredentials: jest.fn(async () => ({ token: 't' })),
        decorateRequestBodyForAuth: jest.fn(),
      },
    });
    await expect(client.getMeshConfig()).resolves.toEqual({
      items: [],
      errors: [],
    });
    expect(calls.map(c => c.url)).toEqual([
      'http://backstage.test/api/istio/clusters',
      'http://backstage.test/api/istio/mesh-config',
    ]);
    expect(calls[1].headers.has(KUBERNETES_AUTH_HEADER)).toBe(false);
  });

  it('reads the cluster list once for several requests', async () => {
    const { client, calls } = clientWithClusters(clusters);
    await Promise.all([client.getMeshConfig(), client.getClusters()]);
    await client.getSidecarMemory({ entityRef: 'component:default/a' });
    await client.getClusters();
    expect(calls.filter(c => c.url.endsWith('/clusters'))).toHaveLength(1);
  });

  it('sends the request without tokens when the app has no Kubernetes auth providers', async () => {
    const calls: string[] = [];
    const client = new IstioClient({
      discoveryApi: {
        getBaseUrl: async () => 'http://backstage.test/api/istio',
      },
      fetchApi: {
        fetch: async (input: RequestInfo | URL, init?: RequestInit) => {
          calls.push(String(input));
          expect(new Headers(init?.headers).has(KUBERNETES_AUTH_HEADER)).toBe(
            false,
          );
          return new Response(JSON.stringify({ items: [], errors: [] }));
        },
      },
      apiHolder: { get: () => undefined },
    });
    await client.getMeshConfig();
    // Without the providers no token can be had, so the cluster list is not even read.
    expect(calls).toEqual(['http://backstage.test/api/istio/mesh-config']);
  });

  it('binds an API holder without reading the cluster list again', async () => {
    const { client, calls } = clientWithClusters(clusters);
    await client.getClusters();
    const bound = client.withApiHolder({ get: () => undefined });
    expect(bound).not.toBe(client);
    await bound.getClusters();
    expect(calls).toHaveLength(1);
  });
});

describe('isStaleApplyError', () => {
  it('knows a stale-apply error by its name and new dry run, and nothing else', () => {
    const copy = Object.assign(new Error('changed'), {
      name: 'StaleApplyError',
      current: applyResult('digest-2'),
    });
    expect(isStaleApplyError(copy)).toBe(true);
    expect(
      isStaleApplyError(
        Object.assign(new Error('x'), { name: 'StaleApplyError' }),
      ),
    ).toBe(false);
    expect(isStaleApplyError(new Error('changed'))).toBe(false);
    expect(isStaleApplyError(undefined)).toBe(false);
  });
});
