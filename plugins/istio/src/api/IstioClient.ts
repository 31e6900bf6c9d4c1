import type {
  ApiHolder,
  DiscoveryApi,
  FetchApi,
} from '@backstage/core-plugin-api';
import { ResponseError } from '@backstage/errors';
import type { KubernetesAuthProvidersApi } from '@backstage/plugin-kubernetes-react';
import type {
  IstioClustersResponse,
  IstioEntityMeshResponse,
  IstioMeshConfigResponse,
  IstioSidecarApplyRequest,
  IstioSidecarApplyResult,
  IstioSidecarMemoryResponse,
} from '@istio-backstage/plugin-istio-common';
import { ClusterListCache } from './ClusterListCache';
import type { IstioApi } from './IstioApi';
import { isStaleApplyBody, StaleApplyError } from './StaleApplyError';
import {
  kubernetesAuthHeaders,
  kubernetesAuthProvidersFrom,
  tokenSourcesOf,
} from './kubernetesAuth';

/**
 * Options of {@link IstioClient}.
 *
 * @public
 */
export interface IstioClientOptions {
  discoveryApi: DiscoveryApi;
  fetchApi: FetchApi;
  /**
   * The Kubernetes plugin's auth providers, for clusters whose auth provider is
   * `google`, `aks` or `oidc`: the signed-in user's token is asked from them and sent
   * with each request concerning such a cluster. Give it when the app wires it in
   * explicitly; otherwise it is looked up in `apiHolder`.
   */
  kubernetesAuthProvidersApi?: KubernetesAuthProvidersApi;
  /**
   * The app's API holder, where the Kubernetes auth providers API is looked up on each
   * request that needs it, so the Istio plugin works in apps without the Kubernetes
   * plugin. See {@link IstioClient.withApiHolder}.
   */
  apiHolder?: ApiHolder;
  /** How long the cluster list is reused before it is read again; 5 minutes by default. */
  clustersCacheTtlMs?: number;
}

/**
 * Default {@link IstioApi} implementation: calls the backend through the discovery
 * and fetch APIs, so requests carry the signed-in user's Backstage token. For clusters
 * that use a client-side auth provider (`google`, `aks`, `oidc`), it also sends the
 * user's own Kubernetes tokens, as the Kubernetes plugin does.
 *
 * @public
 */
export class IstioClient implements IstioApi {
  private readonly discoveryApi: DiscoveryApi;
  private readonly fetchApi: FetchApi;
  private readonly kubernetesAuthProvidersApi?: KubernetesAuthProvidersApi;
  private readonly apiHolder?: ApiHolder;
  private clusters: ClusterListCache;

  constructor(options: IstioClientOptions) {
    this.discoveryApi = options.discoveryApi;
    this.fetchApi = options.fetchApi;
    this.kubernetesAuthProvidersApi = options.kubernetesAuthProvidersApi;
    this.apiHolder = options.apiHolder;
    this.clusters = new ClusterListCache(
      () => this.call<IstioClustersResponse>('/clusters'),
      options.clustersCacheTtlMs,
    );
  }

  /**
   * This client, looking the Kubernetes auth providers API up in the given API holder.
   * API factories cannot depend on an API the app may lack, so the plugin's components
   * pass the holder they see. The returned client shares this one's cluster list.
   */
  withApiHolder(apiHolder: ApiHolder): IstioClient {
    if (this.kubernetesAuthProvidersApi || this.apiHolder === apiHolder)
      return this;
    const bound = new IstioClient({
      discoveryApi: this.discoveryApi,
      fetchApi: this.fetchApi,
      apiHolder,
    });
    bound.clusters = this.clusters;
    return bound;
  }

  async getClusters(): Promise<IstioClustersResponse> {
    return this.clusters.get();
  }

  async getMeshConfig(
    request: { cluster?: string } = {},
  ): Promise<IstioMeshConfigResponse> {
    const query = request.cluster
      ? `?${new URLSearchParams({ cluster: request.cluster })}`
      : '';
    const headers = await this.authHeaders(
      request.cluster ? [request.cluster] : undefined,
    );
    return this.call<IstioMeshConfigResponse>(`/mesh-config${query}`, {
      headers,
    });
  }

  async getSidecarMemory(request: {
    entityRef: string;
  }): Promise<IstioSidecarMemoryResponse> {
    const headers = await this.authHeaders();
    return this.call<IstioSidecarMemoryResponse>(
      `/sidecar-memory?${new URLSearchParams({
        entityRef: request.entityRef,
      })}`,
      { headers },
    );
  }

  async getEntityMesh(request: {
    entityRef: string;
  }): Promise<IstioEntityMeshResponse> {
    const headers = await this.authHeaders();
    const answer = await this.call<IstioEntityMeshResponse>(
      `/entity?${new URLSearchParams({ entityRef: request.entityRef })}`,
      { headers },
    );
    // The answer carries the cluster list: later requests need not read it again.
    this.clusters.set(answer.clusters);
    return answer;
  }

  async applySidecar(
    request: IstioSidecarApplyRequest,
  ): Promise<IstioSidecarApplyResult> {
    // The backend refuses it too; failing here names the mistake without a round trip.
    if (!request.dryRun && !request.digest) {
      throw new Error(
        'A real apply must carry the digest of the dry run it applies',
      );
    }
    const headers = await this.authHeaders([request.cluster]);
    return this.call<IstioSidecarApplyResult>(
      '/sidecars',
      {
        method: 'POST',
        headers: { ...headers, 'Content-Type': 'application/json' },
        body: JSON.stringify(request),
      },
      error =>
        isStaleApplyBody(error.body)
          ? new StaleApplyError(error.cause.message, error.body.current)
          : error,
    );
  }

  /**
   * The header with the user's Kubernetes tokens for the client-side providers of the
   * named clusters (of all clusters without names), or none. Never fails: without the
   * Kubernetes auth providers, the cluster list or a token, the request goes without
   * them and the backend says per cluster which sign-in is needed.
   */
  private async authHeaders(
    clusterNames?: string[],
  ): Promise<Record<string, string>> {
    const authProviders = this.kubernetesAuthProviders();
    if (!authProviders) return {};
    let clusters: IstioClustersResponse;
    try {
      clusters = await this.clusters.get();
    } catch {
      return {};
    }
    const items = clusters.items ?? [];
    const concerned = clusterNames
      ? items.filter(c => clusterNames.includes(c.name))
      : items;
    const sources = tokenSourcesOf(concerned);
    if (sources.length === 0) return {};
    return kubernetesAuthHeaders(sources, authProviders);
  }

  private kubernetesAuthProviders(): KubernetesAuthProvidersApi | undefined {
    if (this.kubernetesAuthProvidersApi) return this.kubernetesAuthProvidersApi;
    return this.apiHolder && kubernetesAuthProvidersFrom(this.apiHolder);
  }

  /** `toError` may turn the backend's error answer into a more specific error. */
  private async call<T>(
    path: string,
    init?: RequestInit,
    toError: (error: ResponseError) => Error = e => e,
  ): Promise<T> {
    const baseUrl = await this.discoveryApi.getBaseUrl('istio');
    const response = await this.fetchApi.fetch(`${baseUrl}${path}`, init);
    if (!response.ok) {
      throw toError(await ResponseError.fromResponse(response));
    }
    return (await response.json()) as T;
  }
}
