import type { ApiHolder } from '@backstage/core-plugin-api';
import {
  translationApiRef,
  type TranslationApi,
} from '@backstage/core-plugin-api/alpha';
import type { CustomFieldValidator } from '@backstage/plugin-scaffolder-react';
import { istioApiRef } from '../../api';
import {
  istioMessages,
  istioTranslationRef,
  type IstioTranslation,
} from '../../translation';

/** The validation's sentences, in the app's language. */
interface ValidationText {
  checkFailed(cluster: string, error: string): string;
  unusable(cluster: string, reason: string): string;
  notConfigured(cluster: string): string;
}

/** A message with its `{{name}}` values filled in. */
function fill(message: string, values: Record<string, string>): string {
  return message.replace(/\{\{(\w+)\}\}/g, (_, name) => values[name] ?? '');
}

/** The plugin's messages from the app's translation API, once they are loaded. */
function translationOf(
  api: TranslationApi,
): Promise<IstioTranslation | undefined> {
  const snapshot = api.getTranslation(istioTranslationRef);
  if (snapshot.ready) return Promise.resolve(snapshot.t);
  return new Promise(resolve => {
    let settled = false;
    let subscription: { unsubscribe(): void } | undefined = undefined;
    const settle = (t?: IstioTranslation) => {
      if (settled) return;
      settled = true;
      subscription?.unsubscribe();
      resolve(t);
    };
    subscription = api.translation$(istioTranslationRef).subscribe({
      next: next => {
        if (next.ready) settle(next.t);
      },
      error: () => settle(undefined),
    });
    if (settled) subscription.unsubscribe();
  });
}

/**
 * The sentences the validation adds: translated by the app, or the plugin's own
 * English where the form has no translation API.
 */
async function validationText(apiHolder: ApiHolder): Promise<ValidationText> {
  const api = apiHolder.get(translationApiRef);
  const t = api ? await translationOf(api) : undefined;
  if (t) {
    return {
      checkFailed: (cluster, error) =>
        t('clusterPicker.validation.checkFailed', { cluster, error }),
      unusable: (cluster, reason) =>
        t('clusterPicker.validation.unusable', { cluster, reason }),
      notConfigured: cluster =>
        t('clusterPicker.validation.notConfigured', { cluster }),
    };
  }
  const english = istioMessages.clusterPicker.validation;
  return {
    checkFailed: (cluster, error) =>
      fill(english.checkFailed, { cluster, error }),
    unusable: (cluster, reason) => fill(english.unusable, { cluster, reason }),
    notConfigured: cluster => fill(english.notConfigured, { cluster }),
  };
}

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
  const text = await validationText(apiHolder);
  let clusters;
  try {
    clusters = await istioApi.getClusters();
  } catch (error) {
    validation.addError(text.checkFailed(value, (error as Error).message));
    return;
  }
  if (clusters.items.some(c => c.name === value)) return;
  const unusable = clusters.unusable.find(c => c.name === value);
  if (unusable) {
    validation.addError(text.unusable(value, unusable.reason));
    return;
  }
  validation.addError(text.notConfigured(value));
};
