import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { actionsRegistryServiceRef } from '@backstage/backend-plugin-api/alpha';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { istioPermissions } from '@istio-backstage/plugin-istio-common';
import {
  ClusterAccess,
  readClusterConfigs,
} from '@istio-backstage/plugin-istio-node';
import { registerMeshActions } from './actions';
import { readIstioBackendSettings } from './backendSettings';
import { createAnswerCache } from './lib/answerCache';
import { createRouter } from './router';
import { AppliedSidecarStore } from './services/AppliedSidecarStore';
import { createClusterReads } from './services/ClusterReads';
import { createMeshConfigService } from './services/MeshConfigService';
import { createSidecarApplyService } from './services/SidecarApplyService';
import {
  cachedSidecarMemory,
  createSidecarMemoryService,
  LOCAL_ANSWERS_MAX,
  type SidecarMemoryItem,
} from './services/SidecarMemoryService';

/**
 * The Istio backend plugin, mounted at `/api/istio`.
 *
 * @public
 */
export const istioPlugin = createBackendPlugin({
  pluginId: 'istio',
  register(env) {
    env.registerInit({
      deps: {
        logger: coreServices.logger,
        config: coreServices.rootConfig,
        cache: coreServices.cache,
        scheduler: coreServices.scheduler,
        httpRouter: coreServices.httpRouter,
        httpAuth: coreServices.httpAuth,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
        catalog: catalogServiceRef,
        database: coreServices.database,
        auditor: coreServices.auditor,
        actionsRegistry: actionsRegistryServiceRef,
        lifecycle: coreServices.lifecycle,
      },
      async init(deps) {
        const { logger, config, httpRouter, permissions } = deps;
        const settings = readIstioBackendSettings(config);
        const clusterConfigs = readClusterConfigs(config);
        logger.info('Istio plugin configured', {
          clusters: clusterConfigs.map(c => c.name).join(',') || '(none)',
        });
        const clusters = new ClusterAccess(
          clusterConfigs,
          settings.requestTimeoutMs
            ? { timeoutMs: settings.requestTimeoutMs }
            : {},
          settings.fanOutDeadlineMs,
        );
        deps.permissionsRegistry.addPermissions(istioPermissions);
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
        await reads.scheduleRefreshes();
        deps.lifecycle.addStartupHook(() => reads.start());
        deps.lifecycle.addShutdownHook(() => reads.stop());
        const meshConfig = createMeshConfigService({
          clusters,
          cache: sharedCache,
          logger,
          reads,
        });
        const applied = await AppliedSidecarStore.create(deps.database);
        const sidecarMemory = createSidecarMemoryService({
          clusters,
          reads,
          catalog: deps.catalog,
          applied,
          logger,
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
        // Reads may reuse a recent answer; an apply always starts from a fresh one.
        const sidecarMemoryReads = cachedSidecarMemory({
          sidecarMemory,
          cache: sharedCache,
          applied,
          ttlMs: settings.reuseMs,
        });
        const sidecarApply = createSidecarApplyService({
          clusters,
          sidecarMemory,
          applied,
          auditor: deps.auditor,
          logger,
          impersonate: settings.apply.impersonateUser,
          onSidecarsChanged: cluster => reads.sidecarsChanged(cluster),
        });
        httpRouter.use(
          await createRouter({
            httpAuth: deps.httpAuth,
            permissions,
            clusters: clusterConfigs,
            meshConfig,
            sidecarMemory: sidecarMemoryReads,
            sidecarApply,
            admission: settings.admission,
          }),
        );
        registerMeshActions({
          actionsRegistry: deps.actionsRegistry,
          permissions,
          meshConfig,
          sidecarMemory: sidecarMemoryReads,
        });
        httpRouter.addAuthPolicy({ path: '/health', allow: 'unauthenticated' });
      },
    });
  },
});
