import {
  decodeKubernetesAuthHeader,
  encodeKubernetesAuthHeader,
} from './kubernetesAuthHeader';

describe('the Kubernetes auth header', () => {
  it('round-trips the tokens of every client-side provider', () => {
    const auth = { google: 'g', aks: 'a', oidc: { okta: 'o', dex: 'd' } };
    expect(
      decodeKubernetesAuthHeader(encodeKubernetesAuthHeader(auth)),
    ).toEqual(auth);
  });

  it.each([
    ['not base64url', 'a+b/c='],
    ['not JSON', 'bm90IGpzb24'],
    ['an unknown provider', encodeKubernetesAuthHeader({ kerberos: 'x' })],
    ['a token that is not a string', encodeKubernetesAuthHeader({ google: 1 })],
    [
      'oidc that is not a map',
      encodeKubernetesAuthHeader({ oidc: 'secret-x' }),
    ],
    ['an empty token', encodeKubernetesAuthHeader({ aks: '' })],
    ['a value too long', 'A'.repeat(20_000)],
  ])('refuses %s without repeating the value', (_case, value) => {
    expect(() => decodeKubernetesAuthHeader(value)).toThrow(
      /^Malformed backstage-istio-kubernetes-auth value/,
    );
    expect(() => decodeKubernetesAuthHeader(value)).not.toThrow(/secret-x/);
  });
});
