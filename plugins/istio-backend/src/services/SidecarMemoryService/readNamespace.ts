import type { V1Namespace, V1Pod, V1Service } from '@kubernetes/client-node';
import {
  PrometheusClient,
  toSourceError,
  type ClusterClient,
  type SourceError,
} from '@istio-backstage/plugin-istio-node';
import {
  listIstioObjects,
  NETWORKING_API,
} from '../../lib/kubernetes/listIstioObjects';
import type { WireList } from '../../lib/kubernetes/listPaged';
import type { MeshServiceInfo, SidecarObject } from '../../lib/sidecar/types';
import { checkNamespace } from './entitySelection';
import {
  memoryFitSums,
  observedEdges,
  proxyWindowMemory,
} from './prometheusQueries';

/** An Istio custom object as the API server sends it (plain JSON). */
export type IstioItem = {
  metadata: {
    name: string;
    namespace: string;
    creationTimestamp?: string;
    annotations?: Record<string, string>;
  };
  spec?: Record<string, any>;
};

/** Everything read from one cluster for one namespace; undefined fields failed (see errors). */
export interface NamespaceData {
  namespacePods?: V1Pod[];
  namespaceLabels?: Record<string, string>;
  services?: MeshServiceInfo[];
  serviceEntries?: Array<{
    namespace: string;
    name: string;
    hosts: string[];
    exportTo: string[];
    ports: number[];
  }>;
  virtualServices?: Array<{ namespace: string; name: string; hosts: string[] }>;
  sidecars?: SidecarObject[];
  /** metrics.k8s.io: istio-proxy working set per pod, bytes. */
  memoryNow?: Map<string, number>;
  prometheus?: {
    edges: Awaited<ReturnType<typeof observedEdges>>;
    window: Awaited<ReturnType<typeof proxyWindowMemory>>;
    memory: Awaited<ReturnType<typeof memoryFitSums>>;
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

/** A ServiceEntry, the part the Sidecar analysis needs. */
export type ServiceEntryInfo = NonNullable<
  NamespaceData['serviceEntries']
>[number];

/** A VirtualService, the part the Sidecar analysis needs. */
export type VirtualServiceInfo = NonNullable<
  NamespaceData['virtualServices']
>[number];

/**
 * Reads the caller may share between requests or answer from a copy kept live by a
 * watch or a background read: those that are the same for every namespace of a
 * cluster (the mesh's Services, ServiceEntries, Sidecars, the memory fit over all its
 * proxies) and a namespace's VirtualServices (`virtualservices/<namespace>`).
 */
export type ShareClusterRead = <T>(
  what:
    | 'services'
    | 'serviceentries'
    | 'sidecars'
    | 'memory-fit'
    | `virtualservices/${string}`,
  read: () => Promise<T>,
) => Promise<T>;

/**
 * Reads a namespace's workloads, the mesh's services and Sidecars, metrics and traffic, in
 * parallel. The namespace's own objects are read as the server's plain JSON: nothing here
 * needs client-node's typed models (pods' timestamps stay strings), and building them is
 * most of a small read's cost.
 */
export async function readNamespace(
  client: ClusterClient,
  namespace: string,
  windowDays: number,
  share: ShareClusterRead = (_what, read) => read(),
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
  const prometheusUrl = client.cluster.prometheusUrl;
  const prometheus = prometheusUrl
    ? new PrometheusClient(prometheusUrl)
    : undefined;

  const [
    pods,
    ns,
    services,
    serviceEntries,
    virtualServices,
    sidecars,
    metrics,
    prom,
  ] = await Promise.all([
    attempt('kubernetes:pods', () =>
      client.read(apis => apis.getJson<WireList<V1Pod>>(podsPath(namespace))),
    ),
    attempt('kubernetes:namespaces', () =>
      client.read(apis =>
        apis.getJson<V1Namespace>(
          `/api/v1/namespaces/${checkNamespace(namespace)}`,
        ),
      ),
    ),
    attempt('kubernetes:services', () =>
      share('services', async () =>
        toServiceInfos(
          (
            await client.read(apis => apis.core.listServiceForAllNamespaces())
          ).items,
        ),
      ),
    ),
    attempt('istio:serviceentries', () =>
      share('serviceentries', async () =>
        toServiceEntries(
          await listIstioObjects<IstioItem>(
            client,
            NETWORKING_API,
            'serviceentries',
          ),
        ),
      ),
    ),
    attempt('istio:virtualservices', () =>
      share(`virtualservices/${namespace}`, async () =>
        toVirtualServices(
          await listIstioObjects<IstioItem>(
            client,
            NETWORKING_API,
            'virtualservices',
            namespace,
          ),
        ),
      ),
    ),
    attempt('istio:sidecars', () =>
      share('sidecars', async () =>
        toSidecarObjects(
          await listIstioObjects<IstioItem>(client, NETWORKING_API, 'sidecars'),
        ),
      ),
    ),
    attempt('metrics.k8s.io', () =>
      client.read(apis =>
        apis.getJson<PodMetricsList>(
          `/apis/metrics.k8s.io/v1beta1/namespaces/${checkNamespace(
            namespace,
          )}/pods`,
        ),
      ),
    ),
    prometheus
      ? attempt('prometheus', async () => {
          const [edges, window, memory] = await Promise.all([
            observedEdges(prometheus, namespace, windowDays),
            proxyWindowMemory(prometheus, namespace, windowDays),
            share('memory-fit', () => memoryFitSums(prometheus)),
          ]);
          return { edges, window, memory };
        })
      : Promise.resolve(undefined),
  ]);

  let memoryNow: Map<string, number> | undefined;
  if (metrics) {
    memoryNow = new Map();
    for (const item of metrics.items ?? []) {
      const proxy = item.containers.find(c => c.name === 'istio-proxy');
      const bytes = quantityToBytes(proxy?.usage.memory);
      if (bytes !== undefined) memoryNow.set(item.metadata.name, bytes);
    }
  }

  return {
    namespacePods: pods ? pods.items ?? [] : undefined,
    namespaceLabels: ns ? ns.metadata?.labels ?? {} : undefined,
    services,
    serviceEntries,
    virtualServices,
    sidecars,
    memoryNow,
    prometheus: prom,
    errors,
  };
}

/** The mesh's view of Services: host, ports and `networking.istio.io/exportTo`. */
export function toServiceInfos(
  services: readonly V1Service[],
): MeshServiceInfo[] {
  return services.map(s => {
    const exportTo = s.metadata?.annotations?.['networking.istio.io/exportTo'];
    return {
      namespace: s.metadata?.namespace ?? '',
      name: s.metadata?.name ?? '',
      host: `${s.metadata?.name}.${s.metadata?.namespace}.svc.cluster.local`,
      ports: (s.spec?.ports ?? []).map(p => p.port),
      exportTo: exportTo ? exportTo.split(',').map(e => e.trim()) : ['*'],
      serviceEntry: false,
    };
  });
}

/** ServiceEntries as the analysis reads them. */
export function toServiceEntries(
  items: readonly IstioItem[],
): ServiceEntryInfo[] {
  return items.map(se => ({
    namespace: se.metadata.namespace,
    name: se.metadata.name,
    hosts: (se.spec?.hosts as string[] | undefined) ?? [],
    exportTo: (se.spec?.exportTo as string[] | undefined) ?? ['*'],
    ports: (
      (se.spec?.ports as Array<{ number: number }> | undefined) ?? []
    ).map(p => p.number),
  }));
}

/** VirtualServices as the analysis reads them. */
export function toVirtualServices(
  items: readonly IstioItem[],
): VirtualServiceInfo[] {
  return items.map(vs => ({
    namespace: vs.metadata.namespace,
    name: vs.metadata.name,
    hosts: (vs.spec?.hosts as string[] | undefined) ?? [],
  }));
}

/** Sidecars as the analysis reads them. */
export function toSidecarObjects(items: readonly IstioItem[]): SidecarObject[] {
  return items.map(sc => ({
    name: sc.metadata.name,
    namespace: sc.metadata.namespace,
    creationTimestamp: sc.metadata.creationTimestamp,
    ...(sc.spec?.workloadSelector?.labels
      ? {
          workloadSelector: sc.spec.workloadSelector.labels as Record<
            string,
            string
          >,
        }
      : {}),
    hosts: (
      (sc.spec?.egress as Array<{ hosts?: string[] }> | undefined) ?? []
    ).flatMap(e => e.hosts ?? []),
    ...(sc.spec?.outboundTrafficPolicy?.mode
      ? { outboundTrafficPolicy: sc.spec.outboundTrafficPolicy.mode as string }
      : {}),
  }));
}
