import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { actionsRegistryServiceRef } from '@backstage/backend-plugin-api/alpha';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { istioPermissions } from '@istio-backstage/plugin-istio-common';
import { registerMeshActions } from './actions';
import { readIstioBackendSettings } from './backendSettings';
import { createIstioServices } from './createIstioServices';
import { createRouter } from './router';
import { scheduleCatalogClusterReads } from './lib/catalogClusterReads';

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
        auth: coreServices.auth,
        userInfo: coreServices.userInfo,
        actionsRegistry: actionsRegistryServiceRef,
        lifecycle: coreServices.lifecycle,
      },
      async init(deps) {
        const { httpRouter, permissions, lifecycle } = deps;
        const settings = readIstioBackendSettings(deps.config);
        deps.permissionsRegistry.addPermissions(istioPermissions);
        const services = await createIstioServices(deps, settings);
        // Scheduled at init, as Backstage plugins schedule their tasks; watches run
        // from start to shutdown.
        await services.reads.scheduleRefreshes();
        await scheduleCatalogClusterReads(services.directory, deps);
        lifecycle.addStartupHook(() => services.reads.start());
        lifecycle.addShutdownHook(() => services.reads.stop());
        httpRouter.use(
          await createRouter({
            httpAuth: deps.httpAuth,
            permissions,
            clusters: services.clusters,
            meshConfig: services.meshConfig,
            sidecarMemory: services.sidecarMemory,
            sidecarApply: services.sidecarApply,
            entityMesh: services.entityMesh,
            admission: settings.admission,
          }),
        );
        registerMeshActions({
          actionsRegistry: deps.actionsRegistry,
          permissions,
          entityMesh: services.entityMesh,
          sidecarMemory: services.sidecarMemory,
        });
        httpRouter.addAuthPolicy({ path: '/health', allow: 'unauthenticated' });
      },
    });
  },
});
