import type { ApiHolder } from '@backstage/core-plugin-api';
import type { IstioClustersResponse } from '@istio-backstage/plugin-istio-common';
import { istioApiRef } from '../../api';
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
): Promise<string[]> {
  const errors: string[] = [];
  const apiHolder: ApiHolder = {
    get: ref =>
      (ref.id === istioApiRef.id && getClusters
        ? { getClusters }
        : undefined) as any,
  };
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

  it('accepts any value in an app without the Istio API', async () => {
    expect(await errorsFor('prod')).toEqual([]);
  });
});
