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
} from '../../lib/kubernetes/listIstioObjects';
import { listPaged } from '../../lib/kubernetes/listPaged';
import { createStringPool, slimPod } from '../../lib/kubernetes/slimPod';
import { withoutManagedFields } from '../../lib/kubernetes/withoutManagedFields';
import type { IstioObject, MeshInventory } from '../../lib/mesh/inventory';
import {
  controlPlaneNamespaces,
  REVISION_TAG_WEBHOOKS,
  sharedMeshConfigNames,
} from '../../lib/mesh/meshConfigMaps';
import { readRevisionTags } from '../../lib/kubernetes/readRevisionTags';
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

/** Records a failed read as a sanitized error of the inventory. */
type Attempt = <T>(
  source: string,
  task: () => Promise<T>,
) => Promise<T | undefined>;

/**
 * Reads what describes a cluster's mesh. Reads run in parallel; each failure is
 * recorded as a sanitized error and leaves its field undefined (unknown). Only a 404
 * on the IstioOperator CRD means "absent" (a 404 on the revision tags' webhook list
 * does not: Kubernetes always serves that type).
 */
export async function readInventory(
  client: ClusterClient,
  prometheusTimeoutMs = 5000,
): Promise<MeshInventory> {
  const errors: MeshInventory['errors'] = [];
  const attempt: Attempt = async (source, task) => {
    try {
      return await task();
    } catch (error) {
      errors.push(toSourceError(source, error));
      return undefined;
    }
  };
  const [kubernetes, istio, revisionTags, prometheus] = await Promise.all([
    readKubernetesObjects(client, attempt),
    readIstioObjects(client, attempt),
    attempt(REVISION_TAG_WEBHOOKS.source, () => readRevisionTags(client)),
    readPrometheusSeries(client, prometheusTimeoutMs, attempt),
  ]);
  return {
    ...kubernetes,
    ...istio,
    revisionTags,
    prometheus,
    prometheusConfigured: Boolean(client.cluster.prometheus),
    errors,
  };
}

/** Kubernetes' own objects; the large lists paged, as plain JSON, each item cut to what the analysis reads. */
async function readKubernetesObjects(
  client: ClusterClient,
  attempt: Attempt,
): Promise<
  Pick<
    MeshInventory,
    | 'kubernetesVersion'
    | 'namespaces'
    | 'pods'
    | 'services'
    | 'deployments'
    | 'daemonSets'
    | 'configMaps'
  >
> {
  const read = <T>(
    source: string,
    task: (apis: KubernetesApis) => Promise<T>,
  ) => attempt(source, () => client.read(task));
  const [version, namespaces, pods, services, deployments, daemonSets] =
    await Promise.all([
      read('kubernetes:version', apis => apis.version.getCode()),
      read('kubernetes:namespaces', apis => apis.core.listNamespace()),
      read('kubernetes:pods', apis => {
        const intern = createStringPool();
        return listPaged(apis, '/api/v1/pods', (pod: V1Pod) =>
          slimPod(pod, intern),
        );
      }),
      read('kubernetes:services', apis =>
        listPaged(apis, '/api/v1/services', withoutManagedFields<V1Service>),
      ),
      read('kubernetes:deployments', apis =>
        listPaged(
          apis,
          '/apis/apps/v1/deployments',
          withoutManagedFields<V1Deployment>,
        ),
      ),
      read('kubernetes:daemonsets', apis =>
        apis.apps.listDaemonSetForAllNamespaces(),
      ),
    ]);
  const configMaps = await read('kubernetes:configmaps', apis =>
    readMeshConfigMaps(
      apis,
      controlPlaneNamespaces(deployments),
      sharedMeshConfigNames(deployments),
    ),
  );
  return {
    ...(version?.gitVersion ? { kubernetesVersion: version.gitVersion } : {}),
    namespaces: namespaces?.items,
    pods,
    services,
    deployments,
    daemonSets: daemonSets?.items,
    configMaps,
  };
}

/**
 * The mesh's ConfigMaps, read in the control-plane namespaces only: MeshConfig (with the
 * shared one istiod's `SHARED_MESH_CONFIG` names), injector and Kiali config.
 */
async function readMeshConfigMaps(
  apis: KubernetesApis,
  namespaces: string[],
  sharedNames: string[],
): Promise<V1ConfigMap[]> {
  const lists = await Promise.all(
    namespaces.map(namespace =>
      apis.core.listNamespacedConfigMap({ namespace }),
    ),
  );
  return lists
    .flatMap(list => list.items)
    .filter(c => {
      const name = c.metadata?.name ?? '';
      return RELEVANT_CONFIG_MAP_NAME.test(name) || sharedNames.includes(name);
    })
    .map(c => withoutManagedFields(c));
}

/** Sidecars, Telemetry and IstioOperators (a 404 on the IstioOperator CRD: absent, as on Istio ≥ 1.21). */
async function readIstioObjects(
  client: ClusterClient,
  attempt: Attempt,
): Promise<Pick<MeshInventory, 'sidecars' | 'telemetries' | 'istioOperators'>> {
  const [sidecars, telemetries, istioOperators] = await Promise.all([
    attempt('istio:sidecars', () =>
      listIstioObjects(client, NETWORKING_API, 'sidecars'),
    ),
    attempt('istio:telemetries', () =>
      listIstioObjects(client, TELEMETRY_API, 'telemetries'),
    ),
    attempt('istio:istiooperators', async () => {
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
        throw error;
      }
    }),
  ]);
  return { sidecars, telemetries, istioOperators };
}

/** Whether Envoy and istiod series exist in the cluster's Prometheus, when it has one. */
async function readPrometheusSeries(
  client: ClusterClient,
  timeoutMs: number,
  attempt: Attempt,
): Promise<MeshInventory['prometheus']> {
  const connection = client.cluster.prometheus;
  if (!connection) return undefined;
  return attempt('prometheus', async () => {
    const prometheus = new PrometheusClient(connection, timeoutMs);
    const [envoy, istiod] = await Promise.all([
      prometheus.query(
        'count(envoy_cluster_manager_active_clusters) or count(envoy_server_memory_allocated)',
      ),
      prometheus.query('count(pilot_xds) or count(pilot_services)'),
    ]);
    return {
      envoySeries: envoy.length > 0 && envoy[0].value > 0,
      istiodSeries: istiod.length > 0 && istiod[0].value > 0,
    };
  });
}
