// What a sidecar-memory answer reads from the cluster, against the demo cluster: never
// every pod of the cluster; the mesh's control planes from a background read, the kept
// mesh config or a light read; Services, ServiceEntries, VirtualServices and
// DestinationRules from watches when kept; cluster-wide lists shared between requests for a few seconds, Sidecars read
// again after an apply, and everything read fresh for the apply itself.
import { mockCredentials } from '@backstage/backend-test-utils';
import {
  loadScenario,
  startDemoCluster,
  type DemoCluster,
} from '@istio-backstage/demo-cluster';
import request from 'supertest';
import { approvedApply } from '../../__testUtils__/approvedApply';
import { bookinfoEntities } from '../../__testUtils__/bookinfoEntities';
import { startIstioBackend } from '../../__testUtils__/startIstioBackend';

jest.setTimeout(60_000);

let demo: DemoCluster;
beforeEach(async () => {
  demo = await startDemoCluster({
    scenario: { ...loadScenario('default'), memoryConvergenceSeconds: 0 },
    port: 0,
    metricsPort: 0,
  });
});
afterEach(() => demo?.stop());

const backend = (istioConfig: Record<string, unknown> = {}) =>
  startIstioBackend(
    [{ name: 'demo', demo, token: 'demo-writer-token' }],
    [],
    bookinfoEntities,
    { apply: { settleSeconds: 0 }, ...istioConfig },
  );
type Server = Awaited<ReturnType<typeof backend>>;

const asUser = (req: request.Test) =>
  req.set('Authorization', mockCredentials.user.header());
const memoryOf = (server: Server, name: string) =>
  asUser(
    request(server).get(
      `/api/istio/sidecar-memory?entityRef=component:default/${name}`,
    ),
  );
/** Applies productpage's recommended Sidecar for real. */
const applyProductpage = (server: Server) =>
  approvedApply(server, {
    entityRef: 'component:default/productpage',
    cluster: 'demo',
    namespace: 'istio-demo',
  });

/** The request paths the cluster received while `run` ran. */
async function pathsDuring(run: () => Promise<unknown>): Promise<string[]> {
  const before = demo.recentPaths().length;
  await run();
  return demo.recentPaths().slice(before);
}

const EVERY_POD = '/api/v1/pods';
const ISTIOD = '/apis/apps/v1/deployments';
const SERVICES = '/api/v1/services';
const SIDECARS = '/apis/networking.istio.io/v1/sidecars';
const SERVICE_ENTRIES = '/apis/networking.istio.io/v1/serviceentries';
const VIRTUAL_SERVICES = '/apis/networking.istio.io/v1/virtualservices';
const DESTINATION_RULES = '/apis/networking.istio.io/v1/destinationrules';

/** The paths productpage's first answer reads, once background reads of `paths` were made. */
async function firstAnswerAfterBackgroundRead(
  server: Server,
  ...paths: string[]
) {
  const until = Date.now() + 10_000;
  const made = () => paths.every(path => demo.recentPaths().includes(path));
  while (!made() && Date.now() < until)
    await new Promise(resolve => setTimeout(resolve, 50));
  await new Promise(resolve => setTimeout(resolve, 200));
  return pathsDuring(async () => {
    const res = await memoryOf(server, 'productpage');
    expect(res.body.items[0].errors).toEqual([]);
  });
}

describe('cluster reads behind sidecar-memory', () => {
  it('never lists every pod of the cluster: the mesh is read lightly, and complete', async () => {
    const server = await backend();
    let body: any;
    const paths = await pathsDuring(async () => {
      const res = await memoryOf(server, 'productpage');
      expect(res.status).toBe(200);
      body = res.body;
    });
    expect(paths).not.toContain(EVERY_POD);
    expect(paths).toContain(ISTIOD);
    // Every namespace's VirtualServices and DestinationRules: those of a called host
    // may be defined anywhere.
    expect(paths).toEqual(
      expect.arrayContaining([
        SERVICES,
        SERVICE_ENTRIES,
        VIRTUAL_SERVICES,
        DESTINATION_RULES,
      ]),
    );
    expect(paths).toContain('/api/v1/namespaces/istio-system/configmaps');
    const [item] = body.items;
    expect(item.errors).toEqual([]);
    // The recommendation still keeps the control plane and the tracing collector
    // (jaeger-collector.observability, from the MeshConfig ConfigMap).
    const hosts: string[] = item.recommendation.egress.map(
      (h: { host: string }) => h.host,
    );
    expect(hosts).toEqual(expect.arrayContaining(['istio-system/*']));
    expect(hosts.some(h => h.startsWith('observability/'))).toBe(true);
  });

  it('with watched lists (the default outside tests), an answer lists no Services, ServiceEntries, VirtualServices, DestinationRules or Sidecars; after an apply, Sidecars are listed afresh first', async () => {
    const server = await backend({ watchMeshLists: true });
    // The watches list them once, in the background, after start.
    const paths = await firstAnswerAfterBackgroundRead(
      server,
      SERVICES,
      SERVICE_ENTRIES,
      VIRTUAL_SERVICES,
      DESTINATION_RULES,
      SIDECARS,
    );
    for (const watched of [
      SERVICES,
      SERVICE_ENTRIES,
      VIRTUAL_SERVICES,
      DESTINATION_RULES,
      SIDECARS,
    ])
      expect(paths).not.toContain(watched);

    // The watch would bring the applied Sidecar too, but maybe after the next answer:
    // the copy is listed afresh (or the answer reads them) instead.
    const afterApply = await pathsDuring(async () => {
      expect((await applyProductpage(server)).status).toBe(200);
      const res = await memoryOf(server, 'reviews');
      expect(res.body.items[0].errors).toEqual([]);
    });
    const patched = afterApply.findIndex(p => p.includes('/sidecars/'));
    expect(patched).toBeGreaterThanOrEqual(0);
    expect(afterApply.slice(patched + 1)).toContain(SIDECARS);
  });

  it('with kept essentials (the default outside tests), the first answer reads no istiod', async () => {
    const server = await backend({ keepMeshEssentials: true });
    // They are read in the background, at start.
    const paths = await firstAnswerAfterBackgroundRead(server, ISTIOD);
    expect(paths).not.toContain(ISTIOD);
    expect(paths).toContain('/api/v1/namespaces/istio-demo/pods');
  });

  it('takes the control planes from the kept mesh config when there is one', async () => {
    const server = await backend();
    expect(
      (await asUser(request(server).get('/api/istio/mesh-config'))).status,
    ).toBe(200);
    const paths = await pathsDuring(() => memoryOf(server, 'productpage'));
    expect(paths).not.toContain(ISTIOD);
    expect(paths).toContain('/api/v1/namespaces/istio-demo/pods');
  });

  it('shares the cluster-wide lists with the next request; an apply re-reads Sidecars', async () => {
    const server = await backend();
    const first = await pathsDuring(() => memoryOf(server, 'productpage'));
    expect(first).toEqual(
      expect.arrayContaining([SERVICES, SIDECARS, SERVICE_ENTRIES]),
    );

    const second = await pathsDuring(() => memoryOf(server, 'reviews'));
    expect(second).toContain('/api/v1/namespaces/istio-demo/pods');
    for (const shared of [
      SERVICES,
      SIDECARS,
      SERVICE_ENTRIES,
      VIRTUAL_SERVICES,
      DESTINATION_RULES,
      ISTIOD,
    ])
      expect(second).not.toContain(shared);

    // The apply decides on what the cluster holds now: it reads everything itself.
    const applyPaths = await pathsDuring(async () => {
      expect((await applyProductpage(server)).status).toBe(200);
    });
    expect(applyPaths).toEqual(expect.arrayContaining([SERVICES, SIDECARS]));

    const afterApply = await pathsDuring(async () => {
      const res = await memoryOf(server, 'ratings');
      expect(res.body.items[0].sidecarsInForce).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ namespace: 'istio-demo' }),
        ]),
      );
    });
    expect(afterApply).toContain(SIDECARS);
    expect(afterApply).not.toContain(SERVICES);
  });

  it("answers a changed extra host, or another entity of the namespace, from the namespace's reads", async () => {
    const server = await backend();
    expect((await memoryOf(server, 'productpage')).status).toBe(200);
    const ENTITY_PODS = '/api/v1/namespaces/istio-demo/pods';

    const paths = await pathsDuring(async () => {
      const res = await asUser(
        request(server).get(
          '/api/istio/sidecar-memory?entityRef=component:default/productpage&extraHost=payments/api.example.com',
        ),
      );
      expect(res.status).toBe(200);
      const [item] = res.body.items;
      expect(item.errors).toEqual([]);
      expect(item.recommendation.egress.map((h: any) => h.host)).toContain(
        'payments/api.example.com',
      );
    });
    // Only the entity's pods are listed again (they pick the answer).
    expect(paths).toEqual([ENTITY_PODS]);

    const other = await pathsDuring(() => memoryOf(server, 'reviews'));
    expect(other).toEqual([ENTITY_PODS]);
  });

  it("keeps each cluster's part on its own: a hanging cluster never makes the others read again", async () => {
    const hanging = await startDemoCluster({
      scenario: loadScenario('default'),
      port: 0,
      metricsPort: 0,
      faults: [{ hang: true }],
    });
    try {
      const server = await startIstioBackend(
        [
          { name: 'demo', demo, token: 'demo-writer-token' },
          { name: 'hanging', demo: hanging },
        ],
        [],
        bookinfoEntities,
      );
      const first = await memoryOf(server, 'productpage');
      expect(first.body.errors).toEqual([
        expect.objectContaining({ cluster: 'hanging', errorType: 'Timeout' }),
      ]);
      const paths = await pathsDuring(async () => {
        const again = await memoryOf(server, 'productpage');
        expect(again.body.items).toEqual(first.body.items);
        expect(again.body.errors).toEqual([
          expect.objectContaining({ cluster: 'hanging', errorType: 'Timeout' }),
        ]);
      });
      // Only the entity's pods are listed again; its namespace's part is reused.
      expect(paths).toEqual(['/api/v1/namespaces/istio-demo/pods']);
    } finally {
      await hanging.stop();
    }
  });

  it('reports a failed mesh read as an error of the answer, which is then not reused', async () => {
    const server = await backend();
    demo.setFaults([{ pathPattern: `^${ISTIOD}$`, status: 403 }]);
    const res = await memoryOf(server, 'productpage');
    expect(res.status).toBe(200);
    expect(res.body.items[0].errors).toEqual([
      expect.objectContaining({
        source: 'kubernetes:deployments',
        errorType: 'Forbidden',
      }),
    ]);
    // The rest of the answer is still there.
    expect(res.body.items[0].proxies.length).toBeGreaterThan(0);

    demo.setFaults([]);
    const paths = await pathsDuring(async () => {
      const again = await memoryOf(server, 'productpage');
      expect(again.body.items[0].errors).toEqual([]);
    });
    expect(paths).toContain(ISTIOD);
  });
});
