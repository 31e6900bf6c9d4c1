import { sign } from 'node:crypto';
import { createOidcVerifier } from './api/oidcToken';
import {
  createDemoOidcProvider,
  DEMO_OIDC_SCENARIO,
  withDemoOidcAuth,
} from './demoOidcCluster';
import { loadScenario } from './scenario/loadScenario';
import { validateScenarioAuth } from './scenario/validateAuth';

const part = (value: unknown) =>
  Buffer.from(JSON.stringify(value)).toString('base64url');

describe('the demo-oidc cluster', () => {
  const provider = createDemoOidcProvider();
  const scenario = withDemoOidcAuth(loadScenario(DEMO_OIDC_SCENARIO), provider);

  it('takes OIDC ID tokens only', () => {
    expect(() => validateScenarioAuth(scenario.auth)).not.toThrow();
    expect(scenario.auth.tokens).toEqual([]);
    expect(scenario.auth.users).toBeUndefined();
  });

  it("knows the guest by the demo OIDC provider's token", () => {
    const now = Math.floor(Date.now() / 1000);
    const input = `${part({ alg: 'ES256', typ: 'JWT' })}.${part({
      iss: provider.issuer,
      aud: provider.audience,
      sub: 'user:default/guest',
      iat: now,
      exp: now + 600,
    })}`;
    const signature = sign('sha256', Buffer.from(input), {
      key: provider.privateKeyPem,
      dsaEncoding: 'ieee-p1363',
    }).toString('base64url');
    const user = createOidcVerifier(scenario.auth.oidc!)(
      `${input}.${signature}`,
    );
    expect(user).toBe('oidc:user:default/guest');
    expect(scenario.auth.oidc!.users![user!]).toMatchObject({ role: 'read' });
  });
});
