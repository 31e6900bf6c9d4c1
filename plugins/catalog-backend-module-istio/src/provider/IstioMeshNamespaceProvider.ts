import type {
  LoggerService,
  SchedulerService,
  SchedulerServiceTaskRunner,
} from '@backstage/backend-plugin-api';
import type { Config } from '@backstage/config';
import type {
  EntityProvider,
  EntityProviderConnection,
} from '@backstage/plugin-catalog-node';
import {
  ClusterAccess,
  ClusterDirectory,
  createClusterCredentialSource,
  toSourceError,
  type ClusterClient,
  type SourceError,
} from '@istio-backstage/plugin-istio-node';
import {
  LOCATION_TYPE,
  MANAGED_NAMESPACES_SELECTOR,
  namespaceEntity,
  readNamespaceProviderConfig,
  type NamespaceObject,
} from '../lib';

/** What one refresh of a provider did. @public */
export type IstioMeshNamespaceRefresh =
  | {
      status: 'applied';
      /** Entities in the full mutation (all of this cluster's). */
      entities: number;
      /** Namespaces left out, with the reason. */
      skipped: Array<{ namespace: string; reason: string }>;
    }
  /** The cluster did not answer: no mutation, its entities stay as they were. */
  | { status: 'failed'; error: SourceError }
  /** The scheduler aborted the run before the mutation. */
  | { status: 'aborted' };

/** How to build one provider. @public */
export interface IstioMeshNamespaceProviderOptions {
  /** The configured clusters (`readClusterConfigs` + `ClusterAccess` from istio-node). */
  clusters: ClusterAccess;
  /** The configured cluster this provider reads. */
  cluster: string;
  logger: LoggerService;
  /**
   * Runs the refresh on the provider's schedule: `scheduler.createScheduledTaskRunner`
   * of `catalog.providers.istio.schedule`, as {@link IstioMeshNamespaceProvider.fromConfig} makes it.
   */
  taskRunner: SchedulerServiceTaskRunner;
  /**
   * Normalized entity ref of the owner of namespaces that name none
   * (`catalog.providers.istio.defaultOwner`); without it they are left out.
   */
  defaultOwner?: string;
}

/**
 * Registers the mesh namespaces that `istio:namespace:create` made in one cluster
 * (label `app.kubernetes.io/managed-by=backstage-istio`) as `Resource` entities of
 * type `kubernetes-namespace`, owned by the namespace's `istio-backstage.io/owner`.
 * Labels and annotations are trusted only where the namespace's managed fields show
 * that the `backstage-istio` field manager wrote them: a hand-labelled namespace gets
 * no entity, and a hand-written owner is ignored (the default owner, else skipped).
 *
 * There is one provider per configured cluster, named `istio-mesh-namespaces:<cluster>`,
 * and each applies a full mutation of its own cluster's entities only. So a cluster
 * that fails to answer leaves its entities as they were while the other clusters'
 * stay current, and no state is kept between runs (any replica may run the task).
 *
 * @public
 */
export class IstioMeshNamespaceProvider implements EntityProvider {
  private readonly client: ClusterClient;
  private readonly multiCluster: boolean;
  private connection?: EntityProviderConnection;
  /** Skipped namespaces already warned about, so a 30 s schedule does not repeat it. */
  private readonly reportedSkips = new Set<string>();

  /**
   * One provider per cluster configured for the Kubernetes plugin, each running on
   * the `catalog.providers.istio.schedule` schedule with its `defaultOwner`.
   */
  static fromConfig(
    config: Config,
    deps: { logger: LoggerService; scheduler: SchedulerService },
  ): IstioMeshNamespaceProvider[] {
    const settings = readNamespaceProviderConfig(config);
    const taskRunner = deps.scheduler.createScheduledTaskRunner(
      settings.schedule,
    );
    const timeoutMs = config.getOptionalNumber('istio.requestTimeoutMs');
    const clusters = new ClusterAccess(
      ClusterDirectory.fromConfig(config, { logger: deps.logger }),
      {
        ...(timeoutMs ? { timeoutMs } : {}),
        credentials: createClusterCredentialSource({
          config,
          logger: deps.logger,
        }),
      },
    );
    // Background work: only clusters the backend holds a credential for.
    return clusters.backgroundNames().map(
      cluster =>
        new IstioMeshNamespaceProvider({
          clusters,
          cluster,
          logger: deps.logger,
          taskRunner,
          defaultOwner: settings.defaultOwner,
        }),
    );
  }

  constructor(private readonly options: IstioMeshNamespaceProviderOptions) {
    this.client = options.clusters.get(options.cluster);
    const names = options.clusters.names();
    this.multiCluster = names.length > 1;
    // Entity names compare case-insensitively; `<cluster>.<namespace>` is only
    // unique if the cluster names are.
    const clash = names.find(
      n =>
        n !== options.cluster &&
        n.toLocaleLowerCase('en-US') ===
          options.cluster.toLocaleLowerCase('en-US'),
    );
    if (clash)
      throw new Error(
        `Clusters '${options.cluster}' and '${clash}' differ only in case; their catalog entity names would collide`,
      );
  }

  /** `istio-mesh-namespaces:<cluster>`, stable as long as the cluster's name is. */
  getProviderName(): string {
    return `${LOCATION_TYPE}:${this.options.cluster}`;
  }

  async connect(connection: EntityProviderConnection): Promise<void> {
    this.connection = connection;
    await this.options.taskRunner.run({
      id: `${this.getProviderName()}:refresh`,
      fn: async signal => {
        await this.refresh(signal);
      },
    });
  }

  /**
   * Lists the cluster's mesh namespaces and replaces this provider's entities with
   * them. When the cluster does not answer (or answers something that is not a
   * namespace list) nothing is applied, so its entities are kept.
   */
  async refresh(signal?: AbortSignal): Promise<IstioMeshNamespaceRefresh> {
    const connection = this.connection;
    if (!connection)
      throw new Error(`${this.getProviderName()} is not connected yet`);
    const { cluster } = this.options;

    let namespaces: NamespaceObject[];
    try {
      const list = await this.client.read(apis =>
        apis.core.listNamespace({ labelSelector: MANAGED_NAMESPACES_SELECTOR }),
      );
      // An answer without a list must not become "no namespaces" (a full
      // mutation would delete every entity).
      if (!Array.isArray(list?.items))
        throw new SyntaxError('not a NamespaceList');
      namespaces = list.items;
    } catch (error) {
      const sourceError = toSourceError('kubernetes:namespaces', error);
      this.options.logger.warn(
        `Could not list the mesh namespaces of cluster ${cluster}; its catalog entities are kept as they were`,
        {
          cluster,
          errorType: sourceError.errorType,
          message: sourceError.message,
        },
      );
      return { status: 'failed', error: sourceError };
    }
    if (signal?.aborted) return { status: 'aborted' };

    const entities = [];
    const skipped: Array<{ namespace: string; reason: string }> = [];
    for (const namespace of namespaces) {
      const result = namespaceEntity({
        cluster,
        multiCluster: this.multiCluster,
        namespace,
        defaultOwner: this.options.defaultOwner,
      });
      if (result.ok) entities.push(result.entity);
      else skipped.push({ namespace: result.namespace, reason: result.reason });
    }
    this.reportSkips(skipped);

    await connection.applyMutation({
      type: 'full',
      entities: entities.map(entity => ({
        entity,
        locationKey: this.getProviderName(),
      })),
    });
    this.options.logger.debug(
      `Applied ${entities.length} mesh namespace entities of cluster ${cluster}`,
      { cluster, entities: entities.length, skipped: skipped.length },
    );
    return { status: 'applied', entities: entities.length, skipped };
  }

  /** Warns once per namespace and reason, and again only after it changed. */
  private reportSkips(skipped: Array<{ namespace: string; reason: string }>) {
    const current = new Set(skipped.map(s => `${s.namespace}\n${s.reason}`));
    for (const skip of skipped) {
      if (this.reportedSkips.has(`${skip.namespace}\n${skip.reason}`)) continue;
      this.options.logger.warn(
        `Mesh namespace ${skip.namespace} of cluster ${this.options.cluster} is not in the catalog: ${skip.reason}`,
        { cluster: this.options.cluster, namespace: skip.namespace },
      );
    }
    this.reportedSkips.clear();
    current.forEach(key => this.reportedSkips.add(key));
  }
}
