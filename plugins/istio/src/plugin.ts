import {
  createApiFactory,
  createComponentExtension,
  createPlugin,
  createRoutableExtension,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/core-plugin-api';
import { istioApiRef, IstioClient } from './api';
import { rootRouteRef } from './routes';

/**
 * The Istio frontend plugin for the legacy frontend system.
 *
 * @public
 */
export const istioPlugin = createPlugin({
  id: 'istio',
  apis: [
    // The Kubernetes auth providers API is optional, and a factory dependency that the
    // app lacks fails the factory: the components hand the client the app's API holder
    // instead (see useIstioApi), where it is looked up when a cluster needs it.
    createApiFactory({
      api: istioApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: deps => new IstioClient(deps),
    }),
  ],
  routes: {
    root: rootRouteRef,
  },
});

/**
 * The "Service Mesh" entity tab for the legacy frontend system. Mount it in an
 * `EntityLayout.Route` guarded by `isIstioAvailable`.
 *
 * @public
 */
export const EntityIstioContent: () => JSX.Element = istioPlugin.provide(
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

/**
 * The "Service Mesh" overview card for the legacy frontend system: mesh status, istio-proxy
 * memory and savings of the entity. Put it on the entity Overview page, guarded by
 * `isIstioAvailable`; its link leads to the entity's `istio` tab.
 *
 * @public
 */
export const EntityIstioCard: () => JSX.Element = istioPlugin.provide(
  createComponentExtension({
    name: 'EntityIstioCard',
    component: {
      lazy: () =>
        import('./components/EntityIstioCard').then(m => m.EntityIstioCard),
    },
  }),
);

/**
 * The mesh page for the legacy frontend system: every configured cluster's Istio
 * installation and diagnostics. Mount it on a route, e.g. `<Route path="/istio" …>`.
 *
 * @public
 */
export const IstioMeshPage: () => JSX.Element = istioPlugin.provide(
  createRoutableExtension({
    name: 'IstioMeshPage',
    component: () =>
      import('./components/IstioMeshPage').then(m => m.IstioMeshPage),
    mountPoint: rootRouteRef,
  }),
);
