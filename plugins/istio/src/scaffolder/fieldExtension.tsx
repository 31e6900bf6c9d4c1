import { Progress } from '@backstage/core-components';
import { attachComponentData } from '@backstage/core-plugin-api';
import { createScaffolderFieldExtension } from '@backstage/plugin-scaffolder-react';
import { lazy, Suspense } from 'react';
import { istioPlugin } from '../plugin';
import {
  ISTIO_CLUSTER_PICKER,
  istioClusterPickerSchema,
  type IstioClusterPickerProps,
} from './IstioClusterPicker/schema';
import { validateIstioCluster } from './IstioClusterPicker/validation';

// Legacy field extensions take a component, not a loader: React.lazy keeps the picker
// in its own chunk, fetched when a template first shows the field.
const LazyIstioClusterPicker = lazy(() =>
  import('./IstioClusterPicker/IstioClusterPicker').then(m => ({
    default: m.IstioClusterPicker,
  })),
);

/** The picker, loaded on first render. */
function IstioClusterPickerLoader(props: IstioClusterPickerProps) {
  return (
    <Suspense fallback={<Progress />}>
      <LazyIstioClusterPicker {...props} />
    </Suspense>
  );
}

/**
 * The `IstioClusterPicker` scaffolder field for the legacy frontend system: a select
 * of the clusters configured for Backstage. Put it in the scaffolder route's
 * `ScaffolderFieldExtensions`, and use `ui:field: IstioClusterPicker` in templates.
 *
 * @public
 */
export const IstioClusterPickerFieldExtension = istioPlugin.provide(
  createScaffolderFieldExtension({
    name: ISTIO_CLUSTER_PICKER,
    component: IstioClusterPickerLoader,
    validation: validateIstioCluster,
    schema: istioClusterPickerSchema.schema,
  }),
);

// Field extensions carry no plugin, unlike the other legacy extensions: the legacy app
// finds plugins (and registers their APIs) from this data on the elements it mounts,
// so an app that only uses the picker still gets the Istio API it reads clusters with.
attachComponentData(
  IstioClusterPickerFieldExtension,
  'core.plugin',
  istioPlugin,
);
