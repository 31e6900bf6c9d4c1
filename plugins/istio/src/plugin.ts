import {
  createApiFactory,
  createComponentExtension,
  createPlugin,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/core-plugin-api';
import { istioApiRef, IstioClient } from './api';

/**
 * The Istio frontend plugin for the legacy frontend system.
 *
 * @public
 */
export const istioPlugin = createPlugin({
  id: 'istio',
  apis: [
    createApiFactory({
      api: istioApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: deps => new IstioClient(deps),
    }),
  ],
});

/**
 * The "Service Mesh" entity tab for the legacy frontend system. Mount it in an
 * `EntityLayout.Route` guarded by `isIstioAvailable`.
 *
 * @public
 */
export const EntityIstioContent = istioPlugin.provide(
  createComponentExtension({
    name: 'EntityIstioContent',
    component: {
      lazy: () =>
        import('./components/EntityIstioContent').then(
          m => m.EntityIstioContent,
        ),
    },
  }),
);
