import { InputError } from '@backstage/errors';
import type { KubernetesRequestAuth } from '@backstage/plugin-kubernetes-common';
import { decodeKubernetesAuthHeader } from '@istio-backstage/plugin-istio-common';

/**
 * The task secret that carries the initiator's Kubernetes tokens, for clusters whose
 * auth provider uses them (`google`, `aks`, `oidc`): the same encoding as the Istio
 * backend's request header (`encodeKubernetesAuthHeader` from the common package).
 */
export const KUBERNETES_AUTH_SECRET = 'kubernetesAuth';

/** The initiator's Kubernetes tokens from the task's secrets, or undefined. */
export function userKubernetesAuthOf(
  secrets: Record<string, string> | undefined,
): KubernetesRequestAuth | undefined {
  const value = secrets?.[KUBERNETES_AUTH_SECRET];
  if (!value) return undefined;
  try {
    return decodeKubernetesAuthHeader(value) as KubernetesRequestAuth;
  } catch (error) {
    throw new InputError(
      `secrets.${KUBERNETES_AUTH_SECRET}: ${(error as Error).message}`,
    );
  }
}
