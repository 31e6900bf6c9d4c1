// How GET /mesh-config keeps answers, on the service against the demo cluster with the
// default (memory) cache: an answer older than 30 s is served while a new one is read in
// the background; a refresh that reaches nothing drops it rather than hiding the outage.
import { CacheManager } from '@backstage/backend-defaults/cache';
import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import type { DemoCluster } from '@istio-backstage/demo-cluster';
import { startDefaultDemoCluster } from '../../__testUtils__/defaultDemoCluster';
import { clusterAccessFor } from '../../__testUtils__/startIstioBackend';
import { createMeshConfigService } from './createMeshConfigService';

jest.setTimeout(60_000);

let demo: DemoCluster;
beforeEach(async () => {
  demo = await startDefaultDemoCluster();
});
afterEach(() => demo?.stop());

const memoryCache = () =>
  CacheManager.fromConfig(new ConfigReader({})).forPlugin('istio');

function service(clock: { ms: number }, cache = memoryCache()) {
  const access = clusterAccessFor([{ name: 'demo', demo }], {
    timeoutMs: 1000,
  });
  return createMeshConfigService({
    clusters: access,
    cache,
    logger: mockServices.logger.mock(),
    now: () => new Date(clock.ms),
  });
}
const credentials = { credentials: {} as never };
/** Lets a background refresh run to its end. */
const backgroundDone = () => new Promise(resolve => setTimeout(resolve, 1500));

describe('kept mesh config', () => {
  it('serves a kept answer at once, and reads a new one in the background after 30 s', async () => {
    const clock = { ms: Date.parse('2026-11-26T04:00:00Z') };
    const meshConfig = service(clock);
    const first = await meshConfig.getMeshConfig({}, credentials);
    expect(first.items[0].readAt).toBe('2026-11-26T04:00:00.000Z');

    clock.ms += 29_000;
    let before = demo.requestCount();
    expect(await meshConfig.getMeshConfig({}, credentials)).toEqual(first);
    await backgroundDone();
    expect(demo.requestCount()).toBe(before);

    clock.ms += 1_000;
    before = demo.requestCount();
    const stale = await meshConfig.getMeshConfig({}, credentials);
    expect(stale.items[0].readAt).toBe('2026-11-26T04:00:00.000Z');
    await backgroundDone();
    expect(demo.requestCount()).toBeGreaterThan(before);
    const refreshed = await meshConfig.getMeshConfig({}, credentials);
    expect(refreshed.items[0].readAt).toBe('2026-11-26T04:00:30.000Z');
  });

  it('drops a kept answer when its refresh reaches nothing, so the failure shows', async () => {
    const clock = { ms: Date.parse('2026-11-26T04:00:00Z') };
    const meshConfig = service(clock);
    await meshConfig.getMeshConfig({}, credentials);
    demo.setFaults([{ status: 503 }]);
    clock.ms += 30_000;
    // This answer is the kept one; its refresh fails in the background.
    expect(
      (await meshConfig.getMeshConfig({}, credentials)).items[0].errors,
    ).toEqual([]);
    await backgroundDone();
    const next = await meshConfig.getMeshConfig({}, credentials);
    expect(next.items[0].istioInstalled).toBe('unknown');
    expect(next.items[0].errors).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ errorType: 'Unavailable' }),
      ]),
    );
  });

  it('serves its own latest answer without reading the cache service again', async () => {
    const clock = { ms: Date.parse('2026-11-26T04:00:00Z') };
    const cache = memoryCache();
    const get = jest.spyOn(cache, 'get');
    const meshConfig = service(clock, cache);
    const first = await meshConfig.getMeshConfig({}, credentials);
    const reads = get.mock.calls.length;
    clock.ms += 10_000;
    expect(await meshConfig.getMeshConfig({}, credentials)).toEqual(first);
    expect(get.mock.calls.length).toBe(reads);
  });

  it('shares its answer through the cache service with another replica', async () => {
    const clock = { ms: Date.parse('2026-11-26T04:00:00Z') };
    const cache = memoryCache();
    const first = await service(clock, cache).getMeshConfig({}, credentials);
    const before = demo.requestCount();
    const replica = service(clock, cache);
    expect(await replica.getMeshConfig({}, credentials)).toEqual(first);
    expect(demo.requestCount()).toBe(before);
  });

  it('reads again once its own answer is older than 5 minutes', async () => {
    const clock = { ms: Date.parse('2026-11-26T04:00:00Z') };
    const cache = memoryCache();
    const meshConfig = service(clock, cache);
    await meshConfig.getMeshConfig({}, credentials);
    // Past the kept time the shared copy has expired (its TTL), and this process's is not served.
    clock.ms += 5 * 60_000;
    await cache.delete('mesh-config:v2:demo');
    const next = await meshConfig.getMeshConfig({}, credentials);
    expect(next.items[0].readAt).toBe('2026-11-26T04:05:00.000Z');
  });
});
