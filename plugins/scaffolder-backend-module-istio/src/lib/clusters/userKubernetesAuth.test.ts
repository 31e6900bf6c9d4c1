import { encodeKubernetesAuthHeader } from '@istio-backstage/plugin-istio-common';
import { userKubernetesAuthOf } from './userKubernetesAuth';

describe('userKubernetesAuthOf', () => {
  it('reads the initiator tokens from the task secrets', () => {
    const auth = { oidc: { okta: 'user-token' } };
    expect(
      userKubernetesAuthOf({
        kubernetesAuth: encodeKubernetesAuthHeader(auth),
      }),
    ).toEqual(auth);
  });

  it('answers undefined without the secret', () => {
    expect(userKubernetesAuthOf(undefined)).toBeUndefined();
    expect(userKubernetesAuthOf({ other: 'x' })).toBeUndefined();
  });

  it('refuses a malformed secret without repeating it', () => {
    expect(() =>
      userKubernetesAuthOf({ kubernetesAuth: 'not/base64url=secret' }),
    ).toThrow(/^secrets\.kubernetesAuth: Malformed/);
    expect(() =>
      userKubernetesAuthOf({ kubernetesAuth: 'not/base64url=secret' }),
    ).not.toThrow(/secret$/);
  });
});
