import {
  generateKeyPairSync,
  randomBytes,
  sign as signData,
} from 'node:crypto';

/** An OIDC issuer for tests: its settings for a scenario, and a way to mint ID tokens. */
export interface OidcTestIssuer {
  /** The `iss` of the tokens (put it in the scenario's `auth.oidc.issuer`). */
  issuer: string;
  /** The `aud` of the tokens (the scenario's `auth.oidc.audience`). */
  audience: string;
  /** PEM of the issuer's public key (the scenario's `auth.oidc.publicKeyPem`). */
  publicKeyPem: string;
  /** The signing algorithm of the tokens. */
  algorithm: 'RS256' | 'ES256';
  /**
   * A signed ID token: `iss`, `aud`, `iat` and `exp` (in `expiresInSeconds`, default one
   * hour; negative for an expired token) are set, and the given claims override them.
   */
  sign(
    claims: Record<string, unknown>,
    options?: { expiresInSeconds?: number },
  ): string;
}

const base64url = (value: unknown) =>
  Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');

/**
 * Creates an OIDC issuer with a fresh key pair, so tests can mint tokens for users of a
 * demo cluster whose scenario trusts it (`auth.oidc`). Nothing leaves the process.
 */
export function createOidcTestIssuer(
  options: {
    algorithm?: 'RS256' | 'ES256';
    issuer?: string;
    audience?: string;
  } = {},
): OidcTestIssuer {
  const algorithm = options.algorithm ?? 'RS256';
  const { publicKey, privateKey } =
    algorithm === 'ES256'
      ? generateKeyPairSync('ec', { namedCurve: 'prime256v1' })
      : generateKeyPairSync('rsa', { modulusLength: 2048 });
  const issuer =
    options.issuer ??
    `https://oidc-${randomBytes(4).toString('hex')}.demo-cluster.test`;
  const audience = options.audience ?? 'kubernetes';
  const kid = randomBytes(8).toString('hex');
  return {
    issuer,
    audience,
    algorithm,
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    sign(claims, signOptions = {}) {
      const now = Math.floor(Date.now() / 1000);
      const payload = {
        iss: issuer,
        aud: audience,
        iat: now,
        exp: now + (signOptions.expiresInSeconds ?? 3600),
        ...claims,
      };
      const input = `${base64url({
        alg: algorithm,
        typ: 'JWT',
        kid,
      })}.${base64url(payload)}`;
      const signature = signData(
        'sha256',
        Buffer.from(input, 'utf8'),
        algorithm === 'ES256'
          ? { key: privateKey, dsaEncoding: 'ieee-p1363' }
          : privateKey,
      );
      return `${input}.${signature.toString('base64url')}`;
    },
  };
}
