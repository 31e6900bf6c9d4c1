// POST /api/istio/sidecars against the demo cluster: dry run then real apply, the
// measured saving afterwards, refusals before any cluster call, conflicts and rejections.
import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  loadScenario,
  RESOURCE_TYPES,
  startDemoCluster,
  type DemoCluster,
} from '@istio-backstage/demo-cluster';
import type { IstioSidecarMemoryResponse } from '@istio-backstage/plugin-istio-common';
import request from 'supertest';
import { bookinfoEntities } from '../../__testUtils__/bookinfoEntities';
import { startIstioBackend } from '../../__testUtils__/startIstioBackend';

jest.setTimeout(60_000);

const sidecars = RESOURCE_TYPES.find(t => t.plural === 'sidecars')!;
let demo: DemoCluster;

beforeEach(async () => {
  demo = await startDemoCluster({
    scenario: { ...loadScenario('default'), memoryConvergenceSeconds: 0 },
    port: 0,
    metricsPort: 0,
  });
});
afterEach(() => demo?.stop());

const backend = (features: Parameters<typeof startIstioBackend>[1] = []) =>
  startIstioBackend(
    [{ name: 'demo', demo, token: 'demo-writer-token' }],
    features,
    bookinfoEntities,
    { apply: { settleSeconds: 0 } },
  );

const body = (dryRun: boolean, entity = 'productpage') => ({
  entityRef: `component:default/${entity}`,
  cluster: 'demo',
  namespace: 'istio-demo',
  dryRun,
});

/** A dry run, then the real apply with the dry run's digest, as the UI does it. */
async function approvedApply(
  server: Parameters<typeof request>[0],
  entity = 'productpage',
) {
  const dry = await request(server)
    .post('/api/istio/sidecars')
    .set('Authorization', mockCredentials.user.header())
    .send(body(true, entity));
  expect(dry.status).toBe(200);
  return request(server)
    .post('/api/istio/sidecars')
    .set('Authorization', mockCredentials.user.header())
    .send({ ...body(false, entity), digest: dry.body.digest });
}

describe('POST /api/istio/sidecars', () => {
  it('dry-runs without changing the cluster, then applies; the saving is then measured', async () => {
    const server = await backend();
    const dry = await request(server)
      .post('/api/istio/sidecars')
      .set('Authorization', mockCredentials.user.header())
      .send(body(true));
    expect(dry.status).toBe(200);
    expect(dry.body.dryRun).toBe(true);
    expect(dry.body.changes).toEqual([
      expect.objectContaining({
        name: expect.stringMatching(/^productpage/),
        action: 'created',
      }),
    ]);
    expect(demo.store.list(sidecars, 'istio-demo')).toEqual([]);

    const real = await request(server)
      .post('/api/istio/sidecars')
      .set('Authorization', mockCredentials.user.header())
      .send({ ...body(false), digest: dry.body.digest });
    expect(real.status).toBe(200);
    const stored = demo.store.list(sidecars, 'istio-demo');
    expect(stored.map(s => s.metadata.name)).toEqual([
      dry.body.changes[0].name,
    ]);
    // The entity's own field manager, and the entity named on the object.
    expect(stored[0].metadata.managedFields).toEqual([
      expect.objectContaining({
        manager: 'backstage-istio/component.default.productpage',
        operation: 'Apply',
      }),
    ]);
    expect(stored[0].metadata.annotations).toEqual(
      expect.objectContaining({
        'istio-backstage.io/entity': 'component:default/productpage',
      }),
    );

    const again = await approvedApply(server);
    expect(again.status).toBe(200);
    expect(again.body.changes[0].action).toBe('unchanged');

    const memory = await request(server)
      .get('/api/istio/sidecar-memory?entityRef=component:default/productpage')
      .set('Authorization', mockCredentials.user.header());
    const measured = (memory.body as IstioSidecarMemoryResponse).items[0]
      .measured!;
    expect(measured.appliedBy).toBe('user:default/mock');
    expect(measured.afterBytes!).toBeLessThan(measured.beforeBytes / 3);
    expect(measured.outcome).toBe('saving');
  });

  it('compares memory only for the same pods under the Sidecar as applied', async () => {
    // Nothing reused between reads: the cluster is changed by hand in between.
    const server = await startIstioBackend(
      [{ name: 'demo', demo, token: 'demo-writer-token' }],
      [],
      bookinfoEntities,
      { apply: { settleSeconds: 0 }, sidecarMemory: { cacheSeconds: 0 } },
    );
    expect((await approvedApply(server)).status).toBe(200);
    const measured = async () => {
      const res = await request(server)
        .get(
          '/api/istio/sidecar-memory?entityRef=component:default/productpage',
        )
        .set('Authorization', mockCredentials.user.header());
      return (res.body as IstioSidecarMemoryResponse).items[0].measured!;
    };
    const saving = await measured();
    expect(saving.outcome).toBe('saving');
    expect(saving.explanation).toMatch(
      /less per pod since the Sidecar was applied on \d{4}-\d\d-\d\dT.*the same 1 pod under the same Sidecar/,
    );

    const [applied] = demo.store.list(sidecars, 'istio-demo');
    demo.store.update(sidecars, {
      ...applied,
      spec: { ...(applied.spec as object), egress: [{ hosts: ['./*'] }] },
    });
    const changed = await measured();
    expect(changed).toMatchObject({
      outcome: 'sidecar-changed',
      beforeBytes: saving.beforeBytes,
      afterBytes: expect.any(Number),
    });
    expect(changed.explanation).toMatch(
      /^Sidecar istio-demo\/productpage\S* was changed since it was applied on /,
    );

    // The pod replaced, as a rollout does: a new pod of the workload, the old one gone.
    const pods = RESOURCE_TYPES.find(t => t.plural === 'pods')!;
    const [pod] = demo.store
      .list(pods, 'istio-demo')
      .filter(p => p.metadata.name.startsWith('productpage-'));
    const { name, namespace, labels, annotations, ownerReferences } =
      pod.metadata;
    demo.store.create(
      pods,
      {
        ...pod,
        metadata: {
          name: `${name}-next`,
          namespace,
          labels,
          annotations,
          ownerReferences,
        },
      },
      { manager: 'kube-controller-manager' },
    );
    demo.store.delete(pods, 'istio-demo', name);
    const replaced = await measured();
    expect(replaced.outcome).toBe('pods-replaced');
    expect(replaced.explanation).toContain(`no longer runs (${name})`);
  });

  it('refuses a non-owner with 403 and makes no cluster call', async () => {
    const server = await backend([
      mockServices.permissions.factory({ result: AuthorizeResult.DENY }),
    ]);
    const before = demo.requestCount();
    const res = await request(server)
      .post('/api/istio/sidecars')
      .set('Authorization', mockCredentials.user.header())
      .send({ ...body(false), digest: 'a'.repeat(64) });
    expect(res.status).toBe(403);
    expect(demo.requestCount()).toBe(before);
  });

  it.each([
    [
      'a malformed body',
      {
        entityRef: 'component:default/productpage',
        cluster: 'demo',
        namespace: 'istio-demo',
        yaml: 'kind: Secret',
      },
    ],
    ['an invalid namespace', { ...body(false), namespace: 'Istio-Demo' }],
    [
      'a URL as cluster',
      { ...body(false), cluster: 'https://evil.example.com' },
    ],
    ['an invalid extra host', { ...body(false), extraHosts: ['istio-demo/'] }],
  ])('answers %s with 400 before any cluster call', async (_case, payload) => {
    const server = await backend();
    const before = demo.requestCount();
    const res = await request(server)
      .post('/api/istio/sidecars')
      .set('Authorization', mockCredentials.user.header())
      .send(payload);
    expect(res.status).toBe(400);
    expect(demo.requestCount()).toBe(before);
  });

  it('refuses oversized bodies and service tokens', async () => {
    const server = await backend();
    const big = await request(server)
      .post('/api/istio/sidecars')
      .set('Authorization', mockCredentials.user.header())
      .set('Content-Type', 'application/json')
      .send(JSON.stringify({ ...body(true), padding: 'x'.repeat(100_000) }));
    expect(big.status).toBe(413);
    const service = await request(server)
      .post('/api/istio/sidecars')
      .set('Authorization', mockCredentials.service.header())
      .send(body(true));
    expect(service.status).toBe(403);
  });

  it('answers 409 naming the other field manager when someone else owns a field of it', async () => {
    const server = await backend();
    const dry = await request(server)
      .post('/api/istio/sidecars')
      .set('Authorization', mockCredentials.user.header())
      .send(body(true));
    const name = dry.body.changes[0].name;
    // Applied for the entity once; then someone changed its egress with kubectl.
    expect((await approvedApply(server)).status).toBe(200);
    demo.store.apply(
      sidecars,
      {
        apiVersion: 'networking.istio.io/v1',
        kind: 'Sidecar',
        metadata: { name, namespace: 'istio-demo' },
        spec: { egress: [{ hosts: ['*/*'] }] },
      },
      { manager: 'kubectl', force: true },
    );
    // The dry run already meets the conflict: nothing to approve.
    const res = await request(server)
      .post('/api/istio/sidecars')
      .set('Authorization', mockCredentials.user.header())
      .send(body(true));
    expect(res.status).toBe(409);
    expect(res.body.error.message).toMatch(/conflict with "kubectl"/);
  });

  it('passes a webhook rejection on as 400 with its message, and changes nothing', async () => {
    const server = await backend();
    demo.setFaults([{ pathPattern: '/sidecars/', status: 400 }]);
    const res = await request(server)
      .post('/api/istio/sidecars')
      .set('Authorization', mockCredentials.user.header())
      .send(body(true));
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/The cluster rejected the Sidecar/);
    demo.setFaults([]);
    expect(demo.store.list(sidecars, 'istio-demo')).toEqual([]);
  });
});
