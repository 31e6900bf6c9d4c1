import type { CacheService } from '@backstage/backend-plugin-api';
import type { IstioSidecarMemoryResponse } from '@istio-backstage/plugin-istio-common';
import { createHash } from 'node:crypto';
import { createAnswerCache } from '../../lib/answerCache';
import type { AppliedSidecarStore } from '../AppliedSidecarStore';
import type { SidecarMemoryService } from './types';

/** Answers kept in this process at most. */
export const LOCAL_ANSWERS_MAX = 500;

/** A {@link SidecarMemoryService} that reuses recent answers. */
export interface CachedSidecarMemoryService extends SidecarMemoryService {
  /** How many whole answers this process holds. */
  localSize(): number;
}

/**
 * Reuses a complete sidecar-memory answer for a few seconds, per caller (the catalog
 * decides what each caller sees) and per request. With a shared cache store (Redis,
 * Valkey, Memcache, Infinispan: `cache` given) every replica shares the answers, each
 * with its own copies in front; otherwise they are kept in this process alone. Either
 * way this process keeps at most {@link LOCAL_ANSWERS_MAX} (the least recently used
 * leaves first), however many different requests (extra hosts) callers make. An apply
 * anywhere changes the key (the store's revision), and an answer with a failed cluster
 * or source is never kept, so it is retried at once. Memory figures are at most `ttlMs`
 * old — metrics-server itself refreshes every 15 s.
 */
export function cachedSidecarMemory(options: {
  sidecarMemory: SidecarMemoryService;
  /** The cache service when its store is shared between replicas; else undefined. */
  cache?: CacheService;
  applied: AppliedSidecarStore;
  ttlMs: number;
  /** Answers kept in this process at most, with or without a shared `cache`. */
  maxLocalAnswers?: number;
  /** Milliseconds on a monotonic clock; for tests. */
  now?: () => number;
}): CachedSidecarMemoryService {
  const { sidecarMemory, cache, applied, ttlMs } = options;
  if (ttlMs <= 0)
    return {
      getSidecarMemory: (request, readOptions) =>
        sidecarMemory.getSidecarMemory(request, readOptions),
      localSize: () => 0,
    };
  const store = createAnswerCache<IstioSidecarMemoryResponse>({
    cache,
    ttlMs,
    maxLocal: options.maxLocalAnswers ?? LOCAL_ANSWERS_MAX,
    now: options.now,
  });
  return {
    localSize: () => store.localSize(),
    async getSidecarMemory(request, readOptions) {
      const { credentials } = readOptions;
      if (readOptions.fresh)
        return sidecarMemory.getSidecarMemory(request, readOptions);
      const principal = credentials.principal as {
        userEntityRef?: string;
        subject?: string;
      };
      const caller = principal.userEntityRef ?? principal.subject ?? 'none';
      // The Kubernetes tokens sent with the request are part of the key (hashed, never
      // stored): an answer read with one token is not given to a request with another,
      // even from the same Backstage user.
      const digest = createHash('sha256')
        .update(JSON.stringify([caller, request, readOptions.userAuth ?? null]))
        .digest('hex');
      // v2: measured savings carry their outcome; answers kept without it are not read.
      const key = `sidecar-memory:v2:${await applied.revision()}:${digest}`;
      const cached = await store.get(key);
      if (cached) return cached;
      // Kept per caller: an answer read with a user's token is theirs alone.
      const response = await sidecarMemory.getSidecarMemory(request, {
        credentials,
        userAuth: readOptions.userAuth,
      });
      const complete =
        response.errors.length === 0 &&
        response.items.every(i => i.errors.length === 0);
      if (complete) await store.set(key, response);
      return response;
    },
  };
}
