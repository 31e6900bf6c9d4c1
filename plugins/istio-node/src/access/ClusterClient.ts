import fs from 'node:fs';
import type http from 'node:http';
import {
  AppsV1Api,
  CoreV1Api,
  createConfiguration,
  CustomObjectsApi,
  KubeConfig,
  KubernetesObjectApi,
  ServerConfiguration,
  VersionApi,
  type Configuration,
  type RequestContext,
  type ResponseContext,
} from '@kubernetes/client-node';
import type { IstioClusterConfig } from '../clusters';
import { CircuitBreaker } from './circuitBreaker';
import { createLimiter } from './limiter';
import { getJson, type JsonRequest } from './getJson';
import { keepAliveAgentFor } from './keepAliveAgent';
import { isConnectionClosed, statusOf } from './errors';

/** Limits for talking to one cluster. @public */
export interface ClusterClientOptions {
  /** Per-request timeout (client-node has none by default). */
  timeoutMs: number;
  /** Requests in flight to this cluster at once. */
  concurrency: number;
  /** Extra attempts for reads answered 429 or 503. */
  readRetries: number;
  /** Longest wait honoured from a Retry-After header. */
  maxRetryDelayMs: number;
}

/** Defaults used when the config says nothing. @public */
export const DEFAULT_CLUSTER_CLIENT_OPTIONS: ClusterClientOptions = {
  timeoutMs: 5000,
  concurrency: 8,
  readRetries: 2,
  maxRetryDelayMs: 2000,
};

/** The typed Kubernetes APIs of one cluster. @public */
export interface KubernetesApis {
  core: CoreV1Api;
  apps: AppsV1Api;
  custom: CustomObjectsApi;
  version: VersionApi;
  objects: KubernetesObjectApi;
  kubeConfig: KubeConfig;
  /**
   * GET of a fixed API path as the server's plain JSON, for lists too large to
   * go through client-node's typed models (which copy every object and its
   * timestamps): e.g. `/api/v1/pods` with `limit` and `continue`.
   */
  getJson<T>(path: string, query?: JsonRequest['query']): Promise<T>;
}

function kubeConfigFor(cluster: IstioClusterConfig): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [
      {
        name: cluster.name,
        server: cluster.url,
        skipTLSVerify: cluster.skipTLSVerify,
        ...(cluster.caData ? { caData: cluster.caData } : {}),
        ...(cluster.caFile ? { caFile: cluster.caFile } : {}),
      },
    ],
    users: [
      { name: 'backstage', token: cluster.credentials.serviceAccountToken },
    ],
    contexts: [{ name: 'backstage', cluster: cluster.name, user: 'backstage' }],
    currentContext: 'backstage',
  });
  return kc;
}

/**
 * Access to one configured cluster through `@kubernetes/client-node`: every request
 * has a timeout, at most `concurrency` run at once, reads are retried a bounded number
 * of times on 429/503, and nothing ever follows a URL built from request input.
 *
 * @public
 */
export class ClusterClient {
  private readonly limit: <T>(task: () => Promise<T>) => Promise<T>;
  private readonly apisByUser = new Map<string, KubernetesApis>();
  private readonly breaker: CircuitBreaker;
  private agent?: Promise<http.Agent>;
  /** When a read was last answered 429 or 503 (ms since the epoch). */
  private pushedBackAt = Number.NEGATIVE_INFINITY;

  constructor(
    readonly cluster: IstioClusterConfig,
    private readonly options: ClusterClientOptions = DEFAULT_CLUSTER_CLIENT_OPTIONS,
  ) {
    if (cluster.caFile && !fs.existsSync(cluster.caFile)) {
      throw new Error(`Cluster '${cluster.name}': caFile does not exist`);
    }
    this.limit = createLimiter(options.concurrency);
    // The probe: the cheapest request every API server answers.
    this.breaker = new CircuitBreaker(() =>
      this.limit(() => this.apis().version.getCode()),
    );
  }

  /** The APIs, optionally impersonating a user (`Impersonate-User`). */
  apis(impersonateUser?: string): KubernetesApis {
    const key = impersonateUser ?? '';
    const existing = this.apisByUser.get(key);
    if (existing) return existing;
    const kubeConfig = kubeConfigFor(this.cluster);
    const timeoutMs = this.options.timeoutMs;
    const configuration: Configuration = createConfiguration({
      baseServer: new ServerConfiguration(
        kubeConfig.getCurrentCluster()!.server,
        {},
      ),
      authMethods: { default: kubeConfig },
      promiseMiddleware: [
        {
          pre: async (context: RequestContext) => {
            context.setSignal(AbortSignal.timeout(timeoutMs));
            context.setAgent(await this.keepAliveAgent(kubeConfig));
            if (impersonateUser)
              context.setHeaderParam('Impersonate-User', impersonateUser);
            return context;
          },
          post: async (response: ResponseContext) => response,
        },
      ],
    });
    const apis: KubernetesApis = {
      core: new CoreV1Api(configuration),
      apps: new AppsV1Api(configuration),
      custom: new CustomObjectsApi(configuration),
      version: new VersionApi(configuration),
      objects: new KubernetesObjectApi(configuration),
      kubeConfig,
      getJson: async (path, query) =>
        getJson({
          kubeConfig,
          agent: await this.keepAliveAgent(kubeConfig),
          path,
          query,
          timeoutMs,
          impersonateUser,
        }),
    };
    this.apisByUser.set(key, apis);
    return apis;
  }

  /** This cluster's one connection pool, shared by every user's requests. */
  private keepAliveAgent(kubeConfig: KubeConfig): Promise<http.Agent> {
    if (!this.agent) {
      const agent = keepAliveAgentFor(kubeConfig, this.options.concurrency);
      agent.catch(() => {
        // e.g. an unreadable client certificate: built again for the next request
        if (this.agent === agent) this.agent = undefined;
      });
      this.agent = agent;
    }
    return this.agent;
  }

  /**
   * A read: limited, timed out, retried on 429/503 (honouring Retry-After up to a cap)
   * and on a connection closed under it; refused at once while the cluster is known
   * not to answer (see {@link CircuitBreaker}).
   */
  read<T>(task: (apis: KubernetesApis) => Promise<T>): Promise<T> {
    return this.breaker.run(() => this.readWithRetries(task));
  }

  /**
   * Whether the cluster answered a read with 429 or 503 in the last `withinMs`: a
   * server shedding load. Callers that would send several reads at once then send one
   * first, so a failure costs the server that read's attempts alone.
   */
  pushingBack(withinMs = 60_000): boolean {
    return Date.now() - this.pushedBackAt < withinMs;
  }

  private async readWithRetries<T>(
    task: (apis: KubernetesApis) => Promise<T>,
  ): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.limit(() => {
          // Waiting for a slot, it may have been found not to answer.
          this.breaker.refuseIfOpen();
          return task(this.apis());
        });
      } catch (error) {
        const status = statusOf(error);
        const pushedBack = status === 429 || status === 503;
        if (pushedBack) this.pushedBackAt = Date.now();
        if (attempt >= this.options.readRetries) throw error;
        // A connection closed under a read: try again at once on a fresh one.
        if (isConnectionClosed(error)) continue;
        if (!pushedBack) throw error;
        const retryAfter = Number(
          (error as { headers?: Record<string, string> }).headers?.[
            'retry-after'
          ],
        );
        const delay = Math.min(
          Number.isFinite(retryAfter) && retryAfter > 0
            ? retryAfter * 1000
            : 200 * 2 ** attempt,
          this.options.maxRetryDelayMs,
        );
        await new Promise(resolve => setTimeout(resolve, delay));
      }
    }
  }

  /** A write: limited and timed out, never retried. */
  async write<T>(
    task: (apis: KubernetesApis) => Promise<T>,
    impersonateUser?: string,
  ): Promise<T> {
    return this.limit(() => task(this.apis(impersonateUser)));
  }
}
