import { Content } from '@backstage/core-components';
import { convertLegacyRouteRef } from '@backstage/core-compat-api';
import { discoveryApiRef, fetchApiRef } from '@backstage/core-plugin-api';
import {
  ApiBlueprint,
  createFrontendPlugin,
  PageBlueprint,
} from '@backstage/frontend-plugin-api';
import {
  EntityCardBlueprint,
  EntityContentBlueprint,
} from '@backstage/plugin-catalog-react/alpha';
import { FormFieldBlueprint } from '@backstage/plugin-scaffolder-react/alpha';
import { isIstioAvailable } from '@istio-backstage/plugin-istio-common';
import DeviceHubIcon from '@material-ui/icons/DeviceHub';
import { istioApiRef, IstioClient } from './api';
import { rootRouteRef } from './routes';

export { istioTranslationRef } from './translation';

/** The mesh page's route in the new system: the legacy ref, converted once. */
const meshRouteRef = convertLegacyRouteRef(rootRouteRef);

/**
 * The Istio API client for the new frontend system. The Kubernetes auth providers API is
 * optional, and a factory dependency that the app lacks fails the factory: the
 * components hand the client the app's API holder instead (see useIstioApi), where it is
 * looked up when a cluster needs the user's token.
 *
 * @alpha
 */
export const istioApi = ApiBlueprint.make({
  params: defineParams =>
    defineParams({
      api: istioApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: deps => new IstioClient(deps),
    }),
});

/**
 * The "Service Mesh" entity tab for the new frontend system.
 *
 * @alpha
 */
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
 * The "Service Mesh" overview card (mesh status, istio-proxy memory, savings), an info
 * card on the entity Overview of entities the plugin can match to pods.
 *
 * @alpha
 */
export const istioEntityCard = EntityCardBlueprint.make({
  params: {
    type: 'info',
    filter: isIstioAvailable,
    loader: () =>
      import('./components/EntityIstioCard').then(m => <m.EntityIstioCard />),
  },
});

/**
 * The mesh page at `/istio`. The app's page layout draws the "Service Mesh" header, so
 * only the content is rendered; the route ref gives it a sidebar item.
 *
 * @alpha
 */
export const istioMeshPage = PageBlueprint.make({
  params: {
    path: '/istio',
    title: 'Service Mesh',
    routeRef: meshRouteRef,
    loader: () =>
      import('./components/IstioMeshPage').then(m => (
        <Content>
          <m.IstioMeshContent />
        </Content>
      )),
  },
});

/**
 * The scaffolder field `IstioClusterPicker` (a select of the configured clusters). It
 * attaches to the scaffolder plugin's form fields, which load it when a form needs its
 * fields, so the picker's code is only fetched then.
 *
 * @alpha
 */
export const istioClusterPickerFormField = FormFieldBlueprint.make({
  name: 'cluster-picker',
  params: {
    field: () =>
      import('./scaffolder/formField').then(m => m.istioClusterPickerFormField),
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
  icon: <DeviceHubIcon />,
  routes: { root: meshRouteRef },
  extensions: [
    istioApi,
    istioEntityContent,
    istioEntityCard,
    istioMeshPage,
    istioClusterPickerFormField,
  ],
});
