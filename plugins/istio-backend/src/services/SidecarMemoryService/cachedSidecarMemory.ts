import type { CacheService } from '@backstage/backend-plugin-api';
import type { IstioSidecarMemoryResponse } from '@istio-backstage/plugin-istio-common';
import { createHash } from 'node:crypto';
import type { AppliedSidecarStore } from '../AppliedSidecarStore';
import type { SidecarMemoryService } from './types';

/**
 * Reuses a complete sidecar-memory answer for a few seconds, per caller (the catalog
 * decides what each caller sees) and per request, through the cache service so every
 * replica shares it. An apply anywhere changes the key (the store's revision), and an
 * answer with a failed cluster or source is never kept, so it is retried at once.
 * Memory figures are at most `ttlMs` old — metrics-server itself refreshes every 15 s.
 */
export function cachedSidecarMemory(options: {
  sidecarMemory: SidecarMemoryService;
  cache: CacheService;
  applied: AppliedSidecarStore;
  ttlMs: number;
}): SidecarMemoryService {
  const { sidecarMemory, cache, applied, ttlMs } = options;
  if (ttlMs <= 0) return sidecarMemory;
  return {
    async getSidecarMemory(request, readOptions) {
      const { credentials } = readOptions;
      if (readOptions.fresh)
        return sidecarMemory.getSidecarMemory(request, readOptions);
      const principal = credentials.principal as {
        userEntityRef?: string;
        subject?: string;
      };
      const caller = principal.userEntityRef ?? principal.subject ?? 'none';
      const digest = createHash('sha256')
        .update(JSON.stringify([caller, request]))
        .digest('hex');
      const key = `sidecar-memory:v1:${await applied.revision()}:${digest}`;
      const cached = (await cache.get(key)) as
        | IstioSidecarMemoryResponse
        | undefined;
      if (cached) return cached;
      const response = await sidecarMemory.getSidecarMemory(request, {
        credentials,
      });
      const complete =
        response.errors.length === 0 &&
        response.items.every(i => i.errors.length === 0);
      if (complete) {
        await cache.set(
          key,
          response as unknown as Parameters<CacheService['set']>[1],
          { ttl: ttlMs },
        );
      }
      return response;
    },
  };
}
