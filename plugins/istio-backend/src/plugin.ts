import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { actionsRegistryServiceRef } from '@backstage/backend-plugin-api/alpha';
import { istioPermissions } from '@istio-backstage/plugin-istio-common';
import {
  ClusterAccess,
  readClusterConfigs,
} from '@istio-backstage/plugin-istio-node';
import { registerMeshActions } from './actions';
import { createRouter } from './router';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { AppliedSidecarStore } from './services/AppliedSidecarStore';
import { SharedReads } from './lib/sharedReads';
import { createLiveMeshLists } from './services/LiveMeshLists';
import { createMemoryFits } from './services/MemoryFits';
import {
  createKeptMeshEssentials,
  createMeshConfigService,
} from './services/MeshConfigService';
import {
  cachedSidecarMemory,
  createSidecarMemoryService,
} from './services/SidecarMemoryService';
import { createSidecarApplyService } from './services/SidecarApplyService';

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
      async init({
        logger,
        config,
        cache,
        httpRouter,
        httpAuth,
        permissions,
        permissionsRegistry,
        catalog,
        database,
        auditor,
        actionsRegistry,
        lifecycle,
      }) {
        const clusters = readClusterConfigs(config);
        logger.info('Istio plugin configured', {
          clusters: clusters.map(c => c.name).join(',') || '(none)',
        });
        const timeoutMs = config.getOptionalNumber('istio.requestTimeoutMs');
        const access = new ClusterAccess(
          clusters,
          timeoutMs ? { timeoutMs } : {},
          config.getOptionalNumber('istio.fanOutDeadlineMs'),
        );
        permissionsRegistry.addPermissions(istioPermissions);
        const keptEssentials = createKeptMeshEssentials({
          clusters: access,
          logger,
        });
        if (config.getOptionalBoolean('istio.keepMeshEssentials') ?? true) {
          lifecycle.addStartupHook(() => keptEssentials.start());
          lifecycle.addShutdownHook(() => keptEssentials.stop());
        }
        const meshConfig = createMeshConfigService({
          clusters: access,
          cache,
          logger,
          keptEssentials: keptEssentials.of,
        });
        const applied = await AppliedSidecarStore.create(database);
        // How old a sidecar-memory answer, and the cluster-wide lists behind it, may be.
        const reuseMs =
          (config.getOptionalNumber('istio.sidecarMemory.cacheSeconds') ?? 15) *
          1000;
        // Kept in the background, so requests do not read them each time.
        const liveLists = createLiveMeshLists({ clusters: access, logger });
        const memoryFits = createMemoryFits({ clusters: access, logger });
        if (config.getOptionalBoolean('istio.watchMeshLists') ?? true) {
          lifecycle.addStartupHook(() => liveLists.start());
          lifecycle.addShutdownHook(() => liveLists.stop());
        }
        if (config.getOptionalBoolean('istio.keepMemoryFit') ?? true) {
          lifecycle.addStartupHook(() => memoryFits.start());
          lifecycle.addShutdownHook(() => memoryFits.stop());
        }
        const sidecarMemory = createSidecarMemoryService({
          clusters: access,
          catalog,
          meshConfig,
          applied,
          logger,
          settleSeconds: config.getOptionalNumber('istio.apply.settleSeconds'),
          shared: new SharedReads(reuseMs),
          live: liveLists.of,
          keptMemoryFit: memoryFits.of,
        });
        // Reads may reuse a recent answer; an apply always starts from a fresh one.
        // Answers go to the cache service only when its store is shared (and expires
        // entries itself); Backstage's memory store keeps an expired entry until its key
        // is read again.
        const sharedCacheStore =
          (config.getOptionalString('backend.cache.store') ?? 'memory') !==
          'memory';
        const sidecarMemoryReads = cachedSidecarMemory({
          sidecarMemory,
          cache: sharedCacheStore ? cache : undefined,
          applied,
          ttlMs: reuseMs,
        });
        const sidecarApply = createSidecarApplyService({
          clusters: access,
          sidecarMemory,
          applied,
          auditor,
          logger,
          impersonate:
            config.getOptionalBoolean('istio.apply.impersonateUser') ?? false,
          onSidecarsChanged: cluster => liveLists.sidecarsChanged(cluster),
        });
        httpRouter.use(
          await createRouter({
            httpAuth,
            permissions,
            clusters,
            meshConfig,
            sidecarMemory: sidecarMemoryReads,
            sidecarApply,
            admission: {
              maxConcurrent:
                config.getOptionalNumber('istio.admission.maxConcurrent') ?? 16,
              maxQueued:
                config.getOptionalNumber('istio.admission.maxQueued') ?? 128,
            },
          }),
        );
        registerMeshActions({
          actionsRegistry,
          permissions,
          meshConfig,
          sidecarMemory: sidecarMemoryReads,
        });
        httpRouter.addAuthPolicy({ path: '/health', allow: 'unauthenticated' });
      },
    });
  },
});
