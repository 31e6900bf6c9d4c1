import { createBackendModule } from '@backstage/backend-plugin-api';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import { createCheckVersionAction } from './actions/checkVersion';

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
      deps: { scaffolder: scaffolderActionsExtensionPoint },
      async init({ scaffolder }) {
        scaffolder.addActions(createCheckVersionAction());
      },
    });
  },
});
