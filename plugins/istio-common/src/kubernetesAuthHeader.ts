/**
 * The request header that carries the signed-in user's Kubernetes tokens to the Istio
 * backend, for clusters whose auth provider uses them (`google`, `aks`, `oidc`): the
 * Kubernetes plugin's request `auth` object (`{ google: token }`, `{ oidc: { okta:
 * token } }`), as JSON in base64url. A header rather than a body, so GET requests can
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
