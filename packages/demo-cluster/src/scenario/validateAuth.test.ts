import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createOidcTestIssuer } from '../testing/oidcIssuer';
import { listScenarios, loadScenario } from './loadScenario';
import { validateScenarioAuth } from './validateAuth';

const rule = { apiGroups: [''], resources: ['pods'], verbs: ['get'] };

describe('validateScenarioAuth', () => {
  it('accepts every committed scenario', () => {
    for (const name of listScenarios())
      expect(() => loadScenario(name)).not.toThrow();
  });

  it('accepts tokens, users, AWS identities and an OIDC issuer with rules', () => {
    const issuer = createOidcTestIssuer({ algorithm: 'ES256' });
    expect(() =>
      validateScenarioAuth({
        tokens: [
          { token: 't', user: 'u', role: 'read' },
          {
            token: 'r',
            user: 'v',
            rules: [rule],
            namespaceRules: { a: [rule] },
          },
        ],
        users: {
          alice: 'write',
          bob: { rules: [{ ...rule, resourceNames: [] }] },
        },
        aws: [
          { accessKeyId: 'A', secretAccessKey: 'S', clusterId: 'c', user: 'w' },
        ],
        oidc: {
          issuer: issuer.issuer,
          audience: issuer.audience,
          publicKeyPem: issuer.publicKeyPem,
          usernamePrefix: '-',
          users: { alice: { role: 'read' } },
        },
      }),
    ).not.toThrow();
  });

  it('lists every problem', () => {
    let message = '';
    try {
      validateScenarioAuth({
        tokens: [{ token: '', user: 'u', role: 'admin' }],
        users: { bob: 'owner' },
        aws: [{ accessKeyId: 'A', user: 'w', rules: [{ verbs: 'get' }] }],
        oidc: {
          issuer: 'http://insecure',
          audience: 'k',
          publicKeyPem: 'nope',
          users: { x: { namespaceRules: { a: [{ ...rule, apiGroups: [] }] } } },
        },
      });
    } catch (e) {
      message = (e as Error).message;
    }
    for (const problem of [
      'auth.tokens[0].role',
      'auth.tokens[0].token',
      'auth.users.bob',
      'auth.aws[0].rules[0].apiGroups',
      'auth.aws[0].rules[0].verbs',
      'auth.aws[0].secretAccessKey',
      'auth.aws[0].clusterId',
      'auth.oidc.issuer: expected an https URL',
      'auth.oidc.publicKeyPem',
      'auth.oidc.users.x.namespaceRules.a[0].apiGroups',
    ])
      expect(message).toContain(problem);
  });

  it('is applied when a scenario file is loaded', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'demo-cluster-auth-'));
    const file = path.join(dir, 'bad.yaml');
    fs.writeFileSync(
      file,
      'extends: default\nauth:\n  tokens:\n    - token: t\n      user: u\n      rules: [{ apiGroups: [""], resources: [pods] }]\n',
    );
    try {
      expect(() => loadScenario(file)).toThrow(
        /auth\.tokens\[0\]\.rules\[0\]\.verbs: expected a non-empty list of strings/,
      );
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
