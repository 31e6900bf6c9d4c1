import type { ApiHolder } from '@backstage/core-plugin-api';
import {
  createTranslationMessages,
  translationApiRef,
  type TranslationApi,
} from '@backstage/core-plugin-api/alpha';
import type { IstioClustersResponse } from '@istio-backstage/plugin-istio-common';
import { translationApiWith } from '../../__testUtils__/translation';
import { istioApiRef } from '../../api';
import { istioTranslationRef } from '../../translation';
import { validateIstioCluster } from './validation';

const clusters: IstioClustersResponse = {
  items: [
    {
      name: 'demo',
      links: {},
      prometheusConfigured: false,
      authProvider: 'serviceAccount',
    },
  ],
  unusable: [
    {
      name: 'legacy',
      source: 'kubernetes.clusterLocatorMethods[0].clusters[1]',
      reason: 'no service account token configured',
    },
  ],
};

/** The errors the validator adds for a value, with the given cluster read. */
async function errorsFor(
  value: string | undefined,
  getClusters?: () => Promise<IstioClustersResponse>,
  translationApi?: TranslationApi,
): Promise<string[]> {
  const errors: string[] = [];
  const apis: Record<string, unknown> = {
    [istioApiRef.id]: getClusters && { getClusters },
    [translationApiRef.id]: translationApi,
  };
  const apiHolder: ApiHolder = { get: ref => apis[ref.id] as any };
  await validateIstioCluster(
    value as string,
    { addError: (message: string) => errors.push(message) } as any,
    { apiHolder, formData: {}, schema: {} },
  );
  return errors;
}

describe('validateIstioCluster', () => {
  it('accepts a configured cluster', async () => {
    expect(await errorsFor('demo', async () => clusters)).toEqual([]);
  });

  it('refuses an unusable cluster, with the reason', async () => {
    expect(await errorsFor('legacy', async () => clusters)).toEqual([
      'Cluster legacy cannot be used: no service account token configured',
    ]);
  });

  it('refuses a name that is not configured', async () => {
    expect(await errorsFor('prod', async () => clusters)).toEqual([
      'prod is not a cluster configured in Backstage',
    ]);
  });

  it('refuses when the clusters cannot be read, saying why', async () => {
    expect(
      await errorsFor('demo', async () => {
        throw new Error('Request failed with 503 Service Unavailable');
      }),
    ).toEqual([
      'Could not check cluster demo: Request failed with 503 Service Unavailable',
    ]);
  });

  it('leaves an empty value to the required list, without reading the clusters', async () => {
    const getClusters = jest.fn(async () => clusters);
    expect(await errorsFor('', getClusters)).toEqual([]);
    expect(await errorsFor(undefined, getClusters)).toEqual([]);
    expect(getClusters).not.toHaveBeenCalled();
  });

  it("says it in the app's words when the app translates the plugin", async () => {
    const translationApi = translationApiWith(
      createTranslationMessages({
        ref: istioTranslationRef,
        messages: {
          'clusterPicker.validation.notConfigured':
            '{{cluster}} ist kein in Backstage konfigurierter Cluster',
        },
      }),
    );
    expect(
      await errorsFor('prod', async () => clusters, translationApi),
    ).toEqual(['prod ist kein in Backstage konfigurierter Cluster']);
  });

  it('accepts any value in an app without the Istio API', async () => {
    expect(await errorsFor('prod')).toEqual([]);
  });
});
