import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { istioPermissions } from '@istio-backstage/plugin-istio-common';
import {
  ClusterAccess,
  readClusterConfigs,
} from '@istio-backstage/plugin-istio-node';
import { createRouter } from './router';
import { createMeshConfigService } from './services/MeshConfigService';

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
      },
      async init({
        logger,
        config,
        cache,
        httpRouter,
        httpAuth,
        permissions,
        permissionsRegistry,
      }) {
        const clusters = readClusterConfigs(config);
        logger.info('Istio plugin configured', {
          clusters: clusters.map(c => c.name).join(',') || '(none)',
        });
        const timeoutMs = config.getOptionalNumber('istio.requestTimeoutMs');
        const access = new ClusterAccess(
          clusters,
          timeoutMs ? { timeoutMs } : {},
        );
        permissionsRegistry.addPermissions(istioPermissions);
        httpRouter.use(
          await createRouter({
            httpAuth,
            permissions,
            clusters,
            meshConfig: createMeshConfigService({
              clusters: access,
              cache,
              logger,
            }),
          }),
        );
        httpRouter.addAuthPolicy({ path: '/health', allow: 'unauthenticated' });
      },
    });
  },
});
