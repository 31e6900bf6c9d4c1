import type { KubernetesRequestAuth } from '@backstage/plugin-kubernetes-common';
import { InputError } from '@backstage/errors';
import {
  decodeKubernetesAuthHeader,
  KUBERNETES_AUTH_HEADER,
} from '@istio-backstage/plugin-istio-common';
import type express from 'express';

/**
 * The signed-in user's Kubernetes tokens sent with a request, or undefined. A malformed
 * header is a 400 whose message never repeats the value.
 */
export function userKubernetesAuth(
  req: express.Request,
): KubernetesRequestAuth | undefined {
  const header = req.header(KUBERNETES_AUTH_HEADER);
  if (header === undefined || header === '') return undefined;
  try {
    return decodeKubernetesAuthHeader(header) as KubernetesRequestAuth;
  } catch (error) {
    throw new InputError((error as Error).message);
  }
}
