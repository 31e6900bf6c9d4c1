// RBAC per resource and verb, and the AWS IAM and OIDC tokens, over HTTPS against a
// running demo cluster.
import https from 'node:https';
import { startDemoCluster, type DemoCluster } from '../DemoCluster';
import { loadScenario } from '../scenario/loadScenario';
import type { Scenario } from '../scenario/types';
import { createOidcTestIssuer } from '../testing/oidcIssuer';
import { policyRulesFromYaml } from '../testing/rbacYaml';
import { presignedToken } from './awsPresign.testHelpers';

jest.setTimeout(60_000);

let cluster: DemoCluster;
const oidc = createOidcTestIssuer();
const aws = {
  accessKeyId: 'AKIADEMOCLUSTER0002',
  secretAccessKey: 'server-test-secret',
  clusterId: 'demo',
  user: 'arn:aws:iam::111122223333:role/backstage',
};
const sidecarsRole = policyRulesFromYaml(`
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: { name: sidecar-editor, namespace: payments }
rules:
  - apiGroups: [networking.istio.io]
    resources: [sidecars]
    verbs: [get, patch]
    resourceNames: [default]
`);

interface Reply {
  status?: number;
  body: { message?: string; items?: unknown[]; [key: string]: unknown };
}

function call(
  method: string,
  path: string,
  token: string,
  options: { body?: string; headers?: Record<string, string> } = {},
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = https.request(
      `${cluster.url}${path}`,
      {
        method,
        ca: cluster.caPem,
        headers: { Authorization: `Bearer ${token}`, ...options.headers },
      },
      res => {
        let text = '';
        res.on('data', c => (text += c));
        res.on('end', () =>
          resolve({ status: res.statusCode, body: JSON.parse(text || '{}') }),
        );
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

const sidecar = (name: string) =>
  JSON.stringify({
    apiVersion: 'networking.istio.io/v1',
    kind: 'Sidecar',
    metadata: { name, namespace: 'payments' },
    spec: { egress: [{ hosts: ['./*'] }] },
  });
const apply = (name: string, token: string, query = '') =>
  call(
    'PATCH',
    `/apis/networking.istio.io/v1/namespaces/payments/sidecars/${name}?fieldManager=test${query}`,
    token,
    {
      body: sidecar(name),
      headers: { 'Content-Type': 'application/apply-patch+yaml' },
    },
  );

beforeAll(async () => {
  const base = loadScenario('default');
  const scenario: Scenario = {
    ...base,
    memoryConvergenceSeconds: 0,
    auth: {
      ...base.auth,
      tokens: [
        ...base.auth.tokens,
        {
          token: 'pods-in-demo',
          user: 'pod-lister',
          namespaceRules: {
            'istio-demo': [
              { apiGroups: [''], resources: ['pods'], verbs: ['list'] },
            ],
          },
        },
        {
          token: 'sidecar-editor',
          user: 'sidecar-editor',
          namespaceRules: { payments: sidecarsRole },
        },
        {
          token: 'impersonates-alice',
          user: 'helper',
          rules: [
            {
              apiGroups: [''],
              resources: ['users'],
              verbs: ['impersonate'],
              resourceNames: ['alice'],
            },
          ],
        },
      ],
      users: { ...base.auth.users, alice: { rules: [] } },
      aws: [
        {
          ...aws,
          rules: [
            {
              apiGroups: [''],
              resources: ['configmaps'],
              verbs: ['get'],
              resourceNames: ['istio'],
            },
          ],
        },
      ],
      oidc: {
        issuer: oidc.issuer,
        audience: oidc.audience,
        publicKeyPem: oidc.publicKeyPem,
        users: {
          [`${oidc.issuer}#alice`]: {
            namespaceRules: {
              'istio-demo': [
                {
                  apiGroups: [''],
                  resources: ['services'],
                  verbs: ['get', 'list'],
                },
              ],
            },
          },
        },
      },
    },
  };
  cluster = await startDemoCluster({ scenario, port: 0, metricsPort: 0 });
});
afterAll(() => cluster?.stop());

describe('RBAC per resource and verb', () => {
  it('lets a token that may list pods in one namespace do that and nothing else', async () => {
    const ok = await call(
      'GET',
      '/api/v1/namespaces/istio-demo/pods',
      'pods-in-demo',
    );
    expect(ok.status).toBe(200);
    expect(ok.body.items!.length).toBeGreaterThan(0);

    const other = await call(
      'GET',
      '/api/v1/namespaces/payments/pods',
      'pods-in-demo',
    );
    expect(other.status).toBe(403);
    expect(other.body).toMatchObject({
      kind: 'Status',
      reason: 'Forbidden',
      code: 403,
      message:
        'pods is forbidden: User "pod-lister" cannot list resource "pods" in API group "" in the namespace "payments"',
    });
    const all = await call('GET', '/api/v1/pods', 'pods-in-demo');
    expect(all.status).toBe(403);
    expect(all.body.message).toBe(
      'pods is forbidden: User "pod-lister" cannot list resource "pods" in API group "" at the cluster scope',
    );
    const watch = await call(
      'GET',
      '/api/v1/namespaces/istio-demo/pods?watch=1',
      'pods-in-demo',
    );
    expect(watch.body.message).toMatch(/cannot watch resource "pods"/);
    const services = await call(
      'GET',
      '/api/v1/namespaces/istio-demo/services',
      'pods-in-demo',
    );
    expect(services.status).toBe(403);
  });

  it('keeps discovery open to any authenticated caller, and refuses unknown tokens', async () => {
    for (const path of ['/api', '/apis', '/version', '/api/v1', '/openapi/v3'])
      expect((await call('GET', path, 'pods-in-demo')).status).toBe(200);
    expect((await call('GET', '/api', 'no-such-token')).status).toBe(401);
  });

  it('needs patch to apply and create to apply a new object, named or not', async () => {
    const created = await apply('default', 'sidecar-editor');
    expect(created.status).toBe(403);
    expect(created.body.message).toBe(
      'sidecars.networking.istio.io "default" is forbidden: User "sidecar-editor" cannot create resource "sidecars" in API group "networking.istio.io" in the namespace "payments"',
    );
    expect((await apply('other', 'sidecar-editor')).body.message).toMatch(
      /cannot patch resource "sidecars"/,
    );
    // Once the object exists, patch by name is enough, dry run or not.
    expect((await apply('default', 'demo-writer-token')).status).toBe(201);
    expect(
      (await apply('default', 'sidecar-editor', '&dryRun=All')).status,
    ).toBe(200);
    expect((await apply('default', 'sidecar-editor')).status).toBe(200);
    const remove = await call(
      'DELETE',
      '/apis/networking.istio.io/v1/namespaces/payments/sidecars/default',
      'sidecar-editor',
    );
    expect(remove.body.message).toMatch(/cannot delete resource "sidecars"/);
    expect(
      (
        await call(
          'DELETE',
          '/apis/networking.istio.io/v1/namespaces/payments/sidecars/default',
          'demo-writer-token',
        )
      ).status,
    ).toBe(200);
  });

  it('checks impersonation against the caller and then serves as the user', async () => {
    const as = (user: string) => ({ headers: { 'Impersonate-User': user } });
    const alice = await call(
      'GET',
      '/api/v1/namespaces',
      'impersonates-alice',
      as('alice'),
    );
    expect(alice.body.message).toBe(
      'namespaces is forbidden: User "alice" cannot list resource "namespaces" in API group "" at the cluster scope',
    );
    const bob = await call(
      'GET',
      '/api/v1/namespaces',
      'impersonates-alice',
      as('bob'),
    );
    expect(bob.body.message).toBe(
      'users "bob" is forbidden: User "helper" cannot impersonate resource "users" in API group "" at the cluster scope',
    );
  });
});

describe('AWS IAM and OIDC tokens', () => {
  it('lets an AWS IAM token read what its rules allow', async () => {
    const token = await presignedToken({ ...aws, region: 'eu-central-1' });
    const cm = await call(
      'GET',
      '/api/v1/namespaces/istio-system/configmaps/istio',
      token,
    );
    expect(cm.status).toBe(200);
    expect(cm.body.metadata).toMatchObject({ name: 'istio' });
    const list = await call(
      'GET',
      '/api/v1/namespaces/istio-system/configmaps',
      token,
    );
    expect(list.body.message).toBe(
      `configmaps is forbidden: User "${aws.user}" cannot list resource "configmaps" in API group "" in the namespace "istio-system"`,
    );
    const wrong = await presignedToken({
      ...aws,
      region: 'eu-central-1',
      clusterId: 'x',
    });
    const refused = await call('GET', '/api', wrong);
    expect(refused.status).toBe(401);
    expect(refused.body.message).toBe('Unauthorized');
  });

  it('lets an OIDC token read what its user may, and an unknown user nothing', async () => {
    const alice = oidc.sign({ sub: 'alice' });
    const services = await call(
      'GET',
      '/api/v1/namespaces/istio-demo/services',
      alice,
    );
    expect(services.status).toBe(200);
    expect(services.body.items!.length).toBeGreaterThan(0);
    const pods = await call('GET', '/api/v1/namespaces/istio-demo/pods', alice);
    expect(pods.body.message).toBe(
      `pods is forbidden: User "${oidc.issuer}#alice" cannot list resource "pods" in API group "" in the namespace "istio-demo"`,
    );
    const stranger = oidc.sign({ sub: 'mallory' });
    expect((await call('GET', '/api', stranger)).status).toBe(200);
    expect(
      (await call('GET', '/api/v1/namespaces/istio-demo/services', stranger))
        .status,
    ).toBe(403);
    const expired = oidc.sign({ sub: 'alice' }, { expiresInSeconds: -5 });
    expect((await call('GET', '/api', expired)).status).toBe(401);
  });
});
