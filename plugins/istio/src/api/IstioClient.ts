import type { DiscoveryApi, FetchApi } from '@backstage/core-plugin-api';
import { ResponseError } from '@backstage/errors';
import type {
  IstioClustersResponse,
  IstioMeshConfigResponse,
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

  private async get<T>(path: string): Promise<T> {
    const baseUrl = await this.discoveryApi.getBaseUrl('istio');
    const response = await this.fetchApi.fetch(`${baseUrl}${path}`);
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    return (await response.json()) as T;
  }
}
