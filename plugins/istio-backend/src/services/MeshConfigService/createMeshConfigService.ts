import type {
  CacheService,
  LoggerService,
} from '@backstage/backend-plugin-api';
import type {
  IstioMeshConfig,
  IstioMeshConfigResponse,
} from '@istio-backstage/plugin-istio-common';
import type {
  ClusterAccess,
  ClusterClient,
} from '@istio-backstage/plugin-istio-node';
import { analyzeMesh } from '../../lib/mesh/analyzeMesh';
import { SharedReads } from '../../lib/sharedReads';
import { diagnose } from '../../lib/mesh/diagnostics';
import { readInventory } from './readInventory';
import { readMeshEssentials, type MeshEssentials } from './readMeshEssentials';
import type { MeshConfigService } from './types';

/** A kept answer older than this is read again in the background. */
const FRESH_MS = 30_000;
/** A kept answer is served at most this long while its refresh is read. */
const KEEP_MS = 5 * 60_000;
/** The reads {@link MeshEssentials} rest on. */
const ESSENTIAL_SOURCES = [
  'kubernetes:deployments',
  'kubernetes:configmaps',
  'istio:telemetries',
];

/**
 * Builds the {@link MeshConfigService}: read, analyse, diagnose, keep per cluster. A kept
 * answer older than 30 s is still served (its `readAt` says how old) while a new one
 * is read in the background, so no request waits for a 10,000-pod read it has already
 * paid for; a refresh that reaches nothing drops the kept answer instead of hiding
 * the failure. The essentials a sidecar-memory answer needs come from a background
 * read when one is kept, else from the kept answer, else from a light read.
 */
export function createMeshConfigService(options: {
  clusters: ClusterAccess;
  cache: CacheService;
  logger: LoggerService;
  /** A cluster's essentials kept from a background read; undefined when there are none. */
  keptEssentials?: (cluster: string) => MeshEssentials | undefined;
  now?: () => Date;
}): MeshConfigService {
  const { clusters, cache, logger } = options;
  const now = options.now ?? (() => new Date());
  // One read per cluster at a time: a burst on a cold cache shares the read in flight
  // instead of each request listing the whole cluster again (kept by the cache service).
  const reading = new SharedReads(0);
  // The latest answer per cluster, as an object. The cache service's memory store
  // serialises every value, so each request served from it alone would parse a
  // 10,000-pod cluster's ~160 KB answer again; the cache service still shares answers
  // between replicas when it is a shared store (Redis, Memcache).
  const latest = new Map<string, IstioMeshConfig>();

  /** The kept answer of a cluster: this process's, else the shared one; none past KEEP_MS. */
  async function keptAnswer(key: string): Promise<IstioMeshConfig | undefined> {
    const local = latest.get(key);
    if (local && now().getTime() - Date.parse(local.readAt) < KEEP_MS)
      return local;
    const shared = (await cache.get(key)) as IstioMeshConfig | undefined;
    if (shared) latest.set(key, shared);
    else latest.delete(key);
    return shared;
  }

  async function readAndCache(
    client: ClusterClient,
    key: string,
  ): Promise<IstioMeshConfig> {
    const inventory = await readInventory(client);
    const analysed = analyzeMesh(inventory, {
      cluster: client.cluster.name,
      title: client.cluster.title,
      now: now(),
    });
    const meshConfig: IstioMeshConfig = {
      ...analysed,
      diagnostics: diagnose(inventory, { ...analysed, diagnostics: [] }),
    };
    // A cluster that answered nothing at all is not kept, so it is retried soon.
    if (inventory.namespaces || inventory.deployments) {
      latest.set(key, meshConfig);
      await cache.set(
        key,
        meshConfig as unknown as Parameters<CacheService['set']>[1],
        { ttl: KEEP_MS },
      );
    } else {
      latest.delete(key);
      await cache.delete(key);
    }
    return meshConfig;
  }

  /** The read of a cluster in flight, or a new one. */
  const readOnce = (
    client: ClusterClient,
    key: string,
  ): Promise<IstioMeshConfig> =>
    reading.get(key, () => readAndCache(client, key));

  const keyOf = (cluster: string) => `mesh-config:v1:${cluster}`;

  return {
    async getMeshEssentials(cluster) {
      const client = clusters.get(cluster);
      const essentials = options.keptEssentials?.(client.cluster.name);
      if (essentials) return essentials;
      const kept = await keptAnswer(keyOf(client.cluster.name));
      // Reused only when the facts it rests on were read.
      const complete = !kept?.errors.some(e =>
        ESSENTIAL_SOURCES.some(source => e.source.startsWith(source)),
      );
      if (kept && complete)
        return { controlPlanes: kept.controlPlanes, tracing: kept.tracing };
      return readMeshEssentials(client);
    },

    async getMeshConfig(request) {
      // Unknown names are refused here, before any I/O.
      const names = request.cluster
        ? [clusters.get(request.cluster).cluster.name]
        : clusters.names();
      const results = await clusters.fanOut(names, async client => {
        const key = keyOf(client.cluster.name);
        const kept = await keptAnswer(key);
        if (!kept) return readOnce(client, key);
        if (now().getTime() - Date.parse(kept.readAt) >= FRESH_MS) {
          readOnce(client, key).catch(error =>
            logger.warn('Refreshing a cluster mesh failed', {
              cluster: client.cluster.name,
              error: (error as Error)?.name,
            }),
          );
        }
        return kept;
      });
      const response: IstioMeshConfigResponse = { items: [], errors: [] };
      for (const result of results) {
        if (result.ok) {
          response.items.push(result.value);
        } else {
          logger.warn('Reading a cluster mesh failed', {
            cluster: result.cluster,
            errorType: result.error.errorType,
          });
          response.errors.push({ cluster: result.cluster, ...result.error });
        }
      }
      return response;
    },
  };
}
