import type {
  ClusterAccess,
  ClusterClient,
} from '@istio-backstage/plugin-istio-node';
import type { V1Namespace } from '@kubernetes/client-node';
import {
  listIstioObjects,
  NETWORKING_API,
} from '../../lib/kubernetes/listIstioObjects';
import type { WireList } from '../../lib/kubernetes/listPaged';
import {
  toDestinationRules,
  toServiceEntries,
  toServiceInfos,
  toSidecarObjects,
  toVirtualServices,
  type DestinationRuleInfo,
  type IstioItem,
  type ServiceEntryInfo,
  type VirtualServiceInfo,
} from '../../lib/kubernetes/meshObjects';
import type { NamespaceLabels } from '../../lib/mesh/discoverySelectors';
import { SharedReads } from '../../lib/sharedReads';
import type { MeshServiceInfo, SidecarObject } from '../../lib/sidecar/types';
import type { LiveLists } from './liveLists';
import type { ClusterReadOptions, ClusterReads } from './types';

/** The cluster-wide lists of {@link ClusterReads}. */
export type ListReads = Pick<
  ClusterReads,
  | 'services'
  | 'namespaces'
  | 'serviceEntries'
  | 'virtualServices'
  | 'destinationRules'
  | 'sidecars'
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
  const shared = {
    services: new SharedReads<MeshServiceInfo[]>(reuseMs),
    namespaces: new SharedReads<NamespaceLabels[]>(reuseMs),
    serviceEntries: new SharedReads<ServiceEntryInfo[]>(reuseMs),
    virtualServices: new SharedReads<VirtualServiceInfo[]>(reuseMs),
    destinationRules: new SharedReads<DestinationRuleInfo[]>(reuseMs),
    sidecars: new SharedReads<SidecarObject[]>(reuseMs),
  };
  const istioList = (client: ClusterClient, plural: string) =>
    listIstioObjects<IstioItem>(client, NETWORKING_API, plural);
  /**
   * The client of a configured cluster (unknown names are refused here, before any
   * I/O), and whether its answers may be reused: not when read with a user's token.
   */
  const open = (cluster: string, options: ClusterReadOptions) => {
    const client = clusters.get(cluster, options.userAuth);
    return {
      client,
      name: client.cluster.name,
      reuse: !options.fresh && client.sharesAnswers,
    };
  };

  return {
    async services(cluster, options = {}) {
      const { client, name, reuse } = open(cluster, options);
      const read = () => readServices(client);
      if (!reuse) return read();
      return live?.services(name) ?? shared.services.get(name, read);
    },
    async namespaces(cluster, options = {}) {
      const { client, name, reuse } = open(cluster, options);
      const read = () => readNamespaceLabels(client);
      return reuse ? shared.namespaces.get(name, read) : read();
    },
    async serviceEntries(cluster, options = {}) {
      const { client, name, reuse } = open(cluster, options);
      const read = async () =>
        toServiceEntries(await istioList(client, 'serviceentries'));
      if (!reuse) return read();
      return (
        live?.serviceEntries(name) ?? shared.serviceEntries.get(name, read)
      );
    },
    async virtualServices(cluster, options = {}) {
      const { client, name, reuse } = open(cluster, options);
      const read = async () =>
        toVirtualServices(await istioList(client, 'virtualservices'));
      if (!reuse) return read();
      return (
        live?.virtualServices(name) ?? shared.virtualServices.get(name, read)
      );
    },
    async destinationRules(cluster, options = {}) {
      const { client, name, reuse } = open(cluster, options);
      const read = async () =>
        toDestinationRules(await istioList(client, 'destinationrules'));
      if (!reuse) return read();
      return (
        live?.destinationRules(name) ?? shared.destinationRules.get(name, read)
      );
    },
    async sidecars(cluster, options = {}) {
      const { client, name, reuse } = open(cluster, options);
      const read = async () =>
        toSidecarObjects(await istioList(client, 'sidecars'));
      if (!reuse) return read();
      return (
        live?.sidecars(name) ??
        shared.sidecars.get(`${name}@${options.appliedRevision ?? ''}`, read)
      );
    },
  };
}

async function readServices(client: ClusterClient): Promise<MeshServiceInfo[]> {
  const list = await client.read(apis =>
    apis.core.listServiceForAllNamespaces(),
  );
  return toServiceInfos(list.items);
}

async function readNamespaceLabels(
  client: ClusterClient,
): Promise<NamespaceLabels[]> {
  const list = await client.read(apis =>
    apis.getJson<WireList<V1Namespace>>('/api/v1/namespaces'),
  );
  return (list.items ?? []).map(ns => ({
    name: ns.metadata?.name ?? '',
    labels: ns.metadata?.labels ?? {},
  }));
}
