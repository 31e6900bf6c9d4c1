import type { LoggerService } from '@backstage/backend-plugin-api';
import type { ClusterAccess } from '@istio-backstage/plugin-istio-node';
import type { V1Service } from '@kubernetes/client-node';
import { LiveList } from '../../lib/kubernetes/LiveList';
import type { MeshServiceInfo } from '../../lib/sidecar/types';
import { toServiceInfos } from '../SidecarMemoryService/readNamespace';

/** Every configured cluster's Services, kept live by a watch. */
export interface LiveServices {
  /** The cluster's Services, or undefined when the copy is not known to be current. */
  of(cluster: string): MeshServiceInfo[] | undefined;
  start(): void;
  stop(): void;
}

/** One {@link LiveList} of Services per configured cluster. */
export function createLiveServices(options: {
  clusters: ClusterAccess;
  logger: LoggerService;
}): LiveServices {
  const lists = new Map(
    options.clusters.names().map(name => {
      const client = options.clusters.get(name);
      return [
        name,
        new LiveList<V1Service, MeshServiceInfo[]>({
          kubeConfig: client.apis().kubeConfig,
          path: '/api/v1/services',
          list: () =>
            client.read(apis => apis.core.listServiceForAllNamespaces()),
          project: toServiceInfos,
          logger: options.logger.child({ cluster: name }),
        }),
      ];
    }),
  );
  return {
    of: cluster => lists.get(cluster)?.current(),
    start: () => lists.forEach(list => list.start()),
    stop: () => lists.forEach(list => list.stop()),
  };
}
