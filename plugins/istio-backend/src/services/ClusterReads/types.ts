import type { KubernetesRequestAuth } from '@backstage/plugin-kubernetes-common';
import type {
  CacheService,
  LoggerService,
  SchedulerService,
} from '@backstage/backend-plugin-api';
import type { ClusterAccess } from '@istio-backstage/plugin-istio-node';
import type { LiveListTimings } from '../../lib/kubernetes/LiveList';
import type { NamespaceLabels } from '../../lib/mesh/discoverySelectors';
import type { MemoryFitSums } from '../../lib/sidecar';
import type {
  DestinationRuleInfo,
  ServiceEntryInfo,
  VirtualServiceInfo,
} from '../../lib/kubernetes/meshObjects';
import type { MeshServiceInfo, SidecarObject } from '../../lib/sidecar/types';
import type { MeshEssentials } from './readMeshEssentials';

/** How fresh a read must be, and whose it is. */
export interface ClusterReadOptions {
  /** Read the cluster now, reusing nothing (before a write). */
  fresh?: boolean;
  /**
   * The signed-in user's tokens, for clusters reached with them (`google`, `aks`,
   * `oidc`). A read of such a cluster is always made with them, fresh, and kept
   * nowhere: no user is answered with what another user's token read.
   */
  userAuth?: KubernetesRequestAuth;
}

/**
 * The one way in for reads of a cluster's mesh-wide facts, by configured cluster name.
 * Each answer comes from the freshest copy there is — a watch's live copy, the value a
 * background refresh kept in the cache service, a read another request made moments
 * ago or has in flight — and otherwise from a read of the cluster. Unknown cluster names
 * are refused before any I/O; a failed read throws (never "none").
 */
export interface ClusterReads {
  /** Every Service of the cluster, as the mesh sees it. */
  services(
    cluster: string,
    options?: ClusterReadOptions,
  ): Promise<MeshServiceInfo[]>;
  /** Every namespace of the cluster, with its labels. */
  namespaces(
    cluster: string,
    options?: ClusterReadOptions,
  ): Promise<NamespaceLabels[]>;
  /** Every ServiceEntry of the cluster. */
  serviceEntries(
    cluster: string,
    options?: ClusterReadOptions,
  ): Promise<ServiceEntryInfo[]>;
  /**
   * Every VirtualService of the cluster: one defined in any namespace may route a host a
   * Sidecar keeps, and is imported only from its own namespace.
   */
  virtualServices(
    cluster: string,
    options?: ClusterReadOptions,
  ): Promise<VirtualServiceInfo[]>;
  /** Every DestinationRule of the cluster. */
  destinationRules(
    cluster: string,
    options?: ClusterReadOptions,
  ): Promise<DestinationRuleInfo[]>;
  /**
   * Every Sidecar of the cluster. A copy read under another `appliedRevision` (the
   * applied-Sidecar store's, which changes with every apply on any replica) is not reused.
   */
  sidecars(
    cluster: string,
    options?: ClusterReadOptions & { appliedRevision?: string },
  ): Promise<SidecarObject[]>;
  /**
   * The sums of the mesh-wide fit of proxy memory against active Envoy clusters, from
   * the cluster's Prometheus; undefined without a Prometheus or without proxies.
   */
  memoryFit(
    cluster: string,
    options?: ClusterReadOptions,
  ): Promise<MemoryFitSums | undefined>;
  /**
   * The cluster's control planes and tracing.
   *
   * @throws {@link MeshEssentialsError} naming the read that failed.
   */
  essentials(
    cluster: string,
    options?: ClusterReadOptions,
  ): Promise<MeshEssentials>;
  /** Keeps essentials read elsewhere (a whole-mesh read) for the next requests. */
  keepEssentials(cluster: string, essentials: MeshEssentials): Promise<void>;
  /**
   * This process has just changed the cluster's Sidecars (an apply): no copy of them
   * is used until listed afresh.
   */
  sidecarsChanged(cluster: string): void;
  /**
   * Schedules the configured background refreshes (at plugin init, as Backstage
   * plugins schedule their tasks).
   */
  scheduleRefreshes(): Promise<void>;
  /**
   * Starts the watches, when configured, and reads the refreshed facts of clusters that
   * have none kept yet (in the background).
   */
  start(): void;
  /** Stops the watches (scheduled tasks stop with the backend). */
  stop(): void;
}

/** What the {@link ClusterReads} of the configured clusters need, and which background work it does. */
export interface ClusterReadsOptions {
  clusters: ClusterAccess;
  scheduler: SchedulerService;
  /** The cache service when its store is shared between replicas, else undefined. */
  cache?: CacheService;
  logger: LoggerService;
  /** How long one request's read of a cluster-wide list is reused by the next ones. */
  reuseMs: number;
  /**
   * Keep Services, ServiceEntries, VirtualServices, DestinationRules and Sidecars live
   * by watches.
   */
  watch: boolean;
  /** Period of the background refresh of control planes and tracing; none when undefined. */
  essentialsRefreshMs?: number;
  /** Period of the background refresh of the memory fit; none when undefined. */
  memoryFitRefreshMs?: number;
  liveListTimings?: Partial<LiveListTimings>;
}
