import { makeFieldSchema } from '@backstage/plugin-scaffolder-react';

/** The name templates give as `ui:field` to get the picker. */
export const ISTIO_CLUSTER_PICKER = 'IstioClusterPicker';

/**
 * What the field returns: a cluster's name. It has no UI options; whether a cluster
 * must be picked comes from the template's `required` list.
 */
export const istioClusterPickerSchema = makeFieldSchema({
  output: z =>
    z
      .string()
      .describe(
        'The name of a cluster configured for Backstage (Istio plugin)',
      ),
});

/** The props the scaffolder form gives the picker. */
export type IstioClusterPickerProps = typeof istioClusterPickerSchema.TProps;
