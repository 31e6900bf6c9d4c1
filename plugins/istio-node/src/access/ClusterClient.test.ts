import net from 'node:net';
import {
  loadScenario,
  startDemoCluster,
  type DemoCluster,
} from '@istio-backstage/demo-cluster';
import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { ClusterClient, DEFAULT_CLUSTER_CLIENT_OPTIONS } from './ClusterClient';
import { createClusterCredentialSource } from './clusterCredentials';
import { toSourceError } from './errors';

let demo: DemoCluster;
/** A loopback TCP hop in front of the demo cluster that counts the connections made. */
let hop: { url: string; connections: () => number; close: () => void };

beforeAll(async () => {
  demo = await startDemoCluster({
    scenario: loadScenario('default'),
    port: 0,
    metricsPort: 0,
  });
  const target = new URL(demo.url);
  let connections = 0;
  const sockets = new Set<net.Socket>();
  const server = net.createServer(incoming => {
    connections++;
    const upstream = net.connect(Number(target.port), target.hostname);
    for (const socket of [incoming, upstream]) {
      sockets.add(socket);
      socket.on('error', () => socket.destroy());
      socket.on('close', () => {
        incoming.destroy();
        upstream.destroy();
      });
    }
    incoming.pipe(upstream).pipe(incoming);
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  hop = {
    url: `https://127.0.0.1:${port}`,
    connections: () => connections,
    close: () => {
      for (const socket of sockets) socket.destroy();
      server.close();
    },
  };
});
afterAll(() => {
  hop?.close();
  return demo?.stop();
});
afterEach(() => demo.setFaults([]));

function client(url = demo.url, token = 'demo-reader-token') {
  return new ClusterClient(
    {
      name: 'demo',
      url,
      skipTLSVerify: false,
      caData: Buffer.from(demo.caPem).toString('base64'),
      auth: {
        provider: 'serviceAccount',
        metadata: {
          'kubernetes.io/auth-provider': 'serviceAccount',
          serviceAccountToken: token,
        },
      },
      locator: 'config',
      source: 'test',
      grafanaDashboards: {},
    },
    { ...DEFAULT_CLUSTER_CLIENT_OPTIONS, timeoutMs: 1000 },
    createClusterCredentialSource({
      config: new ConfigReader({}),
      logger: mockServices.logger.mock(),
    }),
  );
}

describe('ClusterClient', () => {
  it('reuses its connections: many reads, typed or plain JSON, over a few TLS connections', async () => {
    const cluster = client(hop.url);
    const before = hop.connections();
    for (let i = 0; i < 5; i++) {
      await Promise.all([
        cluster.read(apis => apis.core.listNamespace()),
        cluster.read(apis =>
          apis.core.listNamespacedPod({ namespace: 'bookinfo' }),
        ),
        cluster.read(apis => apis.getJson('/api/v1/namespaces')),
      ]);
    }
    // 15 reads; at most one connection per read running at once (3 here).
    expect(hop.connections() - before).toBeLessThanOrEqual(3);
  });

  it('reads a path as the server sent it, with query parameters', async () => {
    const pods = await client().read(apis =>
      apis.getJson<{
        items: Array<{ metadata: { creationTimestamp?: unknown } }>;
        metadata: { continue?: string };
      }>('/api/v1/pods', { limit: 2, continue: undefined }),
    );
    expect(pods.items).toHaveLength(2);
    expect(pods.metadata.continue).toEqual(expect.any(String));
    // Wire JSON: timestamps stay strings (client-node's models make Dates).
    expect(typeof pods.items[0].metadata.creationTimestamp).toBe('string');
  });

  it('reports a refusal like client-node does: the status, never the body', async () => {
    demo.setFaults([{ status: 403, message: 'secret detail from the server' }]);
    const error = await client()
      .read(apis => apis.getJson('/api/v1/pods'))
      .catch(e => e);
    expect((error as { code?: number }).code).toBe(403);
    expect(toSourceError('kubernetes:pods', error)).toEqual({
      source: 'kubernetes:pods',
      errorType: 'Forbidden',
      message: 'the configured credentials may not read this (403)',
    });
  });

  it('retries a read answered 503, then succeeds', async () => {
    const before = demo.requestCount();
    demo.setFaults([{ errorRate: 1 }]);
    const reading = client().read(apis => apis.getJson('/api/v1/namespaces'));
    setTimeout(() => demo.setFaults([]), 100);
    await expect(reading).resolves.toEqual(
      expect.objectContaining({ items: expect.any(Array) }),
    );
    expect(demo.requestCount() - before).toBeGreaterThan(1);
  });

  it('knows for a minute that the cluster pushed back (429/503); other failures do not count', async () => {
    const cluster = client();
    expect(cluster.pushingBack()).toBe(false);
    demo.setFaults([{ status: 403 }]);
    await cluster.read(apis => apis.getJson('/api/v1/pods')).catch(() => {});
    expect(cluster.pushingBack()).toBe(false);

    demo.setFaults([{ tooManyRequests: 0 }]);
    await cluster.read(apis => apis.getJson('/api/v1/pods')).catch(() => {});
    expect(cluster.pushingBack()).toBe(true);
    expect(cluster.pushingBack(0)).toBe(false);
  });

  it('times out a read that gets no answer', async () => {
    demo.setFaults([{ hang: true }]);
    const started = Date.now();
    const error = await client()
      .read(apis => apis.getJson('/api/v1/pods'))
      .catch(e => e);
    expect(toSourceError('kubernetes:pods', error).errorType).toBe('Timeout');
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('sends no read that waited for a slot while the cluster stopped answering', async () => {
    demo.setFaults([{ hang: true }]);
    const cluster = client();
    const before = demo.requestCount();
    // Twice the concurrency: the second half waits until the first half times out.
    const reads = Array.from(
      { length: 2 * DEFAULT_CLUSTER_CLIENT_OPTIONS.concurrency },
      () => cluster.read(apis => apis.getJson('/api/v1/pods')).catch(e => e),
    );
    const errors = await Promise.all(reads);
    expect(demo.requestCount() - before).toBe(
      DEFAULT_CLUSTER_CLIENT_OPTIONS.concurrency,
    );
    expect(
      errors.filter(
        e => toSourceError('kubernetes:pods', e).errorType === 'Timeout',
      ),
    ).toHaveLength(reads.length);
  });

  it('sends the configured token: a wrong one is refused with 401', async () => {
    const error = await client(demo.url, 'not-a-token')
      .read(apis => apis.getJson('/api/v1/pods'))
      .catch(e => e);
    expect(toSourceError('kubernetes:pods', error).errorType).toBe(
      'Unauthorized',
    );
  });
});
