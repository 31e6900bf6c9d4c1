import type {
  DiscoveryApi,
  FetchApi,
  OpenIdConnectApi,
} from '@backstage/frontend-plugin-api';

/** Renew a token this long before it expires. */
const RENEW_BEFORE_EXPIRY_MS = 60_000;

/**
 * Demo only: ID tokens from the demo OIDC provider (the backend's `demo-oidc-provider`
 * plugin) for the signed-in Backstage user. It stands where an adopter's app has its
 * Okta, Google or other OpenID Connect sign-in: the Kubernetes plugin's auth providers
 * ask it for the token of the demo's `oidc` cluster.
 */
export class DemoOidcProviderClient implements OpenIdConnectApi {
  private token?: { idToken: string; renewAt: number };
  private pending?: Promise<string>;

  constructor(
    private readonly options: {
      discoveryApi: DiscoveryApi;
      fetchApi: FetchApi;
    },
  ) {}

  async getIdToken(): Promise<string> {
    if (this.token && Date.now() < this.token.renewAt)
      return this.token.idToken;
    this.pending ??= this.fetchToken().finally(() => {
      this.pending = undefined;
    });
    return this.pending;
  }

  private async fetchToken(): Promise<string> {
    const { discoveryApi, fetchApi } = this.options;
    const baseUrl = await discoveryApi.getBaseUrl('demo-oidc-provider');
    const response = await fetchApi.fetch(`${baseUrl}/token`);
    if (!response.ok)
      throw new Error(
        `The demo OIDC provider answered ${response.status} ${response.statusText}`,
      );
    const { idToken, expiresAt } = (await response.json()) as {
      idToken: string;
      expiresAt: string;
    };
    this.token = {
      idToken,
      renewAt: Date.parse(expiresAt) - RENEW_BEFORE_EXPIRY_MS,
    };
    return idToken;
  }
}
