import type { CacheService } from '@backstage/backend-plugin-api';
import { LRUCache } from 'lru-cache';

/** What the cache service stores (JSON). */
type CacheValue = Parameters<CacheService['set']>[1];

/** Answers kept: get by key, set with the cache's time to live, forget. */
export interface AnswerCache<V extends object> {
  get(key: string): Promise<V | undefined>;
  set(key: string, value: V): Promise<void>;
  delete(key: string): Promise<void>;
  /** How many answers this process holds (expired ones leave on their own). */
  localSize(): number;
}

/**
 * Answers kept in the cache service, with a bounded in-process LRU read through in
 * front of it (values stay objects: no parse per request, no round trip to Redis for
 * what this replica just read or wrote).
 *
 * `cache` is the cache service only when its store is shared between replicas (Redis,
 * Valkey, Memcache, Infinispan); otherwise pass undefined and the LRU alone keeps the
 * answers. Backstage's memory store drops an expired entry only when its key is read
 * again, so answers keyed per request would stay in memory for good.
 *
 * `localTtlMs` (at most `ttlMs`) bounds how long this replica serves its own copy of an
 * answer another replica has since replaced or deleted.
 */
export function createAnswerCache<V extends object>(options: {
  cache?: CacheService;
  ttlMs: number;
  /** Answers this process keeps at most; the least recently used leaves first. */
  maxLocal: number;
  localTtlMs?: number;
  /** Milliseconds on a monotonic clock; for tests. */
  now?: () => number;
}): AnswerCache<V> {
  const { cache, ttlMs, now } = options;
  const local = new LRUCache<string, V>({
    max: options.maxLocal,
    // Expired answers leave at once rather than when evicted: under requests that are
    // all different (extra hosts), the cache would otherwise sit at `maxLocal` for good.
    ttlAutopurge: true,
    // Alone, the LRU is the store: it keeps answers their whole time to live.
    ttl: cache ? Math.min(options.localTtlMs ?? ttlMs, ttlMs) : ttlMs,
    // The LRU reuses a reading of its clock for 1 ms by default: a given clock is read
    // every time.
    ...(now ? { perf: { now }, ttlResolution: 0 } : {}),
  });
  return {
    async get(key) {
      const kept = local.get(key);
      if (kept || !cache) return kept;
      const shared = (await cache.get(key)) as V | undefined;
      if (shared) local.set(key, shared);
      return shared;
    },
    async set(key, value) {
      local.set(key, value);
      await cache?.set(key, value as unknown as CacheValue, { ttl: ttlMs });
    },
    async delete(key) {
      local.delete(key);
      await cache?.delete(key);
    },
    localSize: () => local.size,
  };
}

/**
 * The cache service when `backend.cache.store` is shared between replicas, else
 * undefined (see {@link createAnswerCache}).
 */
export function sharedCacheOrNone(
  cache: CacheService,
  store: string | undefined,
): CacheService | undefined {
  return (store ?? 'memory') === 'memory' ? undefined : cache;
}
