import type { CustomFieldValidator } from '@backstage/plugin-scaffolder-react';
import { istioApiRef } from '../../api';

/**
 * Checks a picked cluster against the configured ones when the form is submitted.
 * The select only offers usable clusters, but a value can also arrive pre-filled
 * (a `formData` query parameter, a template default): such a value is refused here
 * rather than failing later in the task. An empty value is left to the template's
 * `required` list.
 */
export const validateIstioCluster: CustomFieldValidator<string> = async (
  value,
  validation,
  { apiHolder },
) => {
  if (!value) return;
  const istioApi = apiHolder.get(istioApiRef);
  // Without the plugin's API nothing can be checked; the backend still refuses an
  // unknown cluster.
  if (!istioApi) return;
  let clusters;
  try {
    clusters = await istioApi.getClusters();
  } catch (error) {
    validation.addError(
      `Could not check cluster ${value}: ${(error as Error).message}`,
    );
    return;
  }
  if (clusters.items.some(c => c.name === value)) return;
  const unusable = clusters.unusable.find(c => c.name === value);
  if (unusable) {
    validation.addError(`Cluster ${value} cannot be used: ${unusable.reason}`);
    return;
  }
  validation.addError(`${value} is not a cluster configured in Backstage`);
};
