import {
  statusOf,
  type ClusterClient,
} from '@istio-backstage/plugin-istio-node';
import type { V1ListMeta } from '@kubernetes/client-node';
import type { IstioObject } from '../mesh/inventory';

/** An Istio API group and the versions it has been served in, newest first. */
export interface IstioApi {
  group: string;
  versions: string[];
}

export const NETWORKING_API: IstioApi = {
  group: 'networking.istio.io',
  versions: ['v1', 'v1beta1', 'v1alpha3'],
};

/** Istio < 1.22 serves Telemetry as v1alpha1 only. */
export const TELEMETRY_API: IstioApi = {
  group: 'telemetry.istio.io',
  versions: ['v1', 'v1alpha1'],
};

/**
 * Lists Istio custom objects (cluster-wide, or in `namespace`) in the newest version
 * the cluster serves, falling back to older ones on 404. Throws the last failure —
 * a 404 on every version included, which the caller reports (never "none").
 */
export async function listIstioObjects<T = IstioObject>(
  client: ClusterClient,
  api: IstioApi,
  plural: string,
  namespace?: string,
): Promise<T[]> {
  return (await listIstioCollection<T>(client, api, plural, namespace)).list
    .items;
}

/**
 * {@link listIstioObjects} as the whole list (its resourceVersion, to watch from) and
 * the version that served it.
 */
export async function listIstioCollection<T = IstioObject>(
  client: ClusterClient,
  api: IstioApi,
  plural: string,
  namespace?: string,
): Promise<{ version: string; list: { metadata?: V1ListMeta; items: T[] } }> {
  const { group, versions } = api;
  for (const [i, version] of versions.entries()) {
    try {
      const list = (await client.read(apis =>
        namespace
          ? apis.custom.listNamespacedCustomObject({
              group,
              version,
              namespace,
              plural,
            })
          : apis.custom.listClusterCustomObject({ group, version, plural }),
      )) as { metadata?: V1ListMeta; items: T[] };
      return { version, list };
    } catch (error) {
      if (statusOf(error) !== 404 || i === versions.length - 1) throw error;
    }
  }
  throw new Error(`${group} lists no versions`);
}
