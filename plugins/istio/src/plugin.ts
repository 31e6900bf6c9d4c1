import {
  createApiFactory,
  createPlugin,
  createRoutableExtension,
  createRouteRef,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/core-plugin-api';
import { istioApiRef, IstioClient } from './api';

/** Route of the entity tab content. */
export const entityContentRouteRef = createRouteRef({
  id: 'istio:entity-content',
});

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
  routes: { entityContent: entityContentRouteRef },
});

/**
 * The "Service Mesh" entity tab for the legacy frontend system. Mount it in an
 * `EntityLayout.Route` guarded by `isIstioAvailable`.
 *
 * @public
 */
export const EntityIstioContent = istioPlugin.provide(
  createRoutableExtension({
    name: 'EntityIstioContent',
    component: () =>
      import('./components/EntityIstioContent').then(m => m.EntityIstioContent),
    mountPoint: entityContentRouteRef,
  }),
);
