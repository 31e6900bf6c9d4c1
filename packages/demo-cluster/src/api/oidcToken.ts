import { createPublicKey, verify, type KeyObject } from 'node:crypto';
import type { ScenarioOidc } from '../scenario/types';

/** Leeway for `nbf`, as kube-apiserver's OIDC verifier allows it (none for `exp`). */
const NOT_BEFORE_LEEWAY_S = 5 * 60;
const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

/** Whether a bearer token has the shape of a JWT: three base64url parts. */
export function looksLikeJwt(token: string): boolean {
  return JWT_SHAPE.test(token);
}

/** The algorithm a key can verify, or undefined for a key this verifier does not take. */
export function algorithmOf(key: KeyObject): 'RS256' | 'ES256' | undefined {
  if (key.type !== 'public') return undefined;
  if (key.asymmetricKeyType === 'rsa') return 'RS256';
  if (
    key.asymmetricKeyType === 'ec' &&
    key.asymmetricKeyDetails?.namedCurve === 'prime256v1'
  )
    return 'ES256';
  return undefined;
}

function decodeJson(part: string): Record<string, unknown> | undefined {
  try {
    const value = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    return value && typeof value === 'object' && !Array.isArray(value)
      ? value
      : undefined;
  } catch {
    return undefined;
  }
}

/** The claims of a JWT whose signature the key verifies with the key's algorithm. */
function verifiedClaims(token: string, key: KeyObject, alg: string) {
  if (!looksLikeJwt(token)) return undefined;
  const [headerPart, payloadPart, signaturePart] = token.split('.');
  const header = decodeJson(headerPart);
  // `none`, HS256 and any other algorithm are refused; so is a critical extension.
  if (!header || header.alg !== alg || header.crit !== undefined)
    return undefined;
  const signature = Buffer.from(signaturePart, 'base64url');
  const input = Buffer.from(`${headerPart}.${payloadPart}`, 'utf8');
  let ok = false;
  try {
    ok =
      alg === 'ES256'
        ? signature.length === 64 &&
          verify('sha256', input, { key, dsaEncoding: 'ieee-p1363' }, signature)
        : verify('sha256', input, key, signature);
  } catch {
    ok = false;
  }
  return ok ? decodeJson(payloadPart) : undefined;
}

/** Whether `iss`, `aud`, `exp` and `nbf` are right at `nowS` (seconds). */
function claimsValid(
  claims: Record<string, unknown>,
  config: ScenarioOidc,
  nowS: number,
): boolean {
  const { iss, aud, exp, nbf } = claims;
  const audiences = Array.isArray(aud) ? aud : [aud];
  return (
    iss === config.issuer &&
    audiences.includes(config.audience) &&
    typeof exp === 'number' &&
    exp > nowS &&
    (nbf === undefined ||
      (typeof nbf === 'number' && nbf <= nowS + NOT_BEFORE_LEEWAY_S))
  );
}

/** The user name of verified claims, as kube-apiserver makes it from its OIDC flags. */
function usernameOf(
  claims: Record<string, unknown>,
  config: ScenarioOidc,
): string | undefined {
  const claim = config.usernameClaim ?? 'sub';
  const value = claims[claim];
  if (typeof value !== 'string' || value === '') return undefined;
  if (claim === 'email' && claims.email_verified === false) return undefined;
  let prefix = config.usernamePrefix;
  if (prefix === undefined)
    prefix = claim === 'email' ? '' : `${config.issuer}#`;
  if (prefix === '-') prefix = '';
  return `${prefix}${value}`;
}

/**
 * Verifies OIDC ID tokens with the issuer's public key (RS256 for an RSA key, ES256 for
 * a P-256 key; never `none` nor another algorithm), then `iss`, `aud`, `exp` and `nbf`.
 * Returns the user name, or undefined for any failure (which one is never told).
 */
export function createOidcVerifier(config: ScenarioOidc) {
  const key = createPublicKey(config.publicKeyPem);
  const alg = algorithmOf(key);
  if (!alg)
    throw new Error('the OIDC public key must be an RSA or a P-256 EC key');
  return (token: string, now = Date.now()): string | undefined => {
    const claims = verifiedClaims(token, key, alg);
    if (!claims || !claimsValid(claims, config, Math.floor(now / 1000)))
      return undefined;
    return usernameOf(claims, config);
  };
}
