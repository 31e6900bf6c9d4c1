import { discoveryApiRef, fetchApiRef } from '@backstage/core-plugin-api';
import {
  ApiBlueprint,
  createFrontendPlugin,
} from '@backstage/frontend-plugin-api';
import { EntityContentBlueprint } from '@backstage/plugin-catalog-react/alpha';
import { isIstioAvailable } from '@istio-backstage/plugin-istio-common';
import { istioApiRef, IstioClient } from './api';

/** The Istio API client for the new frontend system. */
export const istioApi = ApiBlueprint.make({
  params: defineParams =>
    defineParams({
      api: istioApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: deps => new IstioClient(deps),
    }),
});

/** The "Service Mesh" entity tab for the new frontend system. */
export const istioEntityContent = EntityContentBlueprint.make({
  params: {
    path: '/istio',
    title: 'Service Mesh',
    filter: isIstioAvailable,
    loader: () =>
      import('./components/EntityIstioContent').then(m => (
        <m.EntityIstioContent />
      )),
  },
});

/**
 * The Istio frontend plugin for the new frontend system.
 *
 * @alpha
 */
export default createFrontendPlugin({
  pluginId: 'istio',
  title: 'Service Mesh',
  extensions: [istioApi, istioEntityContent],
});
