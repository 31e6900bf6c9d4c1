// GET /api/istio/entity against the demo cluster: one answer holding what the other
// routes answer for the entity's Service Mesh tab, with only the diagnostics that
// concern the entity's namespaces.
import { mockCredentials } from '@backstage/backend-test-utils';
import {
  loadScenario,
  startDemoCluster,
  type DemoCluster,
} from '@istio-backstage/demo-cluster';
import type {
  IstioDiagnostic,
  IstioEntityMeshResponse,
  IstioMeshConfigResponse,
} from '@istio-backstage/plugin-istio-common';
import request from 'supertest';
import { startIstioBackend } from '../../__testUtils__/startIstioBackend';

jest.setTimeout(60_000);

const PRODUCTPAGE = 'component:default/productpage';

let demo: DemoCluster;
beforeAll(async () => {
  demo = await startDemoCluster({
    scenario: { ...loadScenario('default'), memoryConvergenceSeconds: 0 },
    port: 0,
    metricsPort: 0,
  });
});
afterAll(() => demo?.stop());

type Server = Awaited<ReturnType<typeof startIstioBackend>>;

const get = (server: Server, path: string) =>
  request(server)
    .get(`/api/istio${path}`)
    .set('Authorization', mockCredentials.user.header());

async function entityView(server: Server): Promise<IstioEntityMeshResponse> {
  const res = await get(server, `/entity?entityRef=${PRODUCTPAGE}`);
  expect(res.status).toBe(200);
  return res.body;
}

/** The namespace a finding names, written out here rather than taken from the code under test. */
const namedNamespace = (d: IstioDiagnostic) =>
  d.object?.kind === 'Namespace' ? d.object.name : d.object?.namespace;

describe('GET /api/istio/entity', () => {
  it('answers the clusters, the sidecar memory and each mesh the other routes answer', async () => {
    const server = await startIstioBackend([{ name: 'demo', demo }]);
    const view = await entityView(server);
    const [clusters, memory, mesh] = await Promise.all([
      get(server, '/clusters'),
      get(server, `/sidecar-memory?entityRef=${PRODUCTPAGE}`),
      get(server, '/mesh-config?cluster=demo'),
    ]);
    expect(view.entityRef).toBe(PRODUCTPAGE);
    expect(view.clusters).toEqual(clusters.body);
    // Both answers are the services' kept ones: the same, not read twice.
    expect(view.sidecarMemory).toEqual(memory.body);
    expect(view.sidecarMemory.items.map(i => i.namespace)).toEqual([
      'istio-demo',
    ]);
    const whole = (mesh.body as IstioMeshConfigResponse).items[0];
    expect(view.meshes).toEqual([
      {
        cluster: 'demo',
        links: clusters.body.items[0].links,
        mesh: { ...whole, diagnostics: expect.any(Array) },
      },
    ]);
    expect(view.meshes[0].mesh!.controlPlanes[0].support.verdict).toEqual(
      expect.any(String),
    );
    expect(view.errors).toEqual([]);
  });

  it("keeps the mesh-wide diagnostics and those of the entity's namespace, by their scope", async () => {
    const server = await startIstioBackend([{ name: 'demo', demo }]);
    const view = await entityView(server);
    const whole = (await get(server, '/mesh-config?cluster=demo')).body.items[0]
      .diagnostics as IstioDiagnostic[];
    const kept = view.meshes[0].mesh!.diagnostics;

    const expected = whole.filter(
      d => d.scope === 'mesh' || namedNamespace(d) === 'istio-demo',
    );
    expect(kept).toEqual(expected);
    expect(kept.map(d => d.code)).toEqual(
      expect.arrayContaining(['IBS-TRACING-SAMPLING-FRACTION']),
    );
    // The demo has many unscoped namespaces: none of the others reaches this entity.
    const otherNamespace = (d: IstioDiagnostic) =>
      d.code === 'IBS-NAMESPACE-NOT-SCOPED' &&
      namedNamespace(d) !== 'istio-demo';
    expect(whole.filter(otherNamespace).length).toBeGreaterThan(10);
    expect(kept.filter(otherNamespace)).toEqual([]);
  });

  it('asks the cluster nothing more when the answers it composes are kept', async () => {
    const server = await startIstioBackend([{ name: 'demo', demo }]);
    await entityView(server);
    const before = demo.requestCount();
    const again = await entityView(server);
    expect(again.meshes.map(m => m.cluster)).toEqual(['demo']);
    expect(demo.requestCount()).toBe(before);
  });

  it('answers an entity without pods with its clusters and no mesh', async () => {
    const server = await startIstioBackend(
      [{ name: 'demo', demo }],
      [],
      [
        {
          apiVersion: 'backstage.io/v1alpha1',
          kind: 'Component',
          metadata: {
            name: 'ghost',
            namespace: 'default',
            annotations: { 'backstage.io/kubernetes-id': 'ghost' },
          },
          spec: { type: 'service', owner: 'team', lifecycle: 'production' },
        },
      ],
    );
    const res = await get(server, '/entity?entityRef=component:default/ghost');
    expect(res.status).toBe(200);
    const view = res.body as IstioEntityMeshResponse;
    expect(view.clusters.items.map(c => c.name)).toEqual(['demo']);
    expect(view.sidecarMemory.items).toEqual([]);
    expect(view.meshes).toEqual([]);
  });
});
