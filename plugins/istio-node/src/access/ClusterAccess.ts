import { NotFoundError } from '@backstage/errors';
import type { IstioClusterConfig } from '../clusters';
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

/**
 * The configured clusters, chosen only by configured name.
 *
 * @public
 */
export class ClusterAccess {
  private readonly clients = new Map<string, ClusterClient>();

  constructor(
    clusters: IstioClusterConfig[],
    options: Partial<ClusterClientOptions> = {},
    private readonly fanOutDeadlineMs = 10_000,
  ) {
    for (const cluster of clusters) {
      this.clients.set(
        cluster.name,
        new ClusterClient(cluster, {
          ...DEFAULT_CLUSTER_CLIENT_OPTIONS,
          ...options,
        }),
      );
    }
  }

  names(): string[] {
    return [...this.clients.keys()];
  }

  /** The client of a configured cluster; 404 for any other name. */
  get(name: string): ClusterClient {
    const client = this.clients.get(name);
    if (!client)
      throw new NotFoundError(`No cluster named '${name}' is configured`);
    return client;
  }

  /**
   * Runs `task` on each named cluster at once. One failing or hanging cluster never
   * holds up the others: each gets a sanitized error, and clusters still running at
   * the deadline get a Timeout error.
   */
  async fanOut<T>(
    names: string[],
    task: (client: ClusterClient) => Promise<T>,
  ): Promise<ClusterResult<T>[]> {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<'deadline'>(resolve => {
      timer = setTimeout(() => resolve('deadline'), this.fanOutDeadlineMs);
    });
    const results = await Promise.all(
      names.map(async (name): Promise<ClusterResult<T>> => {
        const client = this.get(name);
        try {
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
