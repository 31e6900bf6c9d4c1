import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { policyExtensionPoint } from '@backstage/plugin-permission-node/alpha';
import { IstioMeshPolicy } from './IstioMeshPolicy';

/** Installs {@link IstioMeshPolicy} as the permission backend's policy. */
export const permissionPolicyModule = createBackendModule({
  pluginId: 'permission',
  moduleId: 'istio-mesh-policy',
  register(reg) {
    reg.registerInit({
      deps: {
        policy: policyExtensionPoint,
        config: coreServices.rootConfig,
        userInfo: coreServices.userInfo,
      },
      async init({ policy, config, userInfo }) {
        const platformGroups =
          config.getOptionalStringArray('permissionPolicy.platformGroups') ??
          [];
        policy.setPolicy(new IstioMeshPolicy({ userInfo, platformGroups }));
      },
    });
  },
});
