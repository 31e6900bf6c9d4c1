import type {
  CacheService,
  LoggerService,
  SchedulerService,
} from '@backstage/backend-plugin-api';
import {
  PrometheusClient,
  type ClusterAccess,
} from '@istio-backstage/plugin-istio-node';
import type { V1Namespace } from '@kubernetes/client-node';
import type { LiveListTimings } from '../../lib/kubernetes/LiveList';
import type { WireList } from '../../lib/kubernetes/listPaged';
import {
  listIstioObjects,
  NETWORKING_API,
} from '../../lib/kubernetes/listIstioObjects';
import {
  toServiceEntries,
  toServiceInfos,
  toSidecarObjects,
  toVirtualServices,
  type IstioItem,
  type ServiceEntryInfo,
  type VirtualServiceInfo,
} from '../../lib/kubernetes/meshObjects';
import type { NamespaceLabels } from '../../lib/mesh/discoverySelectors';
import { memoryFitSums } from '../../lib/prometheus/proxyQueries';
import { SharedReads } from '../../lib/sharedReads';
import type { MemoryFitSums } from '../../lib/sidecar';
import type { MeshServiceInfo, SidecarObject } from '../../lib/sidecar/types';
import { createKeptPerCluster } from './keptPerCluster';
import { createLiveLists } from './liveLists';
import { readMeshEssentials, type MeshEssentials } from './readMeshEssentials';
import type { ClusterReads } from './types';

/** What {@link createClusterReads} needs, and which background work it does. */
export interface ClusterReadsOptions {
  clusters: ClusterAccess;
  scheduler: SchedulerService;
  /** The cache service when its store is shared between replicas, else undefined. */
  cache?: CacheService;
  logger: LoggerService;
  /** How long one request's read of a cluster-wide list is reused by the next ones. */
  reuseMs: number;
  /** Keep Services, ServiceEntries, VirtualServices and Sidecars live by watches. */
  watch: boolean;
  /** Period of the background refresh of control planes and tracing; none when undefined. */
  essentialsRefreshMs?: number;
  /** Period of the background refresh of the memory fit; none when undefined. */
  memoryFitRefreshMs?: number;
  liveListTimings?: Partial<LiveListTimings>;
}

/** A cluster's memory fit as kept: `sums` undefined when it has no proxy. */
interface KeptMemoryFit {
  sums?: MemoryFitSums;
}

/** Builds the {@link ClusterReads} of the configured clusters. */
export function createClusterReads(options: ClusterReadsOptions): ClusterReads {
  const { clusters, logger, reuseMs } = options;
  const live = options.watch
    ? createLiveLists({ clusters, logger, timings: options.liveListTimings })
    : undefined;
  const kept = {
    essentials: createKeptPerCluster<MeshEssentials>({
      ...options,
      id: 'mesh-essentials',
      description: 'the mesh control planes and tracing',
      refreshMs: options.essentialsRefreshMs ?? 30_000,
      read: readMeshEssentials,
    }),
    memoryFit: createKeptPerCluster<KeptMemoryFit>({
      ...options,
      id: 'memory-fit',
      description: 'the memory fit',
      refreshMs: options.memoryFitRefreshMs ?? 5 * 60_000,
      read: client => {
        const url = client.cluster.prometheusUrl;
        return url
          ? memoryFitSums(new PrometheusClient(url)).then(sums => ({ sums }))
          : undefined;
      },
    }),
  };
  // One request's read serves the requests that come while it is in flight or fresh.
  const reuse = {
    services: new SharedReads<MeshServiceInfo[]>(reuseMs),
    namespaces: new SharedReads<NamespaceLabels[]>(reuseMs),
    serviceEntries: new SharedReads<ServiceEntryInfo[]>(reuseMs),
    virtualServices: new SharedReads<VirtualServiceInfo[]>(reuseMs),
    sidecars: new SharedReads<SidecarObject[]>(reuseMs),
    essentials: new SharedReads<MeshEssentials>(0),
    memoryFit: new SharedReads<KeptMemoryFit>(0),
  };
  const clientOf = (cluster: string) => clusters.get(cluster);
  const istioList = (cluster: string, plural: string, namespace?: string) =>
    listIstioObjects<IstioItem>(
      clientOf(cluster),
      NETWORKING_API,
      plural,
      namespace,
    );

  return {
    async services(cluster, { fresh } = {}) {
      const client = clientOf(cluster);
      const read = async () =>
        toServiceInfos(
          (await client.read(apis => apis.core.listServiceForAllNamespaces()))
            .items,
        );
      if (fresh) return read();
      const name = client.cluster.name;
      return live?.services(name) ?? reuse.services.get(name, read);
    },

    async namespaces(cluster, { fresh } = {}) {
      const client = clientOf(cluster);
      const read = async () =>
        (
          await client.read(apis =>
            apis.getJson<WireList<V1Namespace>>('/api/v1/namespaces'),
          )
        ).items?.map(ns => ({
          name: ns.metadata?.name ?? '',
          labels: ns.metadata?.labels ?? {},
        })) ?? [];
      if (fresh) return read();
      return reuse.namespaces.get(client.cluster.name, read);
    },

    async serviceEntries(cluster, { fresh } = {}) {
      const name = clientOf(cluster).cluster.name;
      const read = async () =>
        toServiceEntries(await istioList(name, 'serviceentries'));
      if (fresh) return read();
      return live?.serviceEntries(name) ?? reuse.serviceEntries.get(name, read);
    },

    async virtualServices(cluster, namespace, { fresh } = {}) {
      const name = clientOf(cluster).cluster.name;
      const read = async () =>
        toVirtualServices(await istioList(name, 'virtualservices', namespace));
      if (fresh) return read();
      return (
        live?.virtualServices(name, namespace) ??
        reuse.virtualServices.get(`${name}/${namespace}`, read)
      );
    },

    async sidecars(cluster, { fresh, appliedRevision = '' } = {}) {
      const name = clientOf(cluster).cluster.name;
      const read = async () =>
        toSidecarObjects(await istioList(name, 'sidecars'));
      if (fresh) return read();
      return (
        live?.sidecars(name) ??
        reuse.sidecars.get(`${name}@${appliedRevision}`, read)
      );
    },

    async memoryFit(cluster, { fresh } = {}) {
      const client = clientOf(cluster);
      const url = client.cluster.prometheusUrl;
      if (!url) return undefined;
      const read = () => memoryFitSums(new PrometheusClient(url));
      if (fresh) return read();
      const name = client.cluster.name;
      const fit =
        (await kept.memoryFit.get(name)) ??
        (await reuse.memoryFit.get(name, async () => {
          const readFit = { sums: await read() };
          await kept.memoryFit.keep(name, readFit);
          return readFit;
        }));
      return fit.sums;
    },

    async essentials(cluster, { fresh } = {}) {
      const client = clientOf(cluster);
      if (fresh) return readMeshEssentials(client);
      const name = client.cluster.name;
      return (
        (await kept.essentials.get(name)) ??
        reuse.essentials.get(name, async () => {
          const essentials = await readMeshEssentials(client);
          await kept.essentials.keep(name, essentials);
          return essentials;
        })
      );
    },

    keepEssentials: (cluster, essentials) =>
      kept.essentials.keep(clientOf(cluster).cluster.name, essentials),

    sidecarsChanged(cluster) {
      const name = clientOf(cluster).cluster.name;
      live?.relistSidecars(name);
    },

    start() {
      live?.start();
    },

    async scheduleRefreshes() {
      if (options.essentialsRefreshMs !== undefined)
        await kept.essentials.schedule();
      if (options.memoryFitRefreshMs !== undefined)
        await kept.memoryFit.schedule();
    },

    stop() {
      live?.stop();
    },
  };
}
