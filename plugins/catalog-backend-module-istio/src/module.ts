import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { catalogProcessingExtensionPoint } from '@backstage/plugin-catalog-node';
import { IstioMeshNamespaceProvider } from './provider';

/**
 * Registers the mesh namespaces created by `istio:namespace:create` in the catalog:
 * one {@link IstioMeshNamespaceProvider} per configured cluster.
 *
 * @public
 */
export const catalogModuleIstioMeshNamespaces = createBackendModule({
  pluginId: 'catalog',
  moduleId: 'istio-mesh-namespaces',
  register(reg) {
    reg.registerInit({
      deps: {
        catalog: catalogProcessingExtensionPoint,
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        scheduler: coreServices.scheduler,
      },
      async init({ catalog, config, logger, scheduler }) {
        const providers = IstioMeshNamespaceProvider.fromConfig(config, {
          logger,
          scheduler,
        });
        logger.info('Istio mesh namespace providers configured', {
          providers:
            providers.map(p => p.getProviderName()).join(',') || '(none)',
        });
        catalog.addEntityProvider(providers);
      },
    });
  },
});
