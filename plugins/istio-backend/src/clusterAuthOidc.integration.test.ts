// A cluster reached with the signed-in user's OIDC token (`authProvider: oidc`), end to
// end: the real backend plugin, the token in the Kubernetes auth header, and a demo
// cluster that verifies the JWT (issuer, audience, signature) and each user's RBAC.
// Answers read with one user's token are never given to another.
import {
  createOidcTestIssuer,
  startDemoCluster,
  type DemoCluster,
} from '@istio-backstage/demo-cluster';
import type {
  IstioClustersResponse,
  IstioEntityMeshResponse,
  IstioMeshConfigResponse,
  IstioSidecarMemoryResponse,
} from '@istio-backstage/plugin-istio-common';
import {
  authScenario,
  BackendTranscript,
  demoClusterEntry,
  errorsOf,
  secret,
  startAuthTestBackend,
  type CallOptions,
} from './__testUtils__/clusterAuthBackend';

jest.setTimeout(60_000);

const PRODUCTPAGE =
  '/api/istio/sidecar-memory?entityRef=component:default/productpage';
const PRODUCTPAGE_VIEW =
  '/api/istio/entity?entityRef=component:default/productpage';

const issuer = createOidcTestIssuer();
const serviceAccountToken = secret('sa-token');
// kube-apiserver's default: a `sub` user name is prefixed with the issuer and '#'.
const userName = (sub: string) => `${issuer.issuer}#${sub}`;
const aliceToken = issuer.sign({ sub: 'alice' });
const bobToken = issuer.sign({ sub: 'bob' });
const otherClusterToken = issuer.sign({ sub: 'alice', aud: 'other-cluster' });
const malformedSecret = secret('malformed-header-secret');
const malformedHeaders = {
  'not base64url': `Bearer ${malformedSecret}!`,
  'not JSON': Buffer.from(`{"oidc":{"demo":"${malformedSecret}"`).toString(
    'base64url',
  ),
  'not the auth shape': Buffer.from(
    JSON.stringify({ oidc: { demo: 42 }, password: malformedSecret }),
  ).toString('base64url'),
};

const asUser = (token: string, user?: string): CallOptions => ({
  kubernetesAuth: { oidc: { demo: token } },
  user,
});

const transcript = new BackendTranscript();
let demo: DemoCluster;
let consoleCapture: { restore(): void };
let backend: Awaited<ReturnType<typeof startAuthTestBackend>>;

beforeAll(async () => {
  consoleCapture = transcript.captureConsole();
  demo = await startDemoCluster({
    scenario: authScenario({
      tokens: [
        {
          token: serviceAccountToken,
          user: 'system:serviceaccount:backstage:reader',
          role: 'read',
        },
      ],
      oidc: {
        issuer: issuer.issuer,
        audience: issuer.audience,
        publicKeyPem: issuer.publicKeyPem,
        users: {
          [userName('alice')]: { role: 'read' },
          // Authenticated, bound to nothing: every read is refused (403).
          [userName('bob')]: { rules: [] },
        },
      },
    }),
    port: 0,
    metricsPort: 0,
  });
  backend = await startAuthTestBackend({
    transcript,
    kubernetes: {
      serviceLocatorMethod: { type: 'multiTenant' },
      clusterLocatorMethods: [
        {
          type: 'config',
          clusters: [
            demoClusterEntry('sa', demo, {
              authProvider: 'serviceAccount',
              serviceAccountToken,
            }),
            demoClusterEntry('oidc', demo, {
              authProvider: 'oidc',
              oidcTokenProvider: 'demo',
            }),
          ],
        },
      ],
    },
  });
});
afterAll(async () => {
  await backend?.backend.stop();
  await demo?.stop();
  consoleCapture?.restore();
});

const meshConfig = async (call?: CallOptions) => {
  const res = await backend.get('/api/istio/mesh-config', call);
  expect(res.status).toBe(200);
  return res.body as IstioMeshConfigResponse;
};

/** Asserts the answer has the cluster's mesh, read without any error. */
function expectMesh(body: IstioMeshConfigResponse, cluster: string) {
  expect(errorsOf(body, cluster)).toEqual([]);
  expect(body.items.find(i => i.cluster === cluster)).toMatchObject({
    istioInstalled: 'yes',
    kubernetesVersion: 'v1.33.2',
  });
}

/** Asserts every error of the cluster is of this type, and there is at least one. */
function expectOnly(
  body: Parameters<typeof errorsOf>[0],
  cluster: string,
  errorType: string,
) {
  const errors = errorsOf(body, cluster);
  expect(errors.length).toBeGreaterThan(0);
  for (const error of errors) expect(error.errorType).toBe(errorType);
  return errors;
}

describe('oidc cluster', () => {
  it('is listed with its token provider', async () => {
    const res = await backend.get('/api/istio/clusters');
    expect(res.status).toBe(200);
    expect((res.body as IstioClustersResponse).items).toEqual([
      expect.objectContaining({ name: 'sa', authProvider: 'serviceAccount' }),
      expect.objectContaining({
        name: 'oidc',
        authProvider: 'oidc',
        oidcTokenProvider: 'demo',
      }),
    ]);
  });

  it('without the header: sign-in needed for that cluster, the others still answer', async () => {
    const body = await meshConfig();
    expectMesh(body, 'sa');
    for (const error of expectOnly(body, 'oidc', 'Unauthorized'))
      expect(error.message).toMatch(/sign in with 'demo'/);
    expect(body.items.find(i => i.cluster === 'oidc')).not.toMatchObject({
      istioInstalled: 'yes',
    });
    // Again: the sa cluster's answer is kept now, and without a token nothing is
    // sent to the oidc cluster.
    const before = demo.requestCount();
    expectOnly(await meshConfig(), 'oidc', 'Unauthorized');
    expect(demo.requestCount()).toBe(before);
  });

  it('with a valid token: answers mesh-config and sidecar-memory', async () => {
    const body = await meshConfig(asUser(aliceToken));
    expectMesh(body, 'oidc');
    expectMesh(body, 'sa');
    const memory = await backend.get(PRODUCTPAGE, asUser(aliceToken));
    expect(memory.status).toBe(200);
    const answer = memory.body as IstioSidecarMemoryResponse;
    expect(errorsOf(answer, 'oidc')).toEqual([]);
    expect(
      answer.items.find(i => i.cluster === 'oidc')?.proxies.length,
    ).toBeGreaterThan(0);
  });

  it("reads the entity's view with the token too, and without it says which sign-in is needed", async () => {
    const signedIn = await backend.get(PRODUCTPAGE_VIEW, asUser(aliceToken));
    expect(signedIn.status).toBe(200);
    const answer = signedIn.body as IstioEntityMeshResponse;
    expect(answer.errors).toEqual([]);
    expect(errorsOf(answer.sidecarMemory, 'oidc')).toEqual([]);
    expect(
      answer.meshes.map(m => [m.cluster, m.mesh?.istioInstalled]).sort(),
    ).toEqual([
      ['oidc', 'yes'],
      ['sa', 'yes'],
    ]);

    const anonymous = await backend.get(PRODUCTPAGE_VIEW);
    expect(anonymous.status).toBe(200);
    const without = anonymous.body as IstioEntityMeshResponse;
    for (const error of expectOnly(
      without.sidecarMemory,
      'oidc',
      'Unauthorized',
    ))
      expect(error.message).toMatch(/sign in with 'demo'/);
    expect(without.meshes.map(m => m.cluster)).toEqual(['sa']);
  });

  it('with a token for another audience (another cluster): Unauthorized', async () => {
    const body = await meshConfig(asUser(otherClusterToken));
    // Sent, and refused by the cluster itself.
    for (const error of expectOnly(body, 'oidc', 'Unauthorized'))
      expect(error.message).toMatch(/\(401\)/);
    expectMesh(body, 'sa');
  });

  it.each(Object.entries(malformedHeaders))(
    'answers a malformed header (%s) with 400, before any cluster call',
    async (_case, header) => {
      const before = demo.requestCount();
      for (const path of [
        '/api/istio/mesh-config',
        PRODUCTPAGE,
        PRODUCTPAGE_VIEW,
      ]) {
        const res = await backend.get(path, { rawAuthHeader: header });
        expect(res.status).toBe(400);
        expect(res.text).toMatch(/Malformed backstage-istio-kubernetes-auth/);
      }
      expect(demo.requestCount()).toBe(before);
    },
  );
});

describe('two users in a row', () => {
  it.each([
    ['the same Backstage user', undefined, undefined],
    ['two Backstage users', 'user:default/alice', 'user:default/bob'],
  ])(
    'never gives the second one the first one’s answer (%s)',
    async (_case, alice, bob) => {
      const allowed = await meshConfig(asUser(aliceToken, alice));
      expectMesh(allowed, 'oidc');
      const refused = await meshConfig(asUser(bobToken, bob));
      expectOnly(refused, 'oidc', 'Forbidden');
      expect(refused.items.find(i => i.cluster === 'oidc')).toMatchObject({
        istioInstalled: 'unknown',
        controlPlanes: [],
      });
      // The shared cluster answers both, with the backend's own token.
      expectMesh(refused, 'sa');

      const memoryOf = async (call: CallOptions) => {
        const res = await backend.get(PRODUCTPAGE, call);
        expect(res.status).toBe(200);
        return res.body as IstioSidecarMemoryResponse;
      };
      const aliceMemory = await memoryOf(asUser(aliceToken, alice));
      expect(errorsOf(aliceMemory, 'oidc')).toEqual([]);
      expect(
        aliceMemory.items.find(i => i.cluster === 'oidc')?.proxies.length,
      ).toBeGreaterThan(0);
      const bobMemory = await memoryOf(asUser(bobToken, bob));
      expectOnly(bobMemory, 'oidc', 'Forbidden');
      expect(
        bobMemory.items
          .filter(i => i.cluster === 'oidc')
          .flatMap(i => i.proxies),
      ).toEqual([]);
      // And back: alice's answer is hers again, not bob's refusal.
      const aliceAgain = await memoryOf(asUser(aliceToken, alice));
      expect(errorsOf(aliceAgain, 'oidc')).toEqual([]);
    },
  );
});

it('leaves no token in any answer, log line or console output', () => {
  expect(transcript.logLines.join('\n')).toMatch(/Istio plugin configured/);
  const jwtParts = (label: string, jwt: string) => ({
    [label]: jwt,
    [`${label} (signature)`]: jwt.split('.')[2],
  });
  expect(
    transcript.leaks({
      'service account token': serviceAccountToken,
      ...jwtParts("alice's JWT", aliceToken),
      ...jwtParts("bob's JWT", bobToken),
      ...jwtParts('other-audience JWT', otherClusterToken),
      'malformed header secret': malformedSecret,
      ...Object.fromEntries(
        Object.entries(malformedHeaders).map(([name, header]) => [
          `malformed header (${name})`,
          header,
        ]),
      ),
    }),
  ).toEqual([]);
});
