// The read model's kept facts against the demo cluster: control planes and tracing
// read by the scheduled refresh and answered without reading the cluster, following
// the cluster on the next refresh, dropped when a refresh fails (so requests read and
// report the failure), and a request's own read kept for the next requests.
import type { CacheService } from '@backstage/backend-plugin-api';
import { CacheManager } from '@backstage/backend-defaults/cache';
import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import {
  RESOURCE_TYPES,
  type DemoCluster,
} from '@istio-backstage/demo-cluster';
import { startDefaultDemoCluster } from '../../__testUtils__/defaultDemoCluster';
import { clusterAccessFor } from '../../__testUtils__/startIstioBackend';
import { createClusterReads } from './createClusterReads';
import { MeshEssentialsError, readMeshEssentials } from './readMeshEssentials';

jest.setTimeout(30_000);

const DEPLOYMENTS = RESOURCE_TYPES.find(
  t => t.group === 'apps' && t.plural === 'deployments',
)!;
const REFRESH = 'istio-mesh-essentials';
const ISTIOD = '/apis/apps/v1/deployments';
const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms));

/** Polls until `check` holds; fails after 10 s. */
async function eventually(check: () => boolean, what: string) {
  const deadline = Date.now() + 10_000;
  while (!check() && Date.now() < deadline) await sleep(50);
  expect({ [what]: check() }).toEqual({ [what]: true });
}

let demo: DemoCluster;
beforeEach(async () => {
  demo = await startDefaultDemoCluster();
});
afterEach(() => demo?.stop());

const access = () =>
  clusterAccessFor([{ name: 'demo', demo }], { timeoutMs: 1000 });

/** The read model with the essentials refresh scheduled on a scheduler the test runs. */
async function readsWithRefresh(cache?: CacheService) {
  const scheduler = mockServices.scheduler();
  const reads = createClusterReads({
    clusters: access(),
    scheduler,
    cache,
    logger: mockServices.logger.mock(),
    reuseMs: 0,
    watch: false,
    essentialsRefreshMs: 30_000,
  });
  await reads.scheduleRefreshes();
  return { reads, refresh: () => scheduler.triggerTask(REFRESH) };
}

describe('cluster reads: mesh essentials', () => {
  it('are read by the scheduled refresh and answer requests without reading the cluster', async () => {
    const { reads, refresh } = await readsWithRefresh();
    await refresh();
    const direct = await readMeshEssentials(access().get('demo'));
    expect(direct.controlPlanes.length).toBeGreaterThan(0);
    const before = demo.requestCount();
    expect(await reads.essentials('demo')).toEqual(direct);
    expect(demo.requestCount()).toBe(before);
  });

  it('follow the cluster: a removed istiod is gone after the next refresh', async () => {
    const { reads, refresh } = await readsWithRefresh();
    await refresh();
    expect((await reads.essentials('demo')).controlPlanes).not.toEqual([]);
    for (const istiod of demo.store
      .list(DEPLOYMENTS)
      .filter(d => d.metadata.labels?.app === 'istiod')) {
      demo.store.delete(
        DEPLOYMENTS,
        istiod.metadata.namespace,
        istiod.metadata.name,
      );
    }
    await refresh();
    expect((await reads.essentials('demo')).controlPlanes).toEqual([]);
  });

  it('are dropped when a refresh fails, so requests read and report the failure', async () => {
    const { reads, refresh } = await readsWithRefresh();
    await refresh();
    demo.setFaults([{ status: 503 }]);
    await refresh();
    await expect(reads.essentials('demo')).rejects.toBeInstanceOf(
      MeshEssentialsError,
    );
  });

  it('read by a request are kept for the next requests; a fresh read reads again', async () => {
    const reads = createClusterReads({
      clusters: access(),
      scheduler: mockServices.scheduler(),
      logger: mockServices.logger.mock(),
      reuseMs: 0,
      watch: false,
    });
    const first = await reads.essentials('demo');
    const before = demo.requestCount();
    expect(await reads.essentials('demo')).toEqual(first);
    expect(demo.requestCount()).toBe(before);
    expect(await reads.essentials('demo', { fresh: true })).toEqual(first);
    expect(demo.requestCount()).toBeGreaterThan(before);
  });

  it('are read at a start that finds none kept, in the background, and not again once kept', async () => {
    // Two replicas sharing a cache store.
    const shared = CacheManager.fromConfig(new ConfigReader({})).forPlugin(
      'istio',
    );
    const { reads } = await readsWithRefresh(shared);
    reads.start();
    await eventually(() => demo.recentPaths().includes(ISTIOD), 'warmed');
    await sleep(300);
    let before = demo.requestCount();
    await reads.essentials('demo');
    expect(demo.requestCount()).toBe(before);

    // Another replica starting now finds them kept and reads nothing.
    const other = await readsWithRefresh(shared);
    before = demo.requestCount();
    other.reads.start();
    await sleep(300);
    expect(demo.requestCount()).toBe(before);
    reads.stop();
    other.reads.stop();
  });

  it('refuse an unknown cluster before any request', async () => {
    const { reads } = await readsWithRefresh();
    const before = demo.requestCount();
    await expect(reads.essentials('elsewhere')).rejects.toThrow(/elsewhere/);
    await expect(reads.services('elsewhere')).rejects.toThrow(/elsewhere/);
    expect(demo.requestCount()).toBe(before);
  });
});
