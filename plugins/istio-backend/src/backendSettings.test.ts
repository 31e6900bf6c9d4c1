import { ConfigReader } from '@backstage/config';
import { ISTIO_SUPPORT_MATRIX } from '@istio-backstage/plugin-istio-common';
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
      supportMatrix: ISTIO_SUPPORT_MATRIX,
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

  it('merges istio.supportMatrix rows into the built-in matrix', () => {
    const settings = readIstioBackendSettings(
      new ConfigReader({
        istio: {
          supportMatrix: [
            {
              istio: '1.31',
              released: '2026-08-12',
              endOfLife: '2027-03-31',
              endOfLifeExpected: true,
              kubernetesTested: ['1.33', '1.37'],
              kubernetesMinimum: '1.32',
            },
          ],
        },
      }),
    );
    expect(settings.supportMatrix.map(r => r.istio).slice(-3)).toEqual([
      '1.29',
      '1.30',
      '1.31',
    ]);
  });

  it('refuses an invalid istio.supportMatrix row, naming its path and field', () => {
    expect(() =>
      readIstioBackendSettings(
        new ConfigReader({
          istio: {
            supportMatrix: [
              {
                istio: '1.31',
                released: '2026-08-12',
                endOfLife: '2027-03-31',
                kubernetesTested: ['1.33', '1.37'],
                kubernetesMinimum: '1.34',
              },
            ],
          },
        }),
      ),
    ).toThrow(/istio\.supportMatrix\[0\]\.kubernetesMinimum/);
  });
});
