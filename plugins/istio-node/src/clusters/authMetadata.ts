import {
  ANNOTATION_KUBERNETES_AUTH_PROVIDER,
  ANNOTATION_KUBERNETES_AWS_ASSUME_ROLE,
  ANNOTATION_KUBERNETES_AWS_EXTERNAL_ID,
  ANNOTATION_KUBERNETES_OIDC_TOKEN_PROVIDER,
} from '@backstage/plugin-kubernetes-common';
import {
  CLUSTER_AUTH_PROVIDERS,
  type ClusterAuth,
  type ClusterAuthProvider,
} from './types';

function isAuthProvider(value: string): value is ClusterAuthProvider {
  return (CLUSTER_AUTH_PROVIDERS as readonly string[]).includes(value);
}

/** The flat config keys the Kubernetes plugin turns into `authMetadata` entries. */
export const AUTH_METADATA_CONFIG_KEYS: Record<string, string> = {
  serviceAccountToken: 'serviceAccountToken',
  assumeRole: ANNOTATION_KUBERNETES_AWS_ASSUME_ROLE,
  externalId: ANNOTATION_KUBERNETES_AWS_EXTERNAL_ID,
  oidcTokenProvider: ANNOTATION_KUBERNETES_OIDC_TOKEN_PROVIDER,
};

/**
 * A cluster's auth as the Kubernetes plugin's strategies expect it, or what is wrong
 * with it: the provider must be one the Kubernetes plugin knows, and `oidc` needs the
 * name of the token provider the browser signs in with.
 */
export function toClusterAuth(
  metadata: Record<string, string>,
): ClusterAuth | { problem: string } {
  const provider = metadata[ANNOTATION_KUBERNETES_AUTH_PROVIDER];
  if (!provider)
    return {
      problem: `no auth provider: set 'authProvider' (or 'authMetadata.${ANNOTATION_KUBERNETES_AUTH_PROVIDER}')`,
    };
  if (!isAuthProvider(provider))
    return {
      problem: `unknown auth provider '${provider}'; the Kubernetes plugin knows ${CLUSTER_AUTH_PROVIDERS.join(
        ', ',
      )}`,
    };
  if (
    provider === 'oidc' &&
    !metadata[ANNOTATION_KUBERNETES_OIDC_TOKEN_PROVIDER]
  )
    return {
      problem: `the 'oidc' auth provider needs 'oidcTokenProvider' (the sign-in provider whose token is sent, e.g. 'okta')`,
    };
  return { provider, metadata: { ...metadata } };
}
