import type { IstioClustersResponse } from '@istio-backstage/plugin-istio-common';
import { ClusterListCache } from './ClusterListCache';

const response = (name: string): IstioClustersResponse => ({
  items: [
    { name, links: {}, prometheusConfigured: false, authProvider: 'google' },
  ],
  unusable: [],
});

describe('ClusterListCache', () => {
  it('reuses the list until it is older than the TTL, then reads it again', async () => {
    let now = 0;
    const load = jest
      .fn()
      .mockResolvedValueOnce(response('first'))
      .mockResolvedValueOnce(response('second'));
    const cache = new ClusterListCache(load, 5 * 60 * 1000, () => now);
    expect((await cache.get()).items[0].name).toBe('first');
    now = 5 * 60 * 1000 - 1;
    expect((await cache.get()).items[0].name).toBe('first');
    now = 5 * 60 * 1000;
    expect((await cache.get()).items[0].name).toBe('second');
    expect(load).toHaveBeenCalledTimes(2);
  });

  it('shares one read between concurrent callers', async () => {
    const load = jest.fn(async () => response('one'));
    const cache = new ClusterListCache(load);
    await Promise.all([cache.get(), cache.get(), cache.get()]);
    expect(load).toHaveBeenCalledTimes(1);
  });

  it('does not keep a failed read', async () => {
    const load = jest
      .fn()
      .mockRejectedValueOnce(new Error('backend down'))
      .mockResolvedValueOnce(response('back'));
    const cache = new ClusterListCache(load);
    await expect(cache.get()).rejects.toThrow('backend down');
    expect((await cache.get()).items[0].name).toBe('back');
  });

  it('serves a list kept from another answer without reading it', async () => {
    const load = jest.fn(async () => response('read'));
    const cache = new ClusterListCache(load);
    cache.set(response('kept'));
    expect((await cache.get()).items[0].name).toBe('kept');
    expect(load).not.toHaveBeenCalled();
  });
});
