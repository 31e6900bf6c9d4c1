import type {
  AuditorService,
  AuthService,
  CacheService,
  DatabaseService,
  LoggerService,
  RootConfigService,
  PermissionsService,
  SchedulerService,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import {
  CATALOG_CLUSTER_FILTER,
  ClusterAccess,
  ClusterDirectory,
  createClusterCredentialSource,
  NamespaceOwnerRules,
  readClusterConfigs,
} from '@istio-backstage/plugin-istio-node';
import type { IstioBackendSettings } from './backendSettings';
import { createAnswerCache } from './lib/answerCache';
import { AppliedSidecarStore } from './services/AppliedSidecarStore';
import { createClusterReads, type ClusterReads } from './services/ClusterReads';
import { createEntityMeshService } from './services/EntityMeshService';
import { createMeshConfigService } from './services/MeshConfigService';
import { createSidecarApplyService } from './services/SidecarApplyService';
import {
  cachedSidecarMemory,
  createSidecarMemoryService,
  LOCAL_ANSWERS_MAX,
  type SidecarMemoryItem,
} from './services/SidecarMemoryService';

/** The core services the Istio backend's own services are built on. */
export interface IstioServiceDeps {
  config: RootConfigService;
  logger: LoggerService;
  cache: CacheService;
  scheduler: SchedulerService;
  database: DatabaseService;
  catalog: CatalogService;
  auditor: AuditorService;
  auth: AuthService;
  userInfo: UserInfoService;
  permissions: PermissionsService;
}

/** The clusters from config, and from the catalog when a `catalog` locator is configured. */
function clusterDirectory(deps: IstioServiceDeps): ClusterDirectory {
  return new ClusterDirectory({
    configs: readClusterConfigs(deps.config),
    catalogEntities: async () => {
      const { items } = await deps.catalog.getEntities(
        { filter: CATALOG_CLUSTER_FILTER },
        { credentials: await deps.auth.getOwnServiceCredentials() },
      );
      return items;
    },
    logger: deps.logger,
  });
}

/** Access to the clusters of the directory, with the credentials of each; logs which. */
function clusterAccess(
  deps: IstioServiceDeps,
  settings: IstioBackendSettings,
  directory: ClusterDirectory,
): ClusterAccess {
  deps.logger.info('Istio plugin configured', {
    clusters:
      directory
        .clusters()
        .map(c => c.name)
        .join(',') || '(none)',
  });
  return new ClusterAccess(directory, {
    ...(settings.requestTimeoutMs
      ? { timeoutMs: settings.requestTimeoutMs }
      : {}),
    fanOutDeadlineMs: settings.fanOutDeadlineMs,
    credentials: createClusterCredentialSource({
      config: deps.config,
      logger: deps.logger,
    }),
  });
}

/** What answers sidecar-memory, each cluster's part of an answer kept when reuse is on. */
function sidecarMemoryService(
  deps: IstioServiceDeps,
  settings: IstioBackendSettings,
  built: {
    clusters: ClusterAccess;
    reads: ClusterReads;
    applied: AppliedSidecarStore;
    sharedCache?: CacheService;
  },
) {
  const { sharedCache } = built;
  return createSidecarMemoryService({
    clusters: built.clusters,
    reads: built.reads,
    catalog: deps.catalog,
    userInfo: deps.userInfo,
    applied: built.applied,
    logger: deps.logger,
    settleSeconds: settings.apply.settleSeconds,
    reuseMs: settings.reuseMs,
    parts:
      settings.reuseMs > 0
        ? createAnswerCache<SidecarMemoryItem>({
            cache: sharedCache,
            ttlMs: settings.reuseMs,
            maxLocal: LOCAL_ANSWERS_MAX,
          })
        : undefined,
  });
}

/**
 * Builds the backend's services on one read model of the configured clusters: what
 * reads the clusters, what answers mesh-config and sidecar-memory (with answers reused
 * through the cache service when it is shared between replicas), what composes both
 * for an entity, and what applies Sidecars.
 */
export async function createIstioServices(
  deps: IstioServiceDeps,
  settings: IstioBackendSettings,
) {
  const { logger } = deps;
  const directory = clusterDirectory(deps);
  const clusters = clusterAccess(deps, settings, directory);
  const sharedCache = settings.sharedCacheStore ? deps.cache : undefined;
  const reads = createClusterReads({
    clusters,
    scheduler: deps.scheduler,
    cache: sharedCache,
    logger,
    reuseMs: settings.reuseMs,
    watch: settings.watchMeshLists,
    essentialsRefreshMs: settings.meshEssentialsRefreshMs,
    memoryFitRefreshMs: settings.memoryFitRefreshMs,
  });
  const applied = await AppliedSidecarStore.create(deps.database, {
    retentionDays: settings.apply.retentionDays,
  });
  const sidecarMemory = sidecarMemoryService(deps, settings, {
    clusters,
    reads,
    applied,
    sharedCache,
  });
  const meshConfig = createMeshConfigService({
    clusters,
    cache: sharedCache,
    logger,
    reads,
    supportMatrix: settings.supportMatrix,
  });
  // Reads may reuse a recent answer; an apply always starts from a fresh one.
  const cachedMemory = cachedSidecarMemory({
    sidecarMemory,
    cache: sharedCache,
    applied,
    ttlMs: settings.reuseMs,
  });
  return {
    clusters,
    directory,
    reads,
    meshConfig,
    sidecarMemory: cachedMemory,
    entityMesh: createEntityMeshService({
      clusters,
      meshConfig,
      sidecarMemory: cachedMemory,
    }),
    sidecarApply: createSidecarApplyService({
      clusters,
      sidecarMemory,
      applied,
      catalog: deps.catalog,
      userInfo: deps.userInfo,
      permissions: deps.permissions,
      auditor: deps.auditor,
      logger,
      namespaceOwners: NamespaceOwnerRules.fromConfig(deps.config),
      impersonate: settings.apply.impersonateUser,
      onSidecarsChanged: cluster => reads.sidecarsChanged(cluster),
    }),
  };
}
