import type { ApiHolder } from '@backstage/core-plugin-api';
import {
  kubernetesAuthProvidersApiRef,
  type KubernetesAuthProvidersApi,
} from '@backstage/plugin-kubernetes-react';
import {
  encodeKubernetesAuthHeader,
  KUBERNETES_AUTH_HEADER,
  KUBERNETES_AUTH_HEADER_MAX_LENGTH,
  type IstioClusterSummary,
} from '@istio-backstage/plugin-istio-common';

/**
 * The Kubernetes plugin's request `auth` object, as far as the Istio backend reads it:
 * the signed-in user's token per client-side auth provider.
 */
type KubernetesRequestAuth = {
  google?: string;
  aks?: string;
  oidc?: { [oidcTokenProvider: string]: string };
};

/** A client-side provider a token is asked for, and where the token goes in `auth`. */
type TokenSource =
  | { key: 'google' | 'aks'; provider: 'google' | 'aks' }
  | { key: string; provider: 'oidc'; oidcTokenProvider: string };

/**
 * The client-side provider of a cluster, or undefined for server-side ones (and for an
 * `oidc` cluster without a token provider, whose token could not be asked for). The key is
 * what the Kubernetes plugin passes to `getCredentials`: `oidc.<oidcTokenProvider>` for OIDC.
 */
function tokenSourceOf(cluster: IstioClusterSummary): TokenSource | undefined {
  const { authProvider, oidcTokenProvider } = cluster;
  if (authProvider === 'google' || authProvider === 'aks')
    return { key: authProvider, provider: authProvider };
  if (authProvider === 'oidc' && oidcTokenProvider)
    return {
      key: `oidc.${oidcTokenProvider}`,
      provider: 'oidc',
      oidcTokenProvider,
    };
  return undefined;
}

/** The distinct client-side providers of these clusters. */
export function tokenSourcesOf(clusters: IstioClusterSummary[]): TokenSource[] {
  const byKey = new Map<string, TokenSource>();
  for (const cluster of clusters) {
    const source = tokenSourceOf(cluster);
    if (source && !byKey.has(source.key)) byKey.set(source.key, source);
  }
  return [...byKey.values()];
}

function withToken(
  auth: KubernetesRequestAuth,
  source: TokenSource,
  token: string,
): KubernetesRequestAuth {
  if (source.provider === 'oidc')
    return {
      ...auth,
      oidc: { ...auth.oidc, [source.oidcTokenProvider]: token },
    };
  return { ...auth, [source.provider]: token };
}

/**
 * The header carrying the signed-in user's tokens for these providers, or no header when
 * none could be had. Tokens are asked for one provider after another, as the Kubernetes
 * plugin does, so sign-in prompts come one at a time. A provider that fails (the user
 * declined the sign-in, or the app has no such provider) is left out: the backend then
 * names the sign-in the cluster needs in its errors. A token that would make the header
 * longer than the backend accepts is left out the same way.
 */
export async function kubernetesAuthHeaders(
  sources: TokenSource[],
  authProviders: KubernetesAuthProvidersApi,
): Promise<Record<string, string>> {
  let auth: KubernetesRequestAuth = {};
  let header: string | undefined;
  for (const source of sources) {
    let token: string | undefined;
    try {
      token = (await authProviders.getCredentials(source.key)).token;
    } catch {
      // The backend reports the missing sign-in for the cluster.
      continue;
    }
    if (!token) continue;
    const next = withToken(auth, source, token);
    const encoded = encodeKubernetesAuthHeader(next);
    if (encoded.length > KUBERNETES_AUTH_HEADER_MAX_LENGTH) continue;
    auth = next;
    header = encoded;
  }
  return header ? { [KUBERNETES_AUTH_HEADER]: header } : {};
}

/**
 * The Kubernetes plugin's auth providers API from an API holder, or undefined when the app
 * has none (the Kubernetes frontend plugin is not installed) or it cannot be created.
 */
export function kubernetesAuthProvidersFrom(
  apiHolder: ApiHolder,
): KubernetesAuthProvidersApi | undefined {
  try {
    return apiHolder.get(kubernetesAuthProvidersApiRef);
  } catch {
    return undefined;
  }
}
