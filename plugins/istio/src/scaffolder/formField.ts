import { createFormField } from '@backstage/plugin-scaffolder-react/alpha';
import { IstioClusterPicker } from './IstioClusterPicker/IstioClusterPicker';
import {
  ISTIO_CLUSTER_PICKER,
  istioClusterPickerSchema,
} from './IstioClusterPicker/schema';
import { validateIstioCluster } from './IstioClusterPicker/validation';

/**
 * The `IstioClusterPicker` field for the new frontend system. The plugin's
 * `FormFieldBlueprint` extension imports this module only when the scaffolder loads
 * its form fields, so the picker stays out of the app's first bundle.
 */
export const istioClusterPickerFormField = createFormField({
  name: ISTIO_CLUSTER_PICKER,
  component: IstioClusterPicker,
  validation: validateIstioCluster,
  schema: istioClusterPickerSchema,
});
