import { createPrivateKey, sign, type KeyObject } from 'node:crypto';

/** What the demo OIDC provider signs with, from the generated demo config. */
export interface DemoIdTokenSigner {
  issuer: string;
  audience: string;
  privateKey: KeyObject;
  /** How long a token is valid, in seconds. */
  lifetimeSeconds: number;
}

const base64url = (value: unknown) =>
  Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');

/** The signer for a PEM private key: ES256 for a P-256 key, RS256 for an RSA key. */
export function demoIdTokenSigner(options: {
  issuer: string;
  audience: string;
  privateKeyPem: string;
  lifetimeSeconds: number;
}): DemoIdTokenSigner {
  const privateKey = createPrivateKey(options.privateKeyPem);
  algorithmOf(privateKey);
  return { ...options, privateKey };
}

function algorithmOf(key: KeyObject): 'ES256' | 'RS256' {
  if (key.asymmetricKeyType === 'rsa') return 'RS256';
  if (
    key.asymmetricKeyType === 'ec' &&
    key.asymmetricKeyDetails?.namedCurve === 'prime256v1'
  )
    return 'ES256';
  throw new Error('the demo OIDC provider needs an RSA or a P-256 EC key');
}

/**
 * A short-lived OIDC ID token (a signed JWT) for `subject`, as an identity provider
 * issues one after sign-in: `iss`, `sub`, `aud`, `iat` and `exp`.
 */
export function signDemoIdToken(
  signer: DemoIdTokenSigner,
  subject: string,
  now = Date.now(),
): { idToken: string; expiresAt: string } {
  const alg = algorithmOf(signer.privateKey);
  const iat = Math.floor(now / 1000);
  const exp = iat + signer.lifetimeSeconds;
  const input = `${base64url({ alg, typ: 'JWT' })}.${base64url({
    iss: signer.issuer,
    sub: subject,
    aud: signer.audience,
    iat,
    exp,
  })}`;
  const signature = sign(
    'sha256',
    Buffer.from(input, 'utf8'),
    alg === 'ES256'
      ? { key: signer.privateKey, dsaEncoding: 'ieee-p1363' }
      : signer.privateKey,
  );
  return {
    idToken: `${input}.${signature.toString('base64url')}`,
    expiresAt: new Date(exp * 1000).toISOString(),
  };
}
