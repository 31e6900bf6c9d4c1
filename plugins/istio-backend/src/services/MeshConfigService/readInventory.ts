import {
  PrometheusClient,
  statusOf,
  toSourceError,
  type ClusterClient,
  type KubernetesApis,
} from '@istio-backstage/plugin-istio-node';
import {
  listIstioObjects,
  NETWORKING_API,
  TELEMETRY_API,
  type IstioApi,
} from '../../lib/kubernetes/listIstioObjects';
import { listPaged } from '../../lib/kubernetes/listPaged';
import { createStringPool, slimPod } from '../../lib/kubernetes/slimPod';
import { withoutManagedFields } from '../../lib/kubernetes/withoutManagedFields';
import type { IstioObject, MeshInventory } from '../../lib/mesh/inventory';
import type {
  V1ConfigMap,
  V1Deployment,
  V1Pod,
  V1Service,
} from '@kubernetes/client-node';

type CustomList = { items: IstioObject[] };

/** The ConfigMaps the analysis reads: MeshConfig, injector and Kiali config, nothing else. */
const RELEVANT_CONFIG_MAP_NAME =
  /^(istio(-[a-z0-9-]+)?|istio-sidecar-injector(-[a-z0-9-]+)?|kiali)$/;

/**
 * Reads what describes a cluster's mesh. Reads run in parallel; each failure is
 * recorded as a sanitized error and leaves its field undefined (unknown). Only a 404
 * on the IstioOperator CRD means "absent".
 */
export async function readInventory(
  client: ClusterClient,
  prometheusTimeoutMs = 5000,
): Promise<MeshInventory> {
  const errors: MeshInventory['errors'] = [];
  const attempt = async <T>(
    source: string,
    task: (apis: KubernetesApis) => Promise<T>,
  ): Promise<T | undefined> => {
    try {
      return await client.read(task);
    } catch (error) {
      errors.push(toSourceError(source, error));
      return undefined;
    }
  };
  const listIstio = async (source: string, api: IstioApi, plural: string) => {
    try {
      return await listIstioObjects(client, api, plural);
    } catch (error) {
      errors.push(toSourceError(source, error));
      return undefined;
    }
  };

  const [
    version,
    namespaces,
    pods,
    services,
    deployments,
    daemonSets,
    configMaps,
    sidecars,
    telemetries,
    istioOperators,
  ] = await Promise.all([
    attempt('kubernetes:version', apis => apis.version.getCode()),
    attempt('kubernetes:namespaces', apis => apis.core.listNamespace()),
    // The large lists: paged, as plain JSON, each item cut to what the analysis reads.
    attempt('kubernetes:pods', apis => {
      const intern = createStringPool();
      return listPaged(apis, '/api/v1/pods', (pod: V1Pod) =>
        slimPod(pod, intern),
      );
    }),
    attempt('kubernetes:services', apis =>
      listPaged(apis, '/api/v1/services', withoutManagedFields<V1Service>),
    ),
    attempt('kubernetes:deployments', apis =>
      listPaged(
        apis,
        '/apis/apps/v1/deployments',
        withoutManagedFields<V1Deployment>,
      ),
    ),
    attempt('kubernetes:daemonsets', apis =>
      apis.apps.listDaemonSetForAllNamespaces(),
    ),
    attempt('kubernetes:configmaps', apis =>
      listPaged(apis, '/api/v1/configmaps', (c: V1ConfigMap) =>
        RELEVANT_CONFIG_MAP_NAME.test(c.metadata?.name ?? '')
          ? withoutManagedFields(c)
          : undefined,
      ),
    ),
    listIstio('istio:sidecars', NETWORKING_API, 'sidecars'),
    listIstio('istio:telemetries', TELEMETRY_API, 'telemetries'),
    (async () => {
      try {
        const list = (await client.read(apis =>
          apis.custom.listClusterCustomObject({
            group: 'install.istio.io',
            version: 'v1alpha1',
            plural: 'istiooperators',
          }),
        )) as CustomList;
        return list.items;
      } catch (error) {
        if (statusOf(error) === 404) return 'crd-absent' as const;
        errors.push(toSourceError('istio:istiooperators', error));
        return undefined;
      }
    })(),
  ]);

  let prometheus: MeshInventory['prometheus'];
  const prometheusUrl = client.cluster.prometheusUrl;
  if (prometheusUrl) {
    const prom = new PrometheusClient(prometheusUrl, prometheusTimeoutMs);
    try {
      const [envoy, istiod] = await Promise.all([
        prom.query(
          'count(envoy_cluster_manager_active_clusters) or count(envoy_server_memory_allocated)',
        ),
        prom.query('count(pilot_xds) or count(pilot_services)'),
      ]);
      prometheus = {
        envoySeries: envoy.length > 0 && envoy[0].value > 0,
        istiodSeries: istiod.length > 0 && istiod[0].value > 0,
      };
    } catch (error) {
      errors.push(toSourceError('prometheus', error));
    }
  }

  return {
    ...(version?.gitVersion ? { kubernetesVersion: version.gitVersion } : {}),
    namespaces: namespaces?.items,
    pods,
    services,
    deployments,
    daemonSets: daemonSets?.items,
    configMaps,
    sidecars,
    telemetries,
    istioOperators,
    prometheus,
    prometheusConfigured: Boolean(prometheusUrl),
    errors,
  };
}
