import {
  createTranslationRef,
  type TranslationApi,
  type TranslationMessages,
} from '@backstage/core-plugin-api/alpha';
import { mockApis } from '@backstage/test-utils';
import { istioTranslationRef, type IstioTranslation } from '../translation';

/** A translation function called with keys and values only known at run time. */
type AnyTranslation = (key: string, options?: object) => string;

/** The plugin's English messages, as components get them in an app without translations. */
export function englishT(): IstioTranslation {
  const snapshot = mockApis.translation().getTranslation(istioTranslationRef);
  if (!snapshot.ready) throw new Error('The mock translation API is not ready');
  return snapshot.t;
}

/**
 * A translation API like an app's that was given translation messages (what an app
 * passes to `createApp` in the legacy system, or as a `TranslationBlueprint` extension
 * in the new one): every message they set replaces the plugin's default and is
 * interpolated by i18next like the app's own API does; the others stay as they were.
 */
export function translationApiWith(
  ...resources: TranslationMessages[]
): TranslationApi {
  const defaults = mockApis.translation();
  const overrides = mockApis.translation();
  return {
    getTranslation(ref) {
      const snapshot = defaults.getTranslation(ref);
      const messages: Record<string, string> = {};
      for (const resource of resources.filter(r => r.id === ref.id))
        for (const [key, message] of Object.entries(resource.messages))
          if (typeof message === 'string') messages[key] = message;
      const keys = Object.keys(messages);
      if (!snapshot.ready || keys.length === 0) return snapshot;
      const overridden = overrides.getTranslation(
        createTranslationRef({ id: ref.id, messages }),
      );
      if (!overridden.ready) return snapshot;
      // Plural messages are set as `<key>_one`, `<key>_other`, but looked up as `<key>`.
      const isOverridden = (key: string) =>
        keys.some(k => k === key || k.startsWith(`${key}_`));
      const t = (key: string, options?: object) =>
        isOverridden(key)
          ? (overridden.t as AnyTranslation)(key, options)
          : (snapshot.t as AnyTranslation)(key, options);
      return { ready: true, t: t as typeof snapshot.t };
    },
    translation$: ref => defaults.translation$(ref),
  };
}
