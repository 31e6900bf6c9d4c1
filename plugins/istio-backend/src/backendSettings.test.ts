import { ConfigReader } from '@backstage/config';
import { readIstioBackendSettings } from './backendSettings';

describe('readIstioBackendSettings', () => {
  it('has the documented defaults', () => {
    expect(readIstioBackendSettings(new ConfigReader({}))).toEqual({
      requestTimeoutMs: undefined,
      fanOutDeadlineMs: undefined,
      reuseMs: 15_000,
      watchMeshLists: true,
      meshEssentialsRefreshMs: 30_000,
      memoryFitRefreshMs: 300_000,
      sharedCacheStore: false,
      admission: { maxConcurrent: 16, maxQueued: 128 },
      apply: { impersonateUser: false, settleSeconds: undefined },
    });
  });

  it('turns refreshes off, sets their periods, and sees a shared cache store', () => {
    const settings = readIstioBackendSettings(
      new ConfigReader({
        backend: { cache: { store: 'redis' } },
        istio: {
          keepMeshEssentials: false,
          memoryFitRefreshSeconds: 60,
          sidecarMemory: { cacheSeconds: 0 },
        },
      }),
    );
    expect(settings.meshEssentialsRefreshMs).toBeUndefined();
    expect(settings.memoryFitRefreshMs).toBe(60_000);
    expect(settings.reuseMs).toBe(0);
    expect(settings.sharedCacheStore).toBe(true);
  });

  it('names the path of a value of the wrong type', () => {
    expect(() =>
      readIstioBackendSettings(
        new ConfigReader({ istio: { meshEssentialsRefreshSeconds: 'often' } }),
      ),
    ).toThrow(/istio\.meshEssentialsRefreshSeconds/);
  });
});
