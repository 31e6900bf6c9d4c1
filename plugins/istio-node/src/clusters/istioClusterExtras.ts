import type { Config } from '@backstage/config';
import { readPrometheusConnection } from '../prometheus/readPrometheusConnection';
import type { IstioClusterConfig } from './types';
import { optionalHttpUrl } from '../lib/httpUrl';

/**
 * What `istio.clusters[]` adds to a Kubernetes plugin cluster of the same name.
 *
 * @public
 */
export type IstioClusterExtras = Pick<
  IstioClusterConfig,
  'prometheus' | 'kialiUrl' | 'jaegerUrl' | 'grafanaUrl' | 'grafanaDashboards'
>;

/** The extras of a cluster that has no `istio.clusters[]` entry. */
export const NO_EXTRAS: IstioClusterExtras = { grafanaDashboards: {} };

/**
 * Reads `istio.clusters[]` by cluster name. These are our own keys, so a mistake fails
 * fast with its config path.
 */
export function readIstioClusterExtras(
  root: Config,
): Map<string, IstioClusterExtras> {
  const extras = new Map<string, IstioClusterExtras>();
  (root.getOptionalConfigArray('istio.clusters') ?? []).forEach(
    (entry, index) => {
      const path = `istio.clusters[${index}]`;
      const name = entry.getString('name');
      if (extras.has(name))
        throw new Error(`${path}: cluster '${name}' is listed more than once`);
      extras.set(name, {
        prometheus: readPrometheusConnection(
          entry.getOptionalConfig('prometheus'),
          `${path}.prometheus`,
        ),
        kialiUrl: optionalHttpUrl(entry, 'kiali.url', path),
        jaegerUrl: optionalHttpUrl(entry, 'jaeger.url', path),
        grafanaUrl: optionalHttpUrl(entry, 'grafana.url', path),
        grafanaDashboards: {
          service: entry.getOptionalString('grafana.dashboards.service'),
          workload: entry.getOptionalString('grafana.dashboards.workload'),
          mesh: entry.getOptionalString('grafana.dashboards.mesh'),
        },
      });
    },
  );
  return extras;
}
