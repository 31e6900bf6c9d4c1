import type { KubernetesRequestAuth } from '@backstage/plugin-kubernetes-common';
import type { V1Namespace, V1Pod } from '@kubernetes/client-node';
import {
  PrometheusClient,
  toSourceError,
  type ClusterClient,
  type SourceError,
} from '@istio-backstage/plugin-istio-node';
import type { WireList } from '../../lib/kubernetes/listPaged';
import type {
  DestinationRuleInfo,
  ServiceEntryInfo,
  VirtualServiceInfo,
} from '../../lib/kubernetes/meshObjects';
import {
  observedEdges,
  proxyWindowMemory,
  type ProxyWindowMemory,
} from '../../lib/prometheus/proxyQueries';
import type { MemoryFitSums } from '../../lib/sidecar';
import type {
  MeshServiceInfo,
  ObservedEdge,
  SidecarObject,
} from '../../lib/sidecar/types';
import type { ClusterReads } from '../ClusterReads';
import { checkNamespace } from './entitySelection';

/** Everything read from one cluster for one namespace; undefined fields failed (see errors). */
export interface NamespaceData {
  namespacePods?: V1Pod[];
  namespaceLabels?: Record<string, string>;
  services?: MeshServiceInfo[];
  serviceEntries?: ServiceEntryInfo[];
  /** Every VirtualService of the mesh: one in any namespace may route a called host. */
  virtualServices?: VirtualServiceInfo[];
  /** Every DestinationRule of the mesh (for warnings about rules that never apply). */
  destinationRules?: DestinationRuleInfo[];
  sidecars?: SidecarObject[];
  /** metrics.k8s.io: istio-proxy working set per pod, bytes. */
  memoryNow?: Map<string, number>;
  prometheus?: {
    edges: ObservedEdge[];
    window: ProxyWindowMemory;
    memory: MemoryFitSums | undefined;
  };
  errors: SourceError[];
}

/** `metrics.k8s.io/v1beta1` PodMetricsList, the part read here. */
type PodMetricsList = WireList<{
  metadata: { name: string };
  containers: Array<{ name: string; usage: { memory: string } }>;
}>;

/**
 * The pods of a namespace (or of the cluster), as an API path. The namespace is checked
 * to be a DNS-1123 label first, so nothing else ever becomes part of a path.
 */
export function podsPath(namespace?: string): string {
  return namespace === undefined
    ? '/api/v1/pods'
    : `/api/v1/namespaces/${checkNamespace(namespace)}/pods`;
}

/** Kubernetes quantities as bytes: `123456Ki`, `300Mi`, `1Gi`, `1048576`. */
export function quantityToBytes(
  quantity: string | undefined,
): number | undefined {
  const match = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti|k|M|G|T)?$/.exec(quantity ?? '');
  if (!match) return undefined;
  const units: Record<string, number> = {
    Ki: 1024,
    Mi: 1024 ** 2,
    Gi: 1024 ** 3,
    Ti: 1024 ** 4,
    k: 1e3,
    M: 1e6,
    G: 1e9,
    T: 1e12,
  };
  return Math.round(Number(match[1]) * (match[2] ? units[match[2]] : 1));
}

/** Where a namespace is read, and how fresh. */
export interface NamespaceReadRequest {
  client: ClusterClient;
  reads: ClusterReads;
  namespace: string;
  windowDays: number;
  /** Read everything from the cluster now (before a write). */
  fresh?: boolean;
  /** The applied-Sidecar store's revision: Sidecars read under another are not reused. */
  appliedRevision?: string;
  /** The user's tokens, for a cluster reached with them. */
  userAuth?: KubernetesRequestAuth;
}

/**
 * Reads a namespace's workloads, the mesh's services and Sidecars, metrics and traffic, in
 * parallel. Each failed source is an error of the answer and leaves its field undefined.
 */
export async function readNamespace(
  request: NamespaceReadRequest,
): Promise<NamespaceData> {
  const errors: SourceError[] = [];
  const attempt = async <T>(
    source: string,
    task: () => Promise<T>,
  ): Promise<T | undefined> => {
    try {
      return await task();
    } catch (error) {
      errors.push(toSourceError(source, error));
      return undefined;
    }
  };
  const [own, meshWide, prometheus] = await Promise.all([
    readNamespaceObjects(request, attempt),
    readMeshWideLists(request, attempt),
    readProxyMetrics(request, attempt),
  ]);
  return { ...own, ...meshWide, prometheus, errors };
}

/** Runs one source's read; undefined (and an error recorded) when it fails. */
type Attempt = <T>(
  source: string,
  task: () => Promise<T>,
) => Promise<T | undefined>;

/**
 * The namespace's own objects, as the server's plain JSON: nothing here needs
 * client-node's typed models (pods' timestamps stay strings), and building them is most
 * of a small read's cost.
 */
async function readNamespaceObjects(
  { client, namespace }: NamespaceReadRequest,
  attempt: Attempt,
): Promise<
  Pick<NamespaceData, 'namespacePods' | 'namespaceLabels' | 'memoryNow'>
> {
  const checked = checkNamespace(namespace);
  const [pods, ns, metrics] = await Promise.all([
    attempt('kubernetes:pods', () =>
      client.read(apis => apis.getJson<WireList<V1Pod>>(podsPath(checked))),
    ),
    attempt('kubernetes:namespaces', () =>
      client.read(apis =>
        apis.getJson<V1Namespace>(`/api/v1/namespaces/${checked}`),
      ),
    ),
    attempt('metrics.k8s.io', () =>
      client.read(apis =>
        apis.getJson<PodMetricsList>(
          `/apis/metrics.k8s.io/v1beta1/namespaces/${checked}/pods`,
        ),
      ),
    ),
  ]);
  return {
    namespacePods: pods ? pods.items ?? [] : undefined,
    namespaceLabels: ns ? ns.metadata?.labels ?? {} : undefined,
    memoryNow: metrics ? proxyMemoryOf(metrics) : undefined,
  };
}

/** The mesh-wide lists the Sidecar analysis needs, through the cluster's read model. */
async function readMeshWideLists(
  request: NamespaceReadRequest,
  attempt: Attempt,
): Promise<
  Pick<
    NamespaceData,
    | 'services'
    | 'serviceEntries'
    | 'virtualServices'
    | 'destinationRules'
    | 'sidecars'
  >
> {
  const { reads, appliedRevision } = request;
  const cluster = request.client.cluster.name;
  const options = { fresh: request.fresh, userAuth: request.userAuth };
  const [
    services,
    serviceEntries,
    virtualServices,
    destinationRules,
    sidecars,
  ] = await Promise.all([
    attempt('kubernetes:services', () => reads.services(cluster, options)),
    attempt('istio:serviceentries', () =>
      reads.serviceEntries(cluster, options),
    ),
    attempt('istio:virtualservices', () =>
      reads.virtualServices(cluster, options),
    ),
    attempt('istio:destinationrules', () =>
      reads.destinationRules(cluster, options),
    ),
    attempt('istio:sidecars', () =>
      reads.sidecars(cluster, { ...options, appliedRevision }),
    ),
  ]);
  return {
    services,
    serviceEntries,
    virtualServices,
    destinationRules,
    sidecars,
  };
}

/** Traffic and memory over the window from the cluster's Prometheus, when it has one. */
async function readProxyMetrics(
  request: NamespaceReadRequest,
  attempt: Attempt,
): Promise<NamespaceData['prometheus']> {
  const { client, reads, namespace, windowDays, fresh } = request;
  const connection = client.cluster.prometheus;
  if (!connection) return undefined;
  return attempt('prometheus', async () => {
    const prometheus = new PrometheusClient(connection);
    const [edges, window, memory] = await Promise.all([
      observedEdges(prometheus, namespace, windowDays),
      proxyWindowMemory(prometheus, namespace, windowDays),
      reads.memoryFit(client.cluster.name, { fresh }),
    ]);
    return { edges, window, memory };
  });
}

/** istio-proxy working set per pod, bytes, from a PodMetricsList. */
function proxyMemoryOf(metrics: PodMetricsList): Map<string, number> {
  const memoryNow = new Map<string, number>();
  for (const item of metrics.items ?? []) {
    const proxy = item.containers.find(c => c.name === 'istio-proxy');
    const bytes = quantityToBytes(proxy?.usage.memory);
    if (bytes !== undefined) memoryNow.set(item.metadata.name, bytes);
  }
  return memoryNow;
}
