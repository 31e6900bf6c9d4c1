// The short-lived answer cache of GET /sidecar-memory against the demo cluster: a
// repeat costs no cluster call, an apply anywhere makes the next answer fresh, and an
// answer with a failed source is not reused.
import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import {
  loadScenario,
  startDemoCluster,
  type DemoCluster,
} from '@istio-backstage/demo-cluster';
import request from 'supertest';
import { bookinfoEntities } from '../../__testUtils__/bookinfoEntities';
import { startIstioBackend } from '../../__testUtils__/startIstioBackend';

jest.setTimeout(60_000);

let demo: DemoCluster;
beforeEach(async () => {
  demo = await startDemoCluster({
    scenario: { ...loadScenario('default'), memoryConvergenceSeconds: 0 },
    port: 0,
    metricsPort: 0,
  });
});
afterEach(() => demo?.stop());

const backend = (istioConfig: Record<string, unknown> = {}) =>
  startIstioBackend(
    [{ name: 'demo', demo, token: 'demo-writer-token' }],
    [],
    bookinfoEntities,
    { apply: { settleSeconds: 0 }, ...istioConfig },
  );

const memoryOf = (server: Awaited<ReturnType<typeof backend>>) =>
  request(server)
    .get('/api/istio/sidecar-memory?entityRef=component:default/productpage')
    .set('Authorization', mockCredentials.user.header());

describe('sidecar-memory answer cache', () => {
  it('answers a repeat without any cluster call, and a fresh answer after an apply', async () => {
    const server = await backend();
    const first = await memoryOf(server);
    expect(first.status).toBe(200);
    const before = demo.requestCount();
    const again = await memoryOf(server);
    expect(again.body).toEqual(first.body);
    expect(demo.requestCount()).toBe(before);

    // A real apply sends back the digest of the dry run it follows.
    const apply = (fields: { dryRun: boolean; digest?: string }) =>
      request(server)
        .post('/api/istio/sidecars')
        .set('Authorization', mockCredentials.user.header())
        .send({
          entityRef: 'component:default/productpage',
          cluster: 'demo',
          namespace: 'istio-demo',
          ...fields,
        });
    const dry = await apply({ dryRun: true });
    expect(dry.status).toBe(200);
    const applied = await apply({ dryRun: false, digest: dry.body.digest });
    expect(applied.status).toBe(200);
    const after = await memoryOf(server);
    expect(after.body.items[0].measured).toMatchObject({
      appliedBy: 'user:default/mock',
    });
    expect(demo.requestCount()).toBeGreaterThan(before);
  });

  it('does not reuse an answer with a failed source', async () => {
    const server = await backend();
    demo.setFaults([{ pathPattern: '/apis/metrics.k8s.io/', status: 503 }]);
    const first = await memoryOf(server);
    expect(first.body.items[0].errors).toEqual([
      expect.objectContaining({ errorType: 'Unavailable' }),
    ]);
    demo.setFaults([]);
    const before = demo.requestCount();
    const again = await memoryOf(server);
    expect(demo.requestCount()).toBeGreaterThan(before);
    expect(again.body.items[0].errors).toEqual([]);
  });

  it("keeps answers in the process, not in the cache service's memory store (which keeps expired keys)", async () => {
    const cache = mockServices.cache.mock();
    const server = await startIstioBackend(
      [{ name: 'demo', demo, token: 'demo-writer-token' }],
      [cache.factory],
    );
    const first = await memoryOf(server);
    expect(first.status).toBe(200);
    const before = demo.requestCount();
    expect((await memoryOf(server)).body).toEqual(first.body);
    expect(demo.requestCount()).toBe(before);
    const keys = cache.set.mock.calls.map(([key]) => key);
    expect(keys.some(key => key.startsWith('sidecar-memory:'))).toBe(false);
  });

  it('can be turned off', async () => {
    const server = await backend({ sidecarMemory: { cacheSeconds: 0 } });
    await memoryOf(server);
    const before = demo.requestCount();
    await memoryOf(server);
    expect(demo.requestCount()).toBeGreaterThan(before);
  });
});
