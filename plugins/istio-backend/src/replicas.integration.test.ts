// Two backend replicas behind a load balancer, sharing PostgreSQL and Redis as adopters
// run them, against the demo cluster: what one writes or caches the other serves, and
// the background refresh of each cluster runs once per period in total, not once per
// replica — taken over by the other replica when one stops in the middle of a run.
import { cacheServiceFactory } from '@backstage/backend-defaults/cache';
import { databaseServiceFactory } from '@backstage/backend-defaults/database';
import { schedulerServiceFactory } from '@backstage/backend-defaults/scheduler';
import { mockCredentials } from '@backstage/backend-test-utils';
import {
  loadScenario,
  startDemoCluster,
  type DemoCluster,
} from '@istio-backstage/demo-cluster';
import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { approvedApply } from './__testUtils__/approvedApply';
import { bookinfoEntities } from './__testUtils__/bookinfoEntities';
import { startIstioTestBackend } from './__testUtils__/startIstioBackend';

jest.setTimeout(120_000);

/** The throwaway PostgreSQL that `npm test` starts (the variable TestDatabases reads). */
const postgresUrl = Object.entries(process.env).find(([name]) =>
  /^BACKSTAGE_TEST_DATABASE_POSTGRES\d+_CONNECTION_STRING$/.test(name),
)?.[1];
/** The throwaway Redis that `npm test` starts. */
const redisUrl = process.env.ISTIO_TEST_REDIS_URL;
// In CI both stores must be there: a missing one fails rather than skips.
const describeWithStores =
  (postgresUrl && redisUrl) || process.env.CI ? describe : describe.skip;

const ISTIOD = '/apis/apps/v1/deployments';

let demo: DemoCluster;
let replicas: Array<Awaited<ReturnType<typeof startIstioTestBackend>>> = [];
let stores: Record<string, unknown>;

beforeEach(async () => {
  if (!postgresUrl || !redisUrl)
    throw new Error(
      'The replica tests need PostgreSQL and Redis: npm test starts both (BACKSTAGE_TEST_DATABASE_POSTGRES<major>_CONNECTION_STRING, ISTIO_TEST_REDIS_URL)',
    );
  demo = await startDemoCluster({
    scenario: { ...loadScenario('default'), memoryConvergenceSeconds: 0 },
    port: 0,
    metricsPort: 0,
  });
  // Each test has its own database and cache namespace, shared by its replicas.
  const run = randomBytes(4).toString('hex');
  stores = {
    backend: {
      database: {
        client: 'pg',
        connection: postgresUrl,
        prefix: `istio_replicas_${run}_`,
      },
      cache: {
        store: 'redis',
        connection: redisUrl,
        redis: { client: { namespace: `replicas-${run}` } },
      },
    },
  };
});
afterEach(async () => {
  await Promise.allSettled(replicas.map(r => r.stop()));
  replicas = [];
  await demo?.stop();
});

/** Starts one more replica on the shared stores. */
async function replica(istioConfig: Record<string, unknown> = {}) {
  const backend = await startIstioTestBackend(
    [{ name: 'demo', demo, token: 'demo-writer-token' }],
    [databaseServiceFactory, cacheServiceFactory, schedulerServiceFactory],
    bookinfoEntities,
    { apply: { settleSeconds: 0 }, ...istioConfig },
    stores,
  );
  replicas.push(backend);
  return backend;
}
type Replica = Awaited<ReturnType<typeof replica>>;

const asUser = (req: request.Test) =>
  req.set('Authorization', mockCredentials.user.header());
const productpageMemory = (r: Replica) =>
  asUser(
    request(r.server).get(
      '/api/istio/sidecar-memory?entityRef=component:default/productpage',
    ),
  );

/** How many reads of istiod's Deployments the cluster received while `run` ran. */
async function istiodReadsDuring(run: () => Promise<unknown>) {
  const before = demo.recentPaths().length;
  await run();
  return demo
    .recentPaths()
    .slice(before)
    .filter(path => path === ISTIOD).length;
}

const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms));

/** Polls until `check` holds; fails after `timeoutMs`. */
async function eventually(
  check: () => boolean,
  what: string,
  timeoutMs = 20_000,
) {
  const deadline = Date.now() + timeoutMs;
  while (!check() && Date.now() < deadline) await sleep(50);
  expect({ [what]: check() }).toEqual({ [what]: true });
}

describeWithStores('two replicas on PostgreSQL and Redis', () => {
  it('serve through one the measured saving of an apply made through the other', async () => {
    const [a, b] = [await replica(), await replica()];
    // b answers first, so it holds reads and answers made before the apply.
    const before = await productpageMemory(b);
    expect(before.status).toBe(200);
    expect(before.body.items[0].measured).toBeUndefined();

    const applied = await approvedApply(a.server, {
      entityRef: 'component:default/productpage',
      cluster: 'demo',
      namespace: 'istio-demo',
    });
    expect(applied.status).toBe(200);

    const after = await productpageMemory(b);
    expect(after.status).toBe(200);
    const measured = after.body.items[0].measured;
    expect(measured?.beforeBytes).toBeGreaterThan(0);
    expect(measured?.afterBytes).toBeGreaterThan(0);
    expect(after.body.items[0].sidecarsInForce.map((s: any) => s.name)).toEqual(
      expect.arrayContaining(
        applied.body.objects?.map((o: any) => o.metadata?.name) ?? [],
      ),
    );
  });

  it('serve through one an answer the other cached, without reading the cluster', async () => {
    const [a, b] = [await replica(), await replica()];
    const first = await productpageMemory(a);
    expect(first.status).toBe(200);
    const requestsBefore = demo.requestCount();
    const second = await productpageMemory(b);
    expect(second.status).toBe(200);
    expect(second.body).toEqual(first.body);
    expect(demo.requestCount()).toBe(requestsBefore);
  });

  it('refresh the control planes once per period in total, not once per replica', async () => {
    const refreshing = {
      keepMeshEssentials: true,
      meshEssentialsRefreshSeconds: 2,
    };
    await replica(refreshing);
    await replica(refreshing);
    // Both replicas have scheduled the refresh; count over five periods.
    await sleep(2_000);
    const reads = await istiodReadsDuring(() => sleep(10_000));
    expect(reads).toBeGreaterThanOrEqual(2);
    // One replica alone: at most one run per period (plus one on the edge); each
    // replica running its own would make about ten.
    expect(reads).toBeLessThanOrEqual(6);
  });

  it('leave the next refresh to the other replica when one stops in the middle of a run', async () => {
    const refreshing = {
      keepMeshEssentials: true,
      meshEssentialsRefreshSeconds: 2,
    };
    // istiod's Deployments answer slowly, so a run is under way when a stops.
    demo.setFaults([{ pathPattern: `^${ISTIOD}$`, latencyMs: 1_500 }]);
    const a = await replica(refreshing);
    await eventually(
      () => demo.recentPaths().includes(ISTIOD),
      "a's run started",
    );
    await replica(refreshing);
    await a.stop();
    replicas = replicas.filter(r => r !== a);
    demo.setFaults([]);

    // b alone now runs the refresh, period after period.
    const reads = await istiodReadsDuring(() => sleep(8_000));
    expect(reads).toBeGreaterThanOrEqual(2);
  });
});
