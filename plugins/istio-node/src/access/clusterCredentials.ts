import type { Config } from '@backstage/config';
import type { LoggerService } from '@backstage/backend-plugin-api';
import {
  AksStrategy,
  AnonymousStrategy,
  AwsIamStrategy,
  AzureIdentityStrategy,
  DispatchStrategy,
  GoogleServiceAccountStrategy,
  GoogleStrategy,
  OidcStrategy,
  ServiceAccountStrategy,
} from '@backstage/plugin-kubernetes-backend';
import type { KubernetesRequestAuth } from '@backstage/plugin-kubernetes-common';
import type {
  AuthenticationStrategy,
  KubernetesCredential,
} from '@backstage/plugin-kubernetes-node';
import { KubeConfig } from '@kubernetes/client-node';
import type { ClusterAuthProvider, IstioClusterConfig } from '../clusters';

/**
 * Gets the credential for a request to a cluster, from the backend's own credentials
 * (server-side providers) or from the signed-in user's token sent with the request
 * (`google`, `aks`, `oidc`).
 *
 * @public
 */
export interface ClusterCredentialSource {
  credentialFor(
    cluster: IstioClusterConfig,
    userAuth?: KubernetesRequestAuth,
  ): Promise<KubernetesCredential>;
}

/** Thrown when a cluster's credential cannot be had; its message names no secret. @public */
export class ClusterCredentialError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ClusterCredentialError';
  }
}

function serviceAccountStrategy(): AuthenticationStrategy {
  const strategy = new ServiceAccountStrategy();
  // The strategy loads client-node with a dynamic import, which Jest's CommonJS runtime
  // cannot do; it accepts the module instead, and this is the one we already load.
  Object.assign(strategy, { injectedKubernetesClient: { KubeConfig } });
  return strategy;
}

function strategyFactories(
  config: Config,
  logger: LoggerService,
): Record<ClusterAuthProvider, () => AuthenticationStrategy> {
  return {
    serviceAccount: serviceAccountStrategy,
    aws: () => new AwsIamStrategy({ config }),
    googleServiceAccount: () => new GoogleServiceAccountStrategy({ config }),
    azure: () => new AzureIdentityStrategy(logger),
    google: () => new GoogleStrategy(),
    aks: () => new AksStrategy(),
    oidc: () => new OidcStrategy(),
    localKubectlProxy: () => new AnonymousStrategy(),
  };
}

/** The user's token this provider needs, or why it is missing. */
function missingUserToken(
  cluster: IstioClusterConfig,
  userAuth: KubernetesRequestAuth | undefined,
): string | undefined {
  const { provider, metadata } = cluster.auth;
  if (provider === 'google' && typeof userAuth?.google !== 'string')
    return 'sign in with Google: this cluster uses your Google token';
  if (provider === 'aks' && typeof userAuth?.aks !== 'string')
    return 'sign in with Microsoft: this cluster uses your AKS token';
  if (provider === 'oidc') {
    const tokenProvider = metadata['kubernetes.io/oidc-token-provider'];
    const tokens = userAuth?.oidc as Record<string, unknown> | undefined;
    if (typeof tokens?.[tokenProvider] !== 'string')
      return `sign in with '${tokenProvider}': this cluster uses your OIDC token`;
  }
  return undefined;
}

// Strategy errors may quote what they could not parse (a credentials JSON): drop quoted text.
function withoutQuotes(message: string): string {
  return message.replace(/"[^"]*"?|'[^']*'?/g, '…').slice(0, 300);
}

/**
 * The credential source built from the Kubernetes plugin's own auth strategies, behind
 * its `DispatchStrategy`; each strategy is made the first time a cluster needs it
 * (Azure's reaches for managed identity as it is made).
 *
 * @public
 */
export function createClusterCredentialSource(options: {
  config: Config;
  logger: LoggerService;
}): ClusterCredentialSource {
  const factories = strategyFactories(options.config, options.logger);
  const made = new Map<string, AuthenticationStrategy>();
  const lazy = (provider: ClusterAuthProvider): AuthenticationStrategy => ({
    getCredential: async (details, auth) => {
      if (!made.has(provider)) made.set(provider, factories[provider]());
      const strategy = made.get(provider)!;
      try {
        return await strategy.getCredential(details, auth);
      } catch (error) {
        // Made again for the next request: Azure's keeps a failed token fetch for good.
        if (made.get(provider) === strategy) made.delete(provider);
        throw error;
      }
    },
    validateCluster: () => [],
    presentAuthMetadata: () => ({}),
  });
  const dispatch = new DispatchStrategy({
    authStrategyMap: Object.fromEntries(
      (Object.keys(factories) as ClusterAuthProvider[]).map(p => [p, lazy(p)]),
    ),
  });
  return {
    async credentialFor(cluster, userAuth) {
      const missing = missingUserToken(cluster, userAuth);
      if (missing) throw new ClusterCredentialError(missing);
      try {
        return await dispatch.getCredential(
          {
            name: cluster.name,
            url: cluster.url,
            authMetadata: cluster.auth.metadata,
            skipTLSVerify: cluster.skipTLSVerify,
            caData: cluster.caData,
            caFile: cluster.caFile,
          },
          userAuth ?? {},
        );
      } catch (error) {
        throw new ClusterCredentialError(
          `no '${cluster.auth.provider}' credential: ${withoutQuotes(
            (error as Error).message ?? String(error),
          )}`,
        );
      }
    },
  };
}
