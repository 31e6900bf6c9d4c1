import { createHmac } from 'node:crypto';
import type { ScenarioOidc } from '../scenario/types';
import { createOidcTestIssuer } from '../testing/oidcIssuer';
import { createOidcVerifier, looksLikeJwt } from './oidcToken';

const rsa = createOidcTestIssuer();
const ec = createOidcTestIssuer({ algorithm: 'ES256' });
const configOf = (
  issuer: ReturnType<typeof createOidcTestIssuer>,
  extra: Partial<ScenarioOidc> = {},
): ScenarioOidc => ({
  issuer: issuer.issuer,
  audience: issuer.audience,
  publicKeyPem: issuer.publicKeyPem,
  usernamePrefix: '-',
  ...extra,
});
const b64 = (value: unknown) =>
  Buffer.from(JSON.stringify(value)).toString('base64url');

describe('OIDC token verification', () => {
  const verifyRsa = createOidcVerifier(configOf(rsa));

  it('accepts a valid RS256 or ES256 token and names the user by its claim', () => {
    expect(looksLikeJwt(rsa.sign({ sub: 'alice' }))).toBe(true);
    expect(verifyRsa(rsa.sign({ sub: 'alice' }))).toBe('alice');
    expect(createOidcVerifier(configOf(ec))(ec.sign({ sub: 'bob' }))).toBe(
      'bob',
    );
  });

  it('refuses a token signed by another key', () => {
    const impostor = createOidcTestIssuer({
      issuer: rsa.issuer,
      audience: rsa.audience,
    });
    expect(verifyRsa(impostor.sign({ sub: 'alice' }))).toBeUndefined();
    const token = rsa.sign({ sub: 'alice' });
    const [header, , signature] = token.split('.');
    const forged = `${header}.${b64({
      iss: rsa.issuer,
      aud: rsa.audience,
      sub: 'admin',
      exp: 9999999999,
    })}.${signature}`;
    expect(verifyRsa(forged)).toBeUndefined();
  });

  it('refuses an expired token, and one not valid yet', () => {
    expect(
      verifyRsa(rsa.sign({ sub: 'alice' }, { expiresInSeconds: -1 })),
    ).toBeUndefined();
    const now = Math.floor(Date.now() / 1000);
    expect(verifyRsa(rsa.sign({ sub: 'alice', nbf: now + 600 }))).toBe(
      undefined,
    );
    expect(verifyRsa(rsa.sign({ sub: 'alice', nbf: now + 60 }))).toBe('alice');
    expect(verifyRsa(rsa.sign({ sub: 'alice', exp: undefined }))).toBe(
      undefined,
    );
  });

  it('refuses a wrong audience or issuer, and takes an audience list', () => {
    expect(verifyRsa(rsa.sign({ sub: 'alice', aud: 'other' }))).toBeUndefined();
    expect(
      verifyRsa(rsa.sign({ sub: 'alice', aud: ['other', rsa.audience] })),
    ).toBe('alice');
    expect(
      verifyRsa(rsa.sign({ sub: 'alice', iss: 'https://evil.test' })),
    ).toBeUndefined();
  });

  it('refuses alg none, HS256 with the public key, and an algorithm the key does not have', () => {
    const claims = {
      iss: rsa.issuer,
      aud: rsa.audience,
      sub: 'alice',
      exp: Math.floor(Date.now() / 1000) + 600,
    };
    const none = `${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims)}.`;
    expect(verifyRsa(none)).toBeUndefined();
    expect(verifyRsa(`${none}c2ln`)).toBeUndefined();
    const hsInput = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64(claims)}`;
    const hs = `${hsInput}.${createHmac('sha256', rsa.publicKeyPem)
      .update(hsInput)
      .digest('base64url')}`;
    expect(verifyRsa(hs)).toBeUndefined();
    const es = createOidcVerifier(configOf(ec, { issuer: rsa.issuer }));
    expect(es(rsa.sign({ sub: 'alice' }))).toBeUndefined();
  });

  it('prefixes the user name as kube-apiserver does', () => {
    const token = rsa.sign({ sub: 'alice', email: 'alice@example.com' });
    const verifyWith = (extra: Partial<ScenarioOidc>) =>
      createOidcVerifier(configOf(rsa, extra))(token);
    expect(verifyWith({ usernamePrefix: undefined })).toBe(
      `${rsa.issuer}#alice`,
    );
    expect(verifyWith({ usernamePrefix: 'oidc:' })).toBe('oidc:alice');
    expect(
      verifyWith({ usernamePrefix: undefined, usernameClaim: 'email' }),
    ).toBe('alice@example.com');
    const unverified = rsa.sign({
      sub: 'a',
      email: 'a@x',
      email_verified: false,
    });
    expect(
      createOidcVerifier(configOf(rsa, { usernameClaim: 'email' }))(unverified),
    ).toBeUndefined();
    expect(verifyWith({ usernameClaim: 'groups' })).toBeUndefined();
  });

  it('takes only RSA and P-256 keys', () => {
    expect(() =>
      createOidcVerifier({ ...configOf(rsa), publicKeyPem: 'not a key' }),
    ).toThrow();
  });
});
