import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { istioPermissions } from '@istio-backstage/plugin-istio-common';
import { readClusterConfigs } from '@istio-backstage/plugin-istio-node';
import { createRouter } from './router';

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
        httpRouter: coreServices.httpRouter,
        httpAuth: coreServices.httpAuth,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
      },
      async init({
        logger,
        config,
        httpRouter,
        httpAuth,
        permissions,
        permissionsRegistry,
      }) {
        const clusters = readClusterConfigs(config);
        logger.info('Istio plugin configured', {
          clusters: clusters.map(c => c.name).join(',') || '(none)',
        });
        permissionsRegistry.addPermissions(istioPermissions);
        httpRouter.use(await createRouter({ httpAuth, permissions, clusters }));
        httpRouter.addAuthPolicy({ path: '/health', allow: 'unauthenticated' });
      },
    });
  },
});
