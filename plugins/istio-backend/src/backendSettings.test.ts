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
      apply: {
        impersonateUser: false,
        settleSeconds: undefined,
        retentionDays: 90,
      },
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

  /** Reads the settings with `value` at the dotted `key` (`istio.a.b`). */
  const withValue = (key: string, value: number) => {
    const [, ...path] = key.split('.');
    const istio = path.reduceRight<unknown>(
      (inner, part) => ({ [part]: inner }),
      value,
    );
    const data = { istio } as ConstructorParameters<typeof ConfigReader>[0];
    return () => readIstioBackendSettings(new ConfigReader(data));
  };

  it.each([
    ['istio.admission.maxConcurrent', 0, 'a whole number, 1 or more'],
    ['istio.admission.maxConcurrent', -4, 'a whole number, 1 or more'],
    ['istio.admission.maxConcurrent', 2.5, 'a whole number, 1 or more'],
    ['istio.admission.maxQueued', -1, 'a whole number, 0 or more'],
    ['istio.admission.maxQueued', 0.5, 'a whole number, 0 or more'],
    ['istio.requestTimeoutMs', 0, 'a whole number, 1 or more'],
    ['istio.fanOutDeadlineMs', -10, 'a whole number, 1 or more'],
    ['istio.sidecarMemory.cacheSeconds', -1, 'a whole number, 0 or more'],
    ['istio.sidecarMemory.cacheSeconds', 1.5, 'a whole number, 0 or more'],
    ['istio.memoryFitRefreshSeconds', 0, 'a whole number, 1 or more'],
    ['istio.meshEssentialsRefreshSeconds', 0.25, 'a whole number, 1 or more'],
    ['istio.apply.settleSeconds', -1, 'a number, 0 or more'],
    ['istio.apply.retentionDays', 0, 'a number above 0'],
    ['istio.apply.retentionDays', -30, 'a number above 0'],
  ])('refuses %s: %p, saying it must be %s', (key, value, allowed) => {
    expect(withValue(key, value)).toThrow(
      `Invalid config: ${key} is ${value}; it must be ${allowed}`,
    );
  });

  it.each([
    ['istio.admission.maxConcurrent', 1, ['admission', 'maxConcurrent'], 1],
    ['istio.admission.maxQueued', 0, ['admission', 'maxQueued'], 0],
    ['istio.apply.retentionDays', 0.5, ['apply', 'retentionDays'], 0.5],
    ['istio.apply.settleSeconds', 0, ['apply', 'settleSeconds'], 0],
    ['istio.sidecarMemory.cacheSeconds', 0, ['reuseMs'], 0],
    ['istio.requestTimeoutMs', 2000, ['requestTimeoutMs'], 2000],
  ])('accepts %s: %p', (key, value, at, read) => {
    expect(withValue(key, value)()).toHaveProperty(at, read);
  });

  it('checks a refresh period only when its refresh is on', () => {
    const settings = readIstioBackendSettings(
      new ConfigReader({
        istio: { keepMemoryFit: false, memoryFitRefreshSeconds: 0 },
      }),
    );
    expect(settings.memoryFitRefreshMs).toBeUndefined();
  });
});
