// Where whole sidecar-memory answers are kept: a shared cache store (which expires them
// itself), or this process's own map, bounded in age and count.
import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import type { IstioSidecarMemoryResponse } from '@istio-backstage/plugin-istio-common';
import type { AppliedSidecarStore } from '../AppliedSidecarStore';
import { cachedSidecarMemory, LOCAL_ANSWERS_MAX } from './cachedSidecarMemory';
import type { SidecarMemoryService } from './types';

const applied = {
  revision: async () => '0',
} as unknown as AppliedSidecarStore;

/** A service that counts its computations and answers with the request's extra hosts. */
function countingService() {
  let computed = 0;
  const service: SidecarMemoryService = {
    async getSidecarMemory(request) {
      computed += 1;
      return {
        entityRef: 'component:default/productpage',
        items: [],
        errors: [],
        extraHosts: request.extraHosts,
      } as IstioSidecarMemoryResponse;
    },
  };
  return { service, computed: () => computed };
}

const ask = (service: SidecarMemoryService, host: string) =>
  service.getSidecarMemory(
    { entityRef: 'component:default/productpage', extraHosts: [host] },
    { credentials: mockCredentials.user() },
  );

describe('cachedSidecarMemory', () => {
  afterEach(() => jest.useRealTimers());

  it('keeps answers in the process, at most maxLocalAnswers, the oldest dropped first', async () => {
    const { service, computed } = countingService();
    const cached = cachedSidecarMemory({
      sidecarMemory: service,
      applied,
      ttlMs: 60_000,
      maxLocalAnswers: 2,
    });
    await ask(cached, 'a/x.example.com');
    await ask(cached, 'b/x.example.com');
    await ask(cached, 'a/x.example.com');
    expect(computed()).toBe(2);

    await ask(cached, 'c/x.example.com'); // drops b, the least recently used
    await ask(cached, 'a/x.example.com');
    expect(computed()).toBe(3);
    await ask(cached, 'b/x.example.com');
    expect(computed()).toBe(4);
  });

  it('drops a kept answer once it is older than ttlMs', async () => {
    jest.useFakeTimers();
    let clock = 1_000;
    const { service, computed } = countingService();
    const cached = cachedSidecarMemory({
      sidecarMemory: service,
      applied,
      ttlMs: 50,
      now: () => clock,
    });
    await ask(cached, 'a/x.example.com');
    clock += 50;
    await ask(cached, 'a/x.example.com');
    expect(computed()).toBe(1);
    clock += 1;
    await ask(cached, 'a/x.example.com');
    expect(computed()).toBe(2);
  });

  it('keeps at most LOCAL_ANSWERS_MAX answers however many extra hosts a caller varies', async () => {
    const { service, computed } = countingService();
    const cached = cachedSidecarMemory({
      sidecarMemory: service,
      applied,
      ttlMs: 60_000,
    });
    for (let n = 0; n < 5_000; n++)
      await ask(cached, `istio-demo/host-${n}.example.com`);
    expect(computed()).toBe(5_000);
    expect(cached.localSize()).toBe(LOCAL_ANSWERS_MAX);
    // The most recent answers are the ones kept.
    await ask(cached, 'istio-demo/host-4999.example.com');
    expect(computed()).toBe(5_000);
  });

  it('bounds the copies in front of a shared cache store the same way', async () => {
    const { service } = countingService();
    const cached = cachedSidecarMemory({
      sidecarMemory: service,
      cache: mockServices.cache.mock(),
      applied,
      ttlMs: 60_000,
      maxLocalAnswers: 100,
    });
    for (let n = 0; n < 5_000; n++)
      await ask(cached, `istio-demo/host-${n}.example.com`);
    expect(cached.localSize()).toBe(100);
  });

  it('keeps nothing when reuse is off', async () => {
    const { service, computed } = countingService();
    const cached = cachedSidecarMemory({
      sidecarMemory: service,
      applied,
      ttlMs: 0,
    });
    await ask(cached, 'a/x.example.com');
    await ask(cached, 'a/x.example.com');
    expect(computed()).toBe(2);
    expect(cached.localSize()).toBe(0);
  });

  it('keeps answers in a shared cache store, with their time to live, when one is given', async () => {
    const { service, computed } = countingService();
    const cache = mockServices.cache.mock();
    const kept = new Map<string, unknown>();
    cache.get.mockImplementation(async key => kept.get(key) as any);
    cache.set.mockImplementation(async (key, value) => {
      kept.set(key, value);
    });
    const cached = cachedSidecarMemory({
      sidecarMemory: service,
      cache,
      applied,
      ttlMs: 15_000,
    });
    const first = await ask(cached, 'a/x.example.com');
    expect(await ask(cached, 'a/x.example.com')).toEqual(first);
    expect(computed()).toBe(1);
    expect(cache.set).toHaveBeenCalledWith(
      expect.stringMatching(/^sidecar-memory:v2:0:/),
      first,
      { ttl: 15_000 },
    );
  });
});
