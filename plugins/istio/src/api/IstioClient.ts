import type { DiscoveryApi, FetchApi } from '@backstage/core-plugin-api';
import { ResponseError } from '@backstage/errors';
import type {
  IstioClustersResponse,
  IstioMeshConfigResponse,
  IstioSidecarApplyRequest,
  IstioSidecarApplyResult,
  IstioSidecarMemoryResponse,
} from '@istio-backstage/plugin-istio-common';
import type { IstioApi } from './IstioApi';

/**
 * Default {@link IstioApi} implementation: calls the backend through the discovery
 * and fetch APIs, so requests carry the signed-in user's token.
 *
 * @public
 */
export class IstioClient implements IstioApi {
  private readonly discoveryApi: DiscoveryApi;
  private readonly fetchApi: FetchApi;

  constructor(options: { discoveryApi: DiscoveryApi; fetchApi: FetchApi }) {
    this.discoveryApi = options.discoveryApi;
    this.fetchApi = options.fetchApi;
  }

  async getClusters(): Promise<IstioClustersResponse> {
    return this.get<IstioClustersResponse>('/clusters');
  }

  async getMeshConfig(
    request: { cluster?: string } = {},
  ): Promise<IstioMeshConfigResponse> {
    const query = request.cluster
      ? `?${new URLSearchParams({ cluster: request.cluster })}`
      : '';
    return this.get<IstioMeshConfigResponse>(`/mesh-config${query}`);
  }

  async getSidecarMemory(request: {
    entityRef: string;
  }): Promise<IstioSidecarMemoryResponse> {
    return this.get<IstioSidecarMemoryResponse>(
      `/sidecar-memory?${new URLSearchParams({
        entityRef: request.entityRef,
      })}`,
    );
  }

  async applySidecar(
    request: IstioSidecarApplyRequest,
  ): Promise<IstioSidecarApplyResult> {
    return this.call<IstioSidecarApplyResult>('/sidecars', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(request),
    });
  }

  private async get<T>(path: string): Promise<T> {
    return this.call<T>(path);
  }

  private async call<T>(path: string, init?: RequestInit): Promise<T> {
    const baseUrl = await this.discoveryApi.getBaseUrl('istio');
    const response = await this.fetchApi.fetch(`${baseUrl}${path}`, init);
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    return (await response.json()) as T;
  }
}
