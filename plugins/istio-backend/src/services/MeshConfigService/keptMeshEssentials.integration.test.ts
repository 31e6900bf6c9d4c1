// The control planes and tracing kept from background reads, against the demo cluster:
// read at start and on every refresh, used by requests without reading the cluster,
// dropped when a refresh fails so the failure is reported instead of an old answer.
import { CacheManager } from '@backstage/backend-defaults/cache';
import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import {
  RESOURCE_TYPES,
  type DemoCluster,
} from '@istio-backstage/demo-cluster';
import { startDefaultDemoCluster } from '../../__testUtils__/defaultDemoCluster';
import { clusterAccessFor } from '../../__testUtils__/startIstioBackend';
import { createMeshConfigService } from './createMeshConfigService';
import {
  createKeptMeshEssentials,
  type KeptMeshEssentials,
} from './keptMeshEssentials';
import { MeshEssentialsError, readMeshEssentials } from './readMeshEssentials';

jest.setTimeout(30_000);

const DEPLOYMENTS = RESOURCE_TYPES.find(
  t => t.group === 'apps' && t.plural === 'deployments',
)!;

let demo: DemoCluster;
let kept: KeptMeshEssentials | undefined;
beforeEach(async () => {
  demo = await startDefaultDemoCluster();
});
afterEach(async () => {
  kept?.stop();
  await demo?.stop();
});

const access = () =>
  clusterAccessFor([{ name: 'demo', demo }], { timeoutMs: 1000 });

function keep(refreshMs: number) {
  kept = createKeptMeshEssentials({
    clusters: access(),
    logger: mockServices.logger.mock(),
    refreshMs,
  });
  kept.start();
  return kept;
}

/** Polls until `check` holds (background reads land on their own time). */
async function eventually(check: () => boolean, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition never held');
    await new Promise(resolve => setTimeout(resolve, 50));
  }
}

describe('kept mesh essentials', () => {
  it('are read at start and answer requests without reading the cluster', async () => {
    const essentials = keep(60_000);
    await eventually(() => essentials.of('demo') !== undefined);
    const direct = await readMeshEssentials(access().get('demo'));
    expect(essentials.of('demo')).toEqual(direct);
    expect(direct.controlPlanes.length).toBeGreaterThan(0);

    const meshConfig = createMeshConfigService({
      clusters: access(),
      cache: CacheManager.fromConfig(new ConfigReader({})).forPlugin('istio'),
      logger: mockServices.logger.mock(),
      keptEssentials: essentials.of,
    });
    const before = demo.requestCount();
    expect(await meshConfig.getMeshEssentials('demo')).toEqual(direct);
    expect(demo.requestCount()).toBe(before);
  });

  it('follow the cluster: a removed istiod is gone after the next refresh', async () => {
    const essentials = keep(200);
    await eventually(() => essentials.of('demo') !== undefined);
    for (const istiod of demo.store
      .list(DEPLOYMENTS)
      .filter(d => d.metadata.labels?.app === 'istiod')) {
      demo.store.delete(
        DEPLOYMENTS,
        istiod.metadata.namespace,
        istiod.metadata.name,
      );
    }
    await eventually(() => essentials.of('demo')?.controlPlanes.length === 0);
    expect(essentials.of('demo')?.controlPlanes).toEqual([]);
  });

  it('are dropped when a refresh fails, so requests read and report the failure', async () => {
    const essentials = keep(200);
    await eventually(() => essentials.of('demo') !== undefined);
    demo.setFaults([{ status: 503 }]);
    await eventually(() => essentials.of('demo') === undefined);

    const meshConfig = createMeshConfigService({
      clusters: access(),
      cache: CacheManager.fromConfig(new ConfigReader({})).forPlugin('istio'),
      logger: mockServices.logger.mock(),
      keptEssentials: essentials.of,
    });
    await expect(meshConfig.getMeshEssentials('demo')).rejects.toBeInstanceOf(
      MeshEssentialsError,
    );
  });

  it('stop reading the cluster once stopped', async () => {
    const essentials = keep(100);
    await eventually(() => essentials.of('demo') !== undefined);
    essentials.stop();
    expect(essentials.of('demo')).toBeUndefined();
    // Let a read already in flight finish, then count.
    await new Promise(resolve => setTimeout(resolve, 300));
    const before = demo.requestCount();
    await new Promise(resolve => setTimeout(resolve, 500));
    expect(demo.requestCount()).toBe(before);
    expect(essentials.of('demo')).toBeUndefined();
  });
});
