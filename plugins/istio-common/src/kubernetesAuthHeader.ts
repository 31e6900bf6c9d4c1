/**
 * The request header that carries the signed-in user's Kubernetes tokens to the Istio
 * backend, for clusters whose auth provider uses them (`google`, `aks`, `oidc`): the
 * Kubernetes plugin's request `auth` object (`{ google: token }`,
 * `{ oidc: { okta: token } }`), as JSON in base64url. A header rather than a body, so GET requests can
 * carry it; the backend uses it for that request only.
 *
 * @public
 */
export const KUBERNETES_AUTH_HEADER = 'backstage-istio-kubernetes-auth';

/** The longest header value the backend accepts (a few OIDC tokens). @public */
export const KUBERNETES_AUTH_HEADER_MAX_LENGTH = 16 * 1024;

/**
 * Encodes the Kubernetes plugin's request `auth` object for {@link KUBERNETES_AUTH_HEADER}.
 *
 * @public
 */
export function encodeKubernetesAuthHeader(auth: object): string {
  const bytes = new TextEncoder().encode(JSON.stringify(auth));
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary)
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');
}

/** The user's Kubernetes tokens as the Kubernetes plugin's request `auth` carries them. @public */
export interface KubernetesUserAuth {
  google?: string;
  aks?: string;
  /** Per OIDC sign-in provider (`oidcTokenProvider`). */
  oidc?: Record<string, string>;
}

const TOKEN_MAX_LENGTH = 8192;

function isToken(value: unknown): value is string {
  return (
    typeof value === 'string' &&
    value.length > 0 &&
    value.length <= TOKEN_MAX_LENGTH
  );
}

function parseUserAuth(value: unknown): KubernetesUserAuth | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return undefined;
  const { google, aks, oidc, ...rest } = value as Record<string, unknown>;
  if (Object.keys(rest).length > 0) return undefined;
  if (google !== undefined && !isToken(google)) return undefined;
  if (aks !== undefined && !isToken(aks)) return undefined;
  if (oidc !== undefined) {
    if (typeof oidc !== 'object' || oidc === null || Array.isArray(oidc))
      return undefined;
    for (const [name, token] of Object.entries(oidc))
      if (name.length > 100 || !isToken(token)) return undefined;
  }
  return value as KubernetesUserAuth;
}

/**
 * Decodes a {@link KUBERNETES_AUTH_HEADER} value; throws an error that never repeats
 * the value when it is not one.
 *
 * @public
 */
export function decodeKubernetesAuthHeader(value: string): KubernetesUserAuth {
  const malformed = () =>
    new Error(
      `Malformed ${KUBERNETES_AUTH_HEADER} value: expected base64url JSON with tokens under google, aks or oidc.<provider>`,
    );
  if (
    value.length > KUBERNETES_AUTH_HEADER_MAX_LENGTH ||
    !/^[A-Za-z0-9_-]+$/.test(value)
  )
    throw malformed();
  let decoded: unknown;
  try {
    const binary = atob(value.replace(/-/g, '+').replace(/_/g, '/'));
    const bytes = Uint8Array.from(binary, c => c.charCodeAt(0));
    decoded = JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    throw malformed();
  }
  const auth = parseUserAuth(decoded);
  if (!auth) throw malformed();
  return auth;
}
