import { NotFoundError } from '@backstage/errors';
import net from 'node:net';
import {
  loadScenario,
  startDemoCluster,
  type DemoCluster,
} from '@istio-backstage/demo-cluster';
import type { IstioClusterConfig } from '../clusters';
import { ClusterAccess } from './ClusterAccess';
import { toSourceError } from './errors';

let demo: DemoCluster;

function clusterConfig(
  name: string,
  overrides: Partial<IstioClusterConfig> = {},
): IstioClusterConfig {
  return {
    name,
    url: demo.url,
    skipTLSVerify: false,
    caData: Buffer.from(demo.caPem).toString('base64'),
    auth: {
      provider: 'serviceAccount',
      metadata: {
        'kubernetes.io/auth-provider': 'serviceAccount',
        serviceAccountToken: 'demo-reader-token',
      },
    },
    locator: 'config',
    source: 'test',
    grafanaDashboards: {},
    ...overrides,
  };
}

beforeAll(async () => {
  demo = await startDemoCluster({
    scenario: loadScenario('no-cni'),
    port: 0,
    metricsPort: 0,
  });
});
afterAll(() => demo?.stop());
afterEach(() => demo.setFaults([]));

const listPods = (access: ClusterAccess, name: string) =>
  access
    .get(name)
    .read(apis => apis.core.listNamespacedPod({ namespace: 'istio-demo' }));

describe('ClusterAccess', () => {
  it('reads a cluster over verified TLS with the configured token', async () => {
    const access = new ClusterAccess([clusterConfig('demo')]);
    const pods = await listPods(access, 'demo');
    expect(pods.items).toHaveLength(6);
  });

  it('chooses clusters only by configured name', () => {
    const access = new ClusterAccess([clusterConfig('demo')]);
    expect(() => access.get('https://evil.example.com')).toThrow(NotFoundError);
    expect(() => access.get('other')).toThrow(
      "No cluster named 'other' is configured",
    );
  });

  it('retries a read answered 429 and succeeds once the server recovers', async () => {
    const access = new ClusterAccess([clusterConfig('demo')], {
      maxRetryDelayMs: 300,
      readRetries: 3,
    });
    demo.setFaults([{ tooManyRequests: 1 }]);
    setTimeout(() => demo.setFaults([]), 400);
    const pods = await listPods(access, 'demo');
    expect(pods.items).toHaveLength(6);
  });

  it('retries a read whose connection closed under it (a kept-alive connection the server dropped)', async () => {
    // A loopback proxy that drops the first connection, then forwards to the cluster.
    let connections = 0;
    const target = new URL(demo.url);
    const proxy = net.createServer(client => {
      if (++connections === 1) {
        client.destroy();
        return;
      }
      const upstream = net.connect(Number(target.port), target.hostname);
      client.pipe(upstream).pipe(client);
      client.on('error', () => upstream.destroy());
      upstream.on('error', () => client.destroy());
    });
    await new Promise<void>(resolve => proxy.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = proxy.address() as net.AddressInfo;
      const access = new ClusterAccess([
        clusterConfig('demo', { url: `https://127.0.0.1:${port}` }),
      ]);
      const pods = await listPods(access, 'demo');
      expect(pods.items).toHaveLength(6);
      expect(connections).toBe(2);
    } finally {
      proxy.close();
    }
  });

  it('gives up after the bounded retries with a sanitized RateLimited error', async () => {
    const access = new ClusterAccess([clusterConfig('demo')], {
      maxRetryDelayMs: 50,
      readRetries: 2,
    });
    demo.setFaults([{ tooManyRequests: 1 }]);
    const error = await listPods(access, 'demo').catch(e => e);
    expect(toSourceError('kubernetes:pods', error)).toEqual({
      source: 'kubernetes:pods',
      errorType: 'RateLimited',
      message: 'rate limited by the server (429)',
    });
  });

  it('times out a hanging cluster', async () => {
    const access = new ClusterAccess([clusterConfig('demo')], {
      timeoutMs: 300,
    });
    demo.setFaults([{ hang: true }]);
    const error = await listPods(access, 'demo').catch(e => e);
    expect(toSourceError('kubernetes', error).errorType).toBe('Timeout');
  });

  it.each([
    [
      'an unknown token',
      {
        auth: {
          provider: 'serviceAccount' as const,
          metadata: {
            'kubernetes.io/auth-provider': 'serviceAccount',
            serviceAccountToken: 'wrong-token',
          },
        },
      },
      'Unauthorized',
    ],
    ['a CA that does not match', { caData: undefined }, 'TlsError'],
    [
      'a host name that does not resolve',
      { url: 'https://cluster.does-not-exist.invalid:6443' },
      'Unreachable',
    ],
  ])(
    'reports %s as %s without leaking the upstream answer',
    async (_case, overrides, errorType) => {
      const access = new ClusterAccess([clusterConfig('demo', overrides)]);
      const error = await listPods(access, 'demo').catch(e => e);
      const sanitized = toSourceError('kubernetes', error);
      expect(sanitized.errorType).toBe(errorType);
      expect(JSON.stringify(sanitized)).not.toMatch(
        /wrong-token|Status|Bearer/,
      );
    },
  );

  it('fans out: a hanging cluster times out at the deadline while the healthy one answers', async () => {
    demo.setFaults([
      { hang: true, pathPattern: '^/api/v1/namespaces/istio-system/' },
    ]);
    const access = new ClusterAccess(
      [clusterConfig('healthy'), clusterConfig('hanging')],
      { timeoutMs: 5000, fanOutDeadlineMs: 500 },
    );
    const started = Date.now();
    const results = await access.fanOut(['healthy', 'hanging'], client =>
      client.read(apis =>
        apis.core.listNamespacedPod({
          namespace:
            client.cluster.name === 'healthy' ? 'istio-demo' : 'istio-system',
        }),
      ),
    );
    expect(Date.now() - started).toBeLessThan(2000);
    expect(results[0]).toMatchObject({ cluster: 'healthy', ok: true });
    expect(results[1]).toMatchObject({
      cluster: 'hanging',
      ok: false,
      error: { errorType: 'Timeout' },
    });
  });
});
