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
import type { KubernetesRequestAuth } from '@backstage/plugin-kubernetes-common';
import type { KubernetesCredential } from '@backstage/plugin-kubernetes-node';
import { usesUserToken, type IstioClusterConfig } from '../clusters';
import type { ClusterCredentialSource } from './clusterCredentials';
import { loadClusterKubeConfig } from './clusterKubeConfig';
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
  private readonly kubeConfigWithCredential = new KubeConfig();
  private credential?: { value: Promise<KubernetesCredential>; at: number };
  private loadedCredential?: KubernetesCredential;
  private agent?: Promise<http.Agent>;
  /** When a read was last answered 429 or 503 (ms since the epoch). */
  private pushedBackAt = Number.NEGATIVE_INFINITY;

  /**
   * @param user - for a cluster whose provider uses the signed-in user's token
   * (`google`, `aks`, `oidc`): that user's tokens, as the Kubernetes plugin's frontend
   * sends them, and the cluster's own client, whose request limit and connections
   * are shared. Made by {@link ClusterClient.forUser}.
   */
  constructor(
    readonly cluster: IstioClusterConfig,
    private readonly options: ClusterClientOptions,
    private readonly credentials: ClusterCredentialSource,
    private readonly user?: { auth: KubernetesRequestAuth; of: ClusterClient },
  ) {
    if (cluster.caFile && !fs.existsSync(cluster.caFile)) {
      throw new Error(`Cluster '${cluster.name}': caFile does not exist`);
    }
    loadClusterKubeConfig(this.kubeConfigWithCredential, cluster);
    this.limit = user ? user.of.limit : createLimiter(options.concurrency);
    // The probe: the cheapest request every API server answers.
    this.breaker = new CircuitBreaker(() =>
      this.limit(async () => (await this.apis()).version.getCode()),
    );
  }

  /** Whether this cluster's credential is the signed-in user's token. */
  get usesUserToken(): boolean {
    return usesUserToken(this.cluster);
  }

  /**
   * This cluster as one user reaches it: for a user-token cluster, a client that sends
   * that user's token (made per request, never shared); any other cluster, as is.
   */
  forUser(userAuth: KubernetesRequestAuth | undefined): ClusterClient {
    if (!this.usesUserToken) return this;
    const of = this.user?.of ?? this;
    return new ClusterClient(this.cluster, this.options, this.credentials, {
      auth: userAuth ?? {},
      of,
    });
  }

  /**
   * Whether answers read through this client may be shared with other users: not when
   * they were read with one user's token (or would need one).
   */
  get sharesAnswers(): boolean {
    return !this.usesUserToken;
  }

  /**
   * The kube config for watches. Every read loads it again in place when the
   * credential is renewed, and a watch starts right after its list (a read), so a
   * watch always starts with a current credential.
   */
  get kubeConfig(): KubeConfig {
    return this.kubeConfigWithCredential;
  }

  // Server-side credentials are kept a minute (AWS tokens live 15, Google and Azure
  // an hour, a mounted service account token is rotated hourly).
  private async currentCredential(): Promise<void> {
    const now = Date.now();
    if (!this.credential || now - this.credential.at > 60_000) {
      const value = this.credentials.credentialFor(
        this.cluster,
        this.user?.auth,
      );
      this.credential = { value, at: now };
      // A failure is not kept: the next request asks again.
      value.catch(() => {
        if (this.credential?.value === value) this.credential = undefined;
      });
    }
    const credential = await this.credential.value;
    if (credential !== this.loadedCredential) {
      loadClusterKubeConfig(
        this.kubeConfigWithCredential,
        this.cluster,
        credential,
      );
      this.loadedCredential = credential;
    }
  }

  /** The APIs with a current credential, optionally impersonating a user (`Impersonate-User`). */
  async apis(impersonateUser?: string): Promise<KubernetesApis> {
    await this.currentCredential();
    const key = impersonateUser ?? '';
    const existing = this.apisByUser.get(key);
    if (existing) return existing;
    const kubeConfig = this.kubeConfigWithCredential;
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
    // TLS settings are the cluster's, not the user's: one pool for every user.
    if (this.user) return this.user.of.keepAliveAgent(kubeConfig);
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
   * not to answer (see `CircuitBreaker`).
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
          return this.apis().then(task);
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
    return this.limit(() => this.apis(impersonateUser).then(task));
  }
}
