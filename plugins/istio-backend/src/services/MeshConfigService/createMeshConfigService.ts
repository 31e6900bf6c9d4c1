import type {
  CacheService,
  LoggerService,
} from '@backstage/backend-plugin-api';
import type {
  IstioMeshConfig,
  IstioMeshConfigResponse,
  IstioSupportMatrix,
} from '@istio-backstage/plugin-istio-common';
import type {
  ClusterAccess,
  ClusterClient,
  ClusterResult,
} from '@istio-backstage/plugin-istio-node';
import { createAnswerCache, type AnswerCache } from '../../lib/answerCache';
import { analyzeMesh } from '../../lib/mesh/analyzeMesh';
import { diagnose } from '../../lib/mesh/diagnostics';
import { SharedReads } from '../../lib/sharedReads';
import {
  meshEssentialsOf,
  type ClusterReads,
  type MeshEssentials,
} from '../ClusterReads';
import { readInventory } from './readInventory';
import type { MeshConfigService } from './types';

/** A kept answer older than this is read again in the background. */
const FRESH_MS = 30_000;
/** A kept answer is served at most this long while its refresh is read. */
const KEEP_MS = 5 * 60_000;
/** How long a replica serves its own copy before asking the shared cache again. */
const LOCAL_COPY_MS = 5_000;

/**
 * Builds the {@link MeshConfigService}: read, analyse, diagnose, keep per cluster. A kept
 * answer older than 30 s is still served (its `readAt` says how old) while a new one
 * is read in the background, so no request waits for a 10,000-pod read it has already
 * paid for; a refresh that reaches nothing drops the kept answer instead of hiding
 * the failure. Answers are kept in the cache service when it is shared between
 * replicas, with this process's copy in front (a 10,000-pod cluster's answer is
 * ~160 KB: parsing it again per request would cost more than the request).
 */
export function createMeshConfigService(options: {
  clusters: ClusterAccess;
  /** The cache service when its store is shared between replicas, else undefined. */
  cache?: CacheService;
  logger: LoggerService;
  /** Given the control planes and tracing of each complete read, for the next requests. */
  reads?: Pick<ClusterReads, 'keepEssentials'>;
  now?: () => Date;
  /** The built-in support matrix merged with `istio.supportMatrix`; the built-in one by default. */
  supportMatrix?: IstioSupportMatrix;
}): MeshConfigService {
  const { clusters, logger, supportMatrix } = options;
  const now = options.now ?? (() => new Date());
  // One read per cluster at a time: a burst on a cold cache shares the read in flight
  // instead of each request listing the whole cluster again.
  const reading = new SharedReads<IstioMeshConfig>(0);
  const answers = createAnswerCache<IstioMeshConfig>({
    cache: options.cache,
    ttlMs: KEEP_MS,
    maxLocal: 1_000,
    localTtlMs: LOCAL_COPY_MS,
  });

  /** The read of a cluster in flight, or a new one. */
  const readOnce = (
    client: ClusterClient,
    key: string,
  ): Promise<IstioMeshConfig> =>
    reading.get(key, () =>
      readAndKeep(client, key, { ...options, answers, now }),
    );

  // v2: diagnostics carry their scope and topic; answers kept without them are not read.
  const keyOf = (cluster: string) => `mesh-config:v2:${cluster}`;

  /** The kept answer, refreshed in the background when old; else a read. */
  const keptOrRead = async (client: ClusterClient) => {
    const key = keyOf(client.cluster.name);
    const kept = await answers.get(key);
    const age = kept ? now().getTime() - Date.parse(kept.readAt) : Infinity;
    if (!kept || age >= KEEP_MS) return readOnce(client, key);
    if (age >= FRESH_MS) {
      readOnce(client, key).catch(error =>
        logger.warn('Refreshing a cluster mesh failed', {
          cluster: client.cluster.name,
          error: (error as Error)?.name,
        }),
      );
    }
    return kept;
  };

  return {
    async getMeshConfig(request, { userAuth }) {
      // Unknown names are refused here, before any I/O.
      const names = request.cluster
        ? [clusters.get(request.cluster).cluster.name]
        : clusters.names();
      const results = await clusters.fanOut(
        names,
        client =>
          client.sharesAnswers
            ? keptOrRead(client)
            : readMeshConfig(client, now(), supportMatrix).then(
                read => read.meshConfig,
              ),
        userAuth,
      );
      return responseOf(results, logger);
    },
  };
}

/** The answers of the clusters, and why the others could not be read (logged). */
function responseOf(
  results: ClusterResult<IstioMeshConfig>[],
  logger: LoggerService,
): IstioMeshConfigResponse {
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
}

/** The reads control planes and tracing rest on. */
const ESSENTIAL_SOURCES = [
  'kubernetes:deployments',
  'kubernetes:configmaps',
  'istio:telemetries',
];

/** Whether the control planes and tracing of an answer rest on reads that all worked. */
function essentialsComplete(meshConfig: IstioMeshConfig): boolean {
  return !meshConfig.errors.some(e =>
    ESSENTIAL_SOURCES.some(source => e.source.startsWith(source)),
  );
}

/**
 * Reads, analyses and diagnoses a cluster's mesh, with the essentials a namespace
 * analysis needs from it; `answered` is false when the cluster answered nothing at all.
 */
async function readMeshConfig(
  client: ClusterClient,
  now: Date,
  supportMatrix: IstioSupportMatrix | undefined,
): Promise<{
  meshConfig: IstioMeshConfig;
  essentials: MeshEssentials;
  answered: boolean;
}> {
  const inventory = await readInventory(client);
  const analysed = analyzeMesh(inventory, {
    cluster: client.cluster.name,
    title: client.cluster.title,
    now,
    supportMatrix,
  });
  const meshConfig = {
    ...analysed,
    diagnostics: diagnose(
      inventory,
      { ...analysed, diagnostics: [] },
      { supportMatrix },
    ),
  };
  return {
    meshConfig,
    essentials: meshEssentialsOf(inventory, analysed),
    answered: Boolean(inventory.namespaces || inventory.deployments),
  };
}

/**
 * Reads, analyses and diagnoses a cluster's mesh; keeps the answer, and hands the
 * control planes and tracing of a complete read to the read model.
 */
async function readAndKeep(
  client: ClusterClient,
  key: string,
  keep: {
    answers: AnswerCache<IstioMeshConfig>;
    reads?: Pick<ClusterReads, 'keepEssentials'>;
    now: () => Date;
    supportMatrix?: IstioSupportMatrix;
  },
): Promise<IstioMeshConfig> {
  const { answers, now } = keep;
  const { meshConfig, essentials, answered } = await readMeshConfig(
    client,
    now(),
    keep.supportMatrix,
  );
  // A cluster that answered nothing at all is not kept, so it is retried soon.
  if (answered) {
    await answers.set(key, meshConfig);
    if (essentialsComplete(meshConfig))
      await keep.reads?.keepEssentials(client.cluster.name, essentials);
  } else {
    await answers.delete(key);
  }
  return meshConfig;
}
