// The read-only actions MCP clients call, through the actions registry's own HTTP
// routes on the Istio plugin, against the demo cluster.
import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  loadScenario,
  startDemoCluster,
  type DemoCluster,
} from '@istio-backstage/demo-cluster';
import type { IstioDiagnostic } from '@istio-backstage/plugin-istio-common';
import request from 'supertest';
import { startIstioBackend } from '../__testUtils__/startIstioBackend';

jest.setTimeout(60_000);

let demo: DemoCluster;
beforeAll(async () => {
  demo = await startDemoCluster({
    scenario: { ...loadScenario('default'), memoryConvergenceSeconds: 0 },
    port: 0,
    metricsPort: 0,
  });
});
afterAll(() => demo?.stop());

const invoke = (
  server: Awaited<ReturnType<typeof startIstioBackend>>,
  action: string,
  input: object,
) =>
  request(server)
    .post(`/api/istio/.backstage/actions/v1/actions/istio:${action}/invoke`)
    .set('Authorization', mockCredentials.user.header())
    .send(input);

describe('actions for tools and agents', () => {
  it('lists both actions as read-only', async () => {
    const server = await startIstioBackend([{ name: 'demo', demo }]);
    const res = await request(server)
      .get('/api/istio/.backstage/actions/v1/actions')
      .set('Authorization', mockCredentials.service.header());
    expect(res.status).toBe(200);
    const ids = res.body.actions.map((a: { id: string }) => a.id);
    expect(ids).toEqual(
      expect.arrayContaining([
        'istio:get-mesh-summary',
        'istio:get-sidecar-recommendation',
      ]),
    );
    for (const action of res.body.actions)
      expect(action.attributes).toMatchObject({ readOnly: true });
  });

  it("summarises an entity's mesh with the demo cluster's real values", async () => {
    const server = await startIstioBackend([{ name: 'demo', demo }]);
    const res = await invoke(server, 'get-mesh-summary', {
      entityRef: 'component:default/productpage',
    });
    expect(res.status).toBe(200);
    const { output } = res.body;
    expect(output.entityRef).toBe('component:default/productpage');
    expect(output.workloads.length).toBeGreaterThan(0);
    for (const w of output.workloads) {
      expect(w).toMatchObject({ cluster: 'demo', namespace: 'istio-demo' });
      expect(w.pod).toMatch(/^productpage-v1-/);
      expect(w.proxyKind).toMatch(/sidecar/);
      expect(w.memoryNowBytes).toBeGreaterThan(30 * 1024 * 1024);
    }
    expect(output.clusters).toEqual([
      expect.objectContaining({
        cluster: 'demo',
        kubernetesVersion: 'v1.33.2',
        controlPlanes: [
          expect.objectContaining({ revision: 'default', version: '1.28.1' }),
        ],
        tracing: expect.objectContaining({
          collector: 'jaeger-collector.observability:9411',
        }),
      }),
    ]);
    expect(output.errors).toEqual([]);

    // The findings of the entity's Service Mesh tab, each with its scope and topic.
    const view = await request(server)
      .get('/api/istio/entity?entityRef=component:default/productpage')
      .set('Authorization', mockCredentials.user.header());
    const kinds = (list: IstioDiagnostic[]) =>
      list.map(d => [d.code, d.scope, d.topic]);
    expect(kinds(output.clusters[0].diagnostics)).toEqual(
      kinds(view.body.meshes[0].mesh.diagnostics),
    );
    expect(output.clusters[0].diagnostics).toContainEqual(
      expect.objectContaining({
        code: 'IBS-TRACING-SAMPLING-FRACTION',
        scope: 'mesh',
        topic: 'tracing',
      }),
    );
  });

  it('answers an entity that does not exist like one the caller cannot see', async () => {
    const server = await startIstioBackend([{ name: 'demo', demo }]);
    const res = await invoke(server, 'get-mesh-summary', {
      entityRef: 'component:default/nope',
    });
    expect(res.status).toBe(404);
  });

  it('returns the recommended Sidecar with the reason for every host', async () => {
    const server = await startIstioBackend([{ name: 'demo', demo }]);
    const res = await invoke(server, 'get-sidecar-recommendation', {
      entityRef: 'component:default/productpage',
    });
    expect(res.status).toBe(200);
    const [item] = res.body.output.items;
    expect(item).toMatchObject({
      cluster: 'demo',
      namespace: 'istio-demo',
      recommended: true,
    });
    expect(item.yaml).toMatch(/kind: Sidecar/);
    expect(item.hosts.map((h: { host: string }) => h.host)).toContain(
      'istio-system/*',
    );
    for (const host of item.hosts)
      expect(host.reasons.length).toBeGreaterThan(0);
    expect(item.servicesVisibleAfter).toBeLessThan(item.servicesVisibleBefore);
  });

  it('hides both actions from a caller without istio.mesh.read: no cluster call', async () => {
    const server = await startIstioBackend(
      [{ name: 'demo', demo }],
      [mockServices.permissions.factory({ result: AuthorizeResult.DENY })],
    );
    const before = demo.requestCount();
    for (const action of ['get-mesh-summary', 'get-sidecar-recommendation']) {
      const res = await invoke(server, action, {
        entityRef: 'component:default/productpage',
      });
      // The registry checks the visibility permission: the action does not exist for them.
      expect(res.status).toBe(404);
    }
    expect(demo.requestCount()).toBe(before);
  });

  it('rejects a malformed entity ref before any cluster call', async () => {
    const server = await startIstioBackend([{ name: 'demo', demo }]);
    const before = demo.requestCount();
    const res = await invoke(server, 'get-mesh-summary', {
      entityRef: 'component:',
    });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/Malformed entityRef/);
    expect(demo.requestCount()).toBe(before);
  });
});
