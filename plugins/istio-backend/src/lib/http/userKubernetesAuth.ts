import type { KubernetesRequestAuth } from '@backstage/plugin-kubernetes-common';
import { InputError } from '@backstage/errors';
import {
  KUBERNETES_AUTH_HEADER,
  KUBERNETES_AUTH_HEADER_MAX_LENGTH,
} from '@istio-backstage/plugin-istio-common';
import type express from 'express';
import { z } from 'zod';

const token = z.string().min(1).max(8192);

// The shape of the Kubernetes plugin's request `auth`: a token per provider, and
// per OIDC sign-in provider under `oidc`.
const requestAuth = z
  .object({
    google: token.optional(),
    aks: token.optional(),
    oidc: z.record(z.string().max(100), token).optional(),
  })
  .strict();

/**
 * The signed-in user's Kubernetes tokens sent with a request, or undefined. A malformed
 * header is a 400 whose message never repeats the value.
 */
export function userKubernetesAuth(
  req: express.Request,
): KubernetesRequestAuth | undefined {
  const header = req.header(KUBERNETES_AUTH_HEADER);
  if (header === undefined || header === '') return undefined;
  if (
    header.length > KUBERNETES_AUTH_HEADER_MAX_LENGTH ||
    !/^[A-Za-z0-9_-]+$/.test(header)
  )
    throw new InputError(`Malformed ${KUBERNETES_AUTH_HEADER} header`);
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(header, 'base64url').toString('utf8'));
  } catch {
    throw new InputError(`Malformed ${KUBERNETES_AUTH_HEADER} header`);
  }
  const parsed = requestAuth.safeParse(decoded);
  if (!parsed.success)
    throw new InputError(
      `Malformed ${KUBERNETES_AUTH_HEADER} header: expected tokens under google, aks or oidc.<provider>`,
    );
  return parsed.data;
}
