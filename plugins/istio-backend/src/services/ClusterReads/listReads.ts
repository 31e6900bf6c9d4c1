import type { ClusterAccess } from '@istio-backstage/plugin-istio-node';
import type { V1Namespace } from '@kubernetes/client-node';
import {
  listIstioObjects,
  NETWORKING_API,
} from '../../lib/kubernetes/listIstioObjects';
import type { WireList } from '../../lib/kubernetes/listPaged';
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
import { SharedReads } from '../../lib/sharedReads';
import type { MeshServiceInfo, SidecarObject } from '../../lib/sidecar/types';
import type { LiveLists } from './liveLists';
import type { ClusterReads } from './types';

/** The cluster-wide lists of {@link ClusterReads}. */
export type ListReads = Pick<
  ClusterReads,
  'services' | 'namespaces' | 'serviceEntries' | 'virtualServices' | 'sidecars'
>;

/**
 * Cluster-wide lists: a watch's live copy when there is one, else one request's read,
 * shared with the requests that come while it is in flight or younger than `reuseMs`,
 * else a read. A fresh read reuses nothing.
 */
export function createListReads(
  clusters: ClusterAccess,
  reuseMs: number,
  live: LiveLists | undefined,
): ListReads {
  const reuse = {
    services: new SharedReads<MeshServiceInfo[]>(reuseMs),
    namespaces: new SharedReads<NamespaceLabels[]>(reuseMs),
    serviceEntries: new SharedReads<ServiceEntryInfo[]>(reuseMs),
    virtualServices: new SharedReads<VirtualServiceInfo[]>(reuseMs),
    sidecars: new SharedReads<SidecarObject[]>(reuseMs),
  };
  /** The configured name (unknown names are refused here, before any I/O). */
  const nameOf = (cluster: string) => clusters.get(cluster).cluster.name;
  const istioList = (cluster: string, plural: string, namespace?: string) =>
    listIstioObjects<IstioItem>(
      clusters.get(cluster),
      NETWORKING_API,
      plural,
      namespace,
    );

  return {
    async services(cluster, { fresh } = {}) {
      const name = nameOf(cluster);
      const read = () => readServices(clusters, name);
      if (fresh) return read();
      return live?.services(name) ?? reuse.services.get(name, read);
    },
    async namespaces(cluster, { fresh } = {}) {
      const name = nameOf(cluster);
      const read = () => readNamespaceLabels(clusters, name);
      return fresh ? read() : reuse.namespaces.get(name, read);
    },
    async serviceEntries(cluster, { fresh } = {}) {
      const name = nameOf(cluster);
      const read = async () =>
        toServiceEntries(await istioList(name, 'serviceentries'));
      if (fresh) return read();
      return live?.serviceEntries(name) ?? reuse.serviceEntries.get(name, read);
    },
    async virtualServices(cluster, namespace, { fresh } = {}) {
      const name = nameOf(cluster);
      const read = async () =>
        toVirtualServices(await istioList(name, 'virtualservices', namespace));
      if (fresh) return read();
      return (
        live?.virtualServices(name, namespace) ??
        reuse.virtualServices.get(`${name}/${namespace}`, read)
      );
    },
    async sidecars(cluster, { fresh, appliedRevision = '' } = {}) {
      const name = nameOf(cluster);
      const read = async () =>
        toSidecarObjects(await istioList(name, 'sidecars'));
      if (fresh) return read();
      return (
        live?.sidecars(name) ??
        reuse.sidecars.get(`${name}@${appliedRevision}`, read)
      );
    },
  };
}

async function readServices(
  clusters: ClusterAccess,
  cluster: string,
): Promise<MeshServiceInfo[]> {
  const list = await clusters
    .get(cluster)
    .read(apis => apis.core.listServiceForAllNamespaces());
  return toServiceInfos(list.items);
}

async function readNamespaceLabels(
  clusters: ClusterAccess,
  cluster: string,
): Promise<NamespaceLabels[]> {
  const list = await clusters
    .get(cluster)
    .read(apis => apis.getJson<WireList<V1Namespace>>('/api/v1/namespaces'));
  return (list.items ?? []).map(ns => ({
    name: ns.metadata?.name ?? '',
    labels: ns.metadata?.labels ?? {},
  }));
}
