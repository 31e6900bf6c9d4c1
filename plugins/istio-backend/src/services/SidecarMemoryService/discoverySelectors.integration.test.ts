// MeshConfig discoverySelectors limit what istiod pushes to every proxy: sidecar-memory
// counts only the services of discovered namespaces as what a proxy sees before scoping,
// against the demo cluster (whose simulated proxies honour the selectors too).
import { mockCredentials } from '@backstage/backend-test-utils';
import type { IstioSidecarMemoryResponse } from '@istio-backstage/plugin-istio-common';
import {
  RESOURCE_TYPES,
  type DemoCluster,
} from '@istio-backstage/demo-cluster';
import request from 'supertest';
import { parse, stringify } from 'yaml';
import { startDefaultDemoCluster } from '../../__testUtils__/defaultDemoCluster';
import { startIstioBackend } from '../../__testUtils__/startIstioBackend';

jest.setTimeout(60_000);

const type = (plural: string) => RESOURCE_TYPES.find(t => t.plural === plural)!;
const DISCOVERED = ['istio-system', 'istio-demo', 'observability'];

let demo: DemoCluster;
beforeEach(async () => {
  demo = await startDefaultDemoCluster();
});
afterEach(() => demo?.stop());

/** istio-demo's view before scoping: services a proxy there sees, per the answer. */
async function clustersBefore(): Promise<number | undefined> {
  const server = await startIstioBackend([{ name: 'demo', demo }]);
  const res = await request(server)
    .get('/api/istio/sidecar-memory?cluster=demo&namespace=istio-demo')
    .set('Authorization', mockCredentials.user.header());
  expect(res.status).toBe(200);
  const item = (res.body as IstioSidecarMemoryResponse).items[0];
  expect(item.errors).toEqual([]);
  return item.recommendation?.clustersBefore;
}

/** Labels a few namespaces and has istiod discover only those. */
function limitDiscovery() {
  for (const name of DISCOVERED) {
    const ns = demo.store.get(type('namespaces'), undefined, name)!;
    ns.metadata.labels = { ...ns.metadata.labels, 'mesh-discovery': 'on' };
    demo.store.update(type('namespaces'), ns);
  }
  const istio = demo.store.get(type('configmaps'), 'istio-system', 'istio')!;
  const data = (istio as unknown as { data: Record<string, string> }).data;
  data.mesh = stringify({
    ...parse(data.mesh),
    discoverySelectors: [{ matchLabels: { 'mesh-discovery': 'on' } }],
  });
  demo.store.update(type('configmaps'), istio);
}

describe('sidecar-memory under discoverySelectors', () => {
  it('counts only the services of the namespaces istiod discovers', async () => {
    const everything = await clustersBefore();
    limitDiscovery();
    const discovered = await clustersBefore();
    expect(everything).toBeGreaterThan(0);
    expect(discovered).toBeGreaterThan(0);
    expect(discovered!).toBeLessThan(everything! / 2);
  });
});
