import type { LoggerService } from '@backstage/backend-plugin-api';
import type {
  ClusterAccess,
  ClusterClient,
} from '@istio-backstage/plugin-istio-node';
import type { KubernetesObject, V1Service } from '@kubernetes/client-node';
import { LiveList, type LiveListTimings } from '../../lib/kubernetes/LiveList';
import {
  listIstioCollection,
  NETWORKING_API,
} from '../../lib/kubernetes/listIstioObjects';
import type { MeshServiceInfo, SidecarObject } from '../../lib/sidecar/types';
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

/**
 * Every configured cluster's Services, ServiceEntries, VirtualServices,
 * DestinationRules and Sidecars, kept live by watches in this process. Each accessor
 * answers the live copy, or undefined when there is none or it is not known to be
 * current.
 */
export interface LiveLists {
  services(cluster: string): MeshServiceInfo[] | undefined;
  serviceEntries(cluster: string): ServiceEntryInfo[] | undefined;
  virtualServices(cluster: string): VirtualServiceInfo[] | undefined;
  destinationRules(cluster: string): DestinationRuleInfo[] | undefined;
  sidecars(cluster: string): SidecarObject[] | undefined;
  /**
   * This process has just changed the cluster's Sidecars (an apply): their copy is out
   * of use until listed afresh, so the answer right after never comes from a copy the
   * watch has not caught up with.
   */
  relistSidecars(cluster: string): void;
  start(): void;
  stop(): void;
}

/** A cluster's live lists. */
interface ClusterLists {
  services: LiveList<V1Service, MeshServiceInfo[]>;
  serviceEntries: LiveList<KubernetesObject, ServiceEntryInfo[]>;
  virtualServices: LiveList<KubernetesObject, VirtualServiceInfo[]>;
  destinationRules: LiveList<KubernetesObject, DestinationRuleInfo[]>;
  sidecars: LiveList<KubernetesObject, SidecarObject[]>;
}

/** Five {@link LiveList}s per configured cluster. */
export function createLiveLists(options: {
  clusters: ClusterAccess;
  logger: LoggerService;
  timings?: Partial<LiveListTimings>;
}): LiveLists {
  const lists = new Map<string, ClusterLists>(
    options.clusters.backgroundNames().map(name => {
      const client = options.clusters.get(name);
      const common = {
        kubeConfig: client.kubeConfig,
        logger: options.logger.child({ cluster: name }),
        timings: options.timings,
      };
      // Custom objects arrive as the server's JSON, which is what IstioItem types.
      const istioList = <P>(
        plural: string,
        project: (items: IstioItem[]) => P,
      ) =>
        new LiveList<KubernetesObject, P>({
          ...common,
          ...istioCollection(client, plural),
          project: items => project(items as unknown as IstioItem[]),
        });
      return [
        name,
        {
          services: new LiveList({
            ...common,
            path: '/api/v1/services',
            list: () =>
              client.read(apis => apis.core.listServiceForAllNamespaces()),
            project: toServiceInfos,
          }),
          serviceEntries: istioList('serviceentries', toServiceEntries),
          virtualServices: istioList('virtualservices', toVirtualServices),
          destinationRules: istioList('destinationrules', toDestinationRules),
          sidecars: istioList('sidecars', toSidecarObjects),
        },
      ];
    }),
  );
  const all = () => [...lists.values()].flatMap(l => Object.values(l));
  return {
    services: cluster => lists.get(cluster)?.services.current(),
    serviceEntries: cluster => lists.get(cluster)?.serviceEntries.current(),
    virtualServices: cluster => lists.get(cluster)?.virtualServices.current(),
    destinationRules: cluster => lists.get(cluster)?.destinationRules.current(),
    sidecars: cluster => lists.get(cluster)?.sidecars.current(),
    relistSidecars: cluster => lists.get(cluster)?.sidecars.relist(),
    start: () => all().forEach(list => list.start()),
    stop: () => all().forEach(list => list.stop()),
  };
}

/**
 * How a cluster-wide Istio collection is listed and watched: in the newest version the
 * cluster serves. The watch follows the version the last list was served in, so a
 * cluster without `v1` (Istio < 1.22) costs one failed watch and a list again.
 */
function istioCollection(client: ClusterClient, plural: string) {
  let version = NETWORKING_API.versions[0];
  return {
    path: () => `/apis/${NETWORKING_API.group}/${version}/${plural}`,
    list: async () => {
      const listed = await listIstioCollection<KubernetesObject>(
        client,
        NETWORKING_API,
        plural,
      );
      version = listed.version;
      return listed.list;
    },
  };
}
