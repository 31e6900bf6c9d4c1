import { NotFoundError } from '@backstage/errors';
import { isDeepStrictEqual } from 'node:util';
import type { LoggerService } from '@backstage/backend-plugin-api';
import { ConfigReader } from '@backstage/config';
import type { KubernetesRequestAuth } from '@backstage/plugin-kubernetes-common';
import {
  ClusterDirectory,
  usesUserToken,
  type IstioClusterConfig,
  type UnusableCluster,
} from '../clusters';
import {
  createClusterCredentialSource,
  type ClusterCredentialSource,
} from './clusterCredentials';
import {
  ClusterClient,
  DEFAULT_CLUSTER_CLIENT_OPTIONS,
  type ClusterClientOptions,
} from './ClusterClient';
import { toSourceError, type SourceError } from './errors';

/** The outcome of one cluster in a fan-out. @public */
export type ClusterResult<T> =
  | { cluster: string; ok: true; value: T }
  | { cluster: string; ok: false; error: SourceError };

// Only Azure's strategy logs, and only that it fetches a token.
const quietLogger: LoggerService = {
  error() {},
  warn() {},
  info() {},
  debug() {},
  child: () => quietLogger,
};

/** What a {@link ClusterAccess} is built with. @public */
export interface ClusterAccessOptions extends Partial<ClusterClientOptions> {
  /** Where credentials come from; the Kubernetes plugin's strategies by default. */
  credentials?: ClusterCredentialSource;
  /** How long a fan-out waits for the slowest cluster. */
  fanOutDeadlineMs?: number;
  logger?: LoggerService;
}

/**
 * The clusters the Istio plugins can use, chosen only by name: one client per
 * cluster, made when first asked for and made again when the cluster's settings
 * change (a catalog cluster edited).
 *
 * @public
 */
export class ClusterAccess {
  private readonly clients = new Map<string, ClusterClient>();
  private readonly directory: ClusterDirectory;
  private readonly credentials: ClusterCredentialSource;
  private readonly clientOptions: ClusterClientOptions;
  private readonly fanOutDeadlineMs: number;

  constructor(
    clusters: ClusterDirectory | IstioClusterConfig[],
    options: ClusterAccessOptions = {},
  ) {
    const { credentials, fanOutDeadlineMs, logger, ...clientOptions } = options;
    this.directory = Array.isArray(clusters)
      ? new ClusterDirectory({
          configs: { clusters, unusable: [], extras: new Map() },
        })
      : clusters;
    this.credentials =
      credentials ??
      createClusterCredentialSource({
        config: new ConfigReader({}),
        logger: logger ?? quietLogger,
      });
    this.clientOptions = {
      ...DEFAULT_CLUSTER_CLIENT_OPTIONS,
      ...clientOptions,
    };
    this.fanOutDeadlineMs = fanOutDeadlineMs ?? 10_000;
  }

  /** The names of the clusters that can be used now. */
  names(): string[] {
    return this.directory.clusters().map(c => c.name);
  }

  /**
   * The clusters whose credential the backend holds itself, for background work
   * (clusters reached with the signed-in user's token have none).
   */
  backgroundNames(): string[] {
    return this.directory
      .clusters()
      .filter(c => !usesUserToken(c))
      .map(c => c.name);
  }

  /** The clusters that cannot be used, with the reason. */
  unusable(): UnusableCluster[] {
    return this.directory.unusable();
  }

  /** The clusters that can be used now. */
  configs(): IstioClusterConfig[] {
    return this.directory.clusters();
  }

  /**
   * The client of a usable cluster; 404 for any other name. With `userAuth`, a
   * user-token cluster's client sends that user's token.
   */
  get(name: string, userAuth?: KubernetesRequestAuth): ClusterClient {
    const cluster = this.directory.clusters().find(c => c.name === name);
    if (!cluster)
      throw new NotFoundError(`No cluster named '${name}' is configured`);
    let client = this.clients.get(name);
    // Config clusters are the same object every time; a catalog cluster is read anew
    // each minute and gets a new client only when its settings changed.
    if (
      !client ||
      (client.cluster !== cluster &&
        !isDeepStrictEqual(client.cluster, cluster))
    ) {
      client = new ClusterClient(cluster, this.clientOptions, this.credentials);
      this.clients.set(name, client);
    }
    return userAuth ? client.forUser(userAuth) : client;
  }

  /**
   * Runs `task` on each named cluster at once. One failing or hanging cluster never
   * holds up the others: each gets a sanitized error, and clusters still running at
   * the deadline get a Timeout error.
   */
  async fanOut<T>(
    names: string[],
    task: (client: ClusterClient) => Promise<T>,
    userAuth?: KubernetesRequestAuth,
  ): Promise<ClusterResult<T>[]> {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<'deadline'>(resolve => {
      timer = setTimeout(() => resolve('deadline'), this.fanOutDeadlineMs);
    });
    const results = await Promise.all(
      names.map(async (name): Promise<ClusterResult<T>> => {
        try {
          const client = this.get(name, userAuth);
          const outcome = await Promise.race([task(client), deadline]);
          if (outcome === 'deadline') {
            return {
              cluster: name,
              ok: false,
              error: {
                source: 'kubernetes',
                errorType: 'Timeout',
                message: 'the cluster did not answer before the deadline',
              },
            };
          }
          return { cluster: name, ok: true, value: outcome as T };
        } catch (error) {
          return {
            cluster: name,
            ok: false,
            error: toSourceError('kubernetes', error),
          };
        }
      }),
    );
    clearTimeout(timer);
    return results;
  }
}
