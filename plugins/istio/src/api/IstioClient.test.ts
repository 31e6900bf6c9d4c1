import { IstioClient } from './IstioClient';

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

  it('posts an apply request as JSON and returns the result', async () => {
    const result = {
      cluster: 'demo',
      namespace: 'bookinfo',
      dryRun: true,
      changes: [],
      yaml: '',
    };
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
