import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import {
  ISTIO_SUPPORT_MATRIX,
  mergeSupportMatrix,
} from '@istio-backstage/plugin-istio-common';
import {
  ClusterAccess,
  ClusterDirectory,
  createClusterCredentialSource,
  NamespaceOwnerRules,
} from '@istio-backstage/plugin-istio-node';
import { createCheckVersionAction } from './actions/checkVersion';
import { createMeshNamespaceAction } from './actions/createNamespace';
import { createRenderInstallConfigAction } from './actions/renderInstallConfig';
import { createSidecarApplyAction } from './actions/sidecarApply';

/**
 * Scaffolder actions for Istio service meshes.
 *
 * @public
 */
export const scaffolderModuleIstio = createBackendModule({
  pluginId: 'scaffolder',
  moduleId: 'istio',
  register(reg) {
    reg.registerInit({
      deps: {
        scaffolder: scaffolderActionsExtensionPoint,
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        permissions: coreServices.permissions,
        auditor: coreServices.auditor,
        discovery: coreServices.discovery,
        auth: coreServices.auth,
        userInfo: coreServices.userInfo,
      },
      async init({
        scaffolder,
        config,
        logger,
        permissions,
        auditor,
        discovery,
        auth,
        userInfo,
      }) {
        // The clusters of the Kubernetes plugin's config, as the Istio backend reads them.
        const timeoutMs = config.getOptionalNumber('istio.requestTimeoutMs');
        const access = new ClusterAccess(
          ClusterDirectory.fromConfig(config, { logger }),
          {
            ...(timeoutMs ? { timeoutMs } : {}),
            credentials: createClusterCredentialSource({ config, logger }),
          },
        );
        // The support matrix with the adopter's rows, as the Istio backend reads it;
        // an invalid row stops the start with an error naming its path.
        const supportMatrix = mergeSupportMatrix(
          ISTIO_SUPPORT_MATRIX,
          config.getOptional('istio.supportMatrix'),
        );
        logger.info('Istio scaffolder actions configured', {
          clusters: access.names().join(',') || '(none)',
        });
        scaffolder.addActions(
          // Reads a cluster's versions when a template gives no Kubernetes version.
          createCheckVersionAction({ clusters: access, supportMatrix }),
          createMeshNamespaceAction({
            clusters: access,
            permissions,
            auditor,
            userInfo,
            // Who may run it again on a namespace; a mistake stops the start with its path.
            ownerRules: NamespaceOwnerRules.fromConfig(config),
            impersonateUser:
              config.getOptionalBoolean('istio.apply.impersonateUser') ?? false,
          }),
          createRenderInstallConfigAction({ supportMatrix }),
          // Calls the Istio backend's POST /sidecars as the task's initiator.
          createSidecarApplyAction({ discovery, auth }),
        );
      },
    });
  },
});
