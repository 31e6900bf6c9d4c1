import { generateKeyPairSync, verify } from 'node:crypto';
import { demoIdTokenSigner, signDemoIdToken } from './demoIdToken';

const decode = (part: string) =>
  JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));

describe('signDemoIdToken', () => {
  const { publicKey, privateKey } = generateKeyPairSync('ec', {
    namedCurve: 'prime256v1',
  });
  const signer = demoIdTokenSigner({
    issuer: 'https://demo-oidc-provider.localhost',
    audience: 'backstage-demo',
    privateKeyPem: privateKey
      .export({ type: 'pkcs8', format: 'pem' })
      .toString(),
    lifetimeSeconds: 600,
  });

  it('signs a short-lived ES256 ID token for the user', () => {
    const now = Date.UTC(2026, 0, 1);
    const { idToken, expiresAt } = signDemoIdToken(
      signer,
      'user:default/guest',
      now,
    );
    const [header, payload, signature] = idToken.split('.');
    expect(decode(header)).toEqual({ alg: 'ES256', typ: 'JWT' });
    expect(decode(payload)).toEqual({
      iss: 'https://demo-oidc-provider.localhost',
      sub: 'user:default/guest',
      aud: 'backstage-demo',
      iat: now / 1000,
      exp: now / 1000 + 600,
    });
    expect(expiresAt).toBe(new Date(now + 600_000).toISOString());
    expect(
      verify(
        'sha256',
        Buffer.from(`${header}.${payload}`),
        { key: publicKey, dsaEncoding: 'ieee-p1363' },
        Buffer.from(signature, 'base64url'),
      ),
    ).toBe(true);
  });

  it('refuses a key it cannot sign with', () => {
    const { privateKey: ed } = generateKeyPairSync('ed25519');
    expect(() =>
      demoIdTokenSigner({
        issuer: 'https://demo-oidc-provider.localhost',
        audience: 'backstage-demo',
        privateKeyPem: ed.export({ type: 'pkcs8', format: 'pem' }).toString(),
        lifetimeSeconds: 600,
      }),
    ).toThrow(/RSA or a P-256 EC key/);
  });
});
