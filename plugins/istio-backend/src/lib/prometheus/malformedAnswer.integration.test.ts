// A Prometheus whose answers hold a malformed sample, against the demo cluster (HTTPS):
// the Prometheus source of the answer fails, and the rest of the answer stands.
import { mockCredentials } from '@backstage/backend-test-utils';
import {
  loadScenario,
  startDemoCluster,
  type DemoCluster,
} from '@istio-backstage/demo-cluster';
import type { IstioSidecarMemoryResponse } from '@istio-backstage/plugin-istio-common';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { startIstioBackend } from '../../__testUtils__/startIstioBackend';

jest.setTimeout(60_000);

let demo: DemoCluster;
let prometheus: http.Server;
let server: Awaited<ReturnType<typeof startIstioBackend>>;

/** A vector answer with one sample per pod of istio-demo, of the given values. */
const vectorFor = (pods: string[], values: string[]) =>
  JSON.stringify({
    status: 'success',
    data: {
      resultType: 'vector',
      result: pods.map((pod, i) => ({
        metric: {
          pod,
          namespace: 'istio-demo',
          source_workload_namespace: 'istio-demo',
          source_workload: 'productpage-v1',
        },
        value: [1, values[i]],
      })),
    },
  });

/** What the fake Prometheus answers to every query. */
let answer = vectorFor([], []);

const namespaceItem = async () => {
  const res = await request(server)
    .get('/api/istio/sidecar-memory?cluster=demo&namespace=istio-demo')
    .set('Authorization', mockCredentials.user.header());
  expect(res.status).toBe(200);
  const body = res.body as IstioSidecarMemoryResponse;
  expect(body.errors).toEqual([]);
  return body.items[0];
};

beforeAll(async () => {
  demo = await startDemoCluster({
    scenario: { ...loadScenario('default'), memoryConvergenceSeconds: 0 },
    port: 0,
    metricsPort: 0,
  });
  prometheus = http.createServer((_req, res) => res.end(answer));
  await new Promise<void>(resolve =>
    prometheus.listen(0, '127.0.0.1', resolve),
  );
  const { port } = prometheus.address() as AddressInfo;
  server = await startIstioBackend(
    [{ name: 'demo', demo, prometheusUrl: `http://127.0.0.1:${port}` }],
    [],
    [],
    { sidecarMemory: { cacheSeconds: 0 } },
  );
});
afterAll(async () => {
  await new Promise(resolve => prometheus?.close(resolve));
  await demo?.stop();
});

describe('a malformed sample from Prometheus', () => {
  it('fails the Prometheus source alone: the answer still has the pods and their memory now', async () => {
    const pods = (await namespaceItem()).proxies.map(p => p.pod);
    expect(pods.length).toBeGreaterThan(1);

    // Well formed: the figures over the window are read.
    answer = vectorFor(
      pods,
      pods.map(() => '52428800'),
    );
    const read = await namespaceItem();
    expect(read.errors).toEqual([]);
    expect(read.proxies.map(p => p.memoryPeakBytes)).toEqual(
      pods.map(() => 52428800),
    );

    // One NaN among them: the whole Prometheus answer is set aside.
    answer = vectorFor(
      pods,
      pods.map((_, i) => (i === 1 ? 'NaN' : '52428800')),
    );
    const item = await namespaceItem();
    expect(item.errors.map(e => e.source)).toEqual(['prometheus']);
    expect(item.proxies.map(p => p.pod)).toEqual(pods);
    expect(item.proxies.every(p => p.memoryNowBytes !== undefined)).toBe(true);
    // Nothing of the untrusted answer is shown, not even its well-formed samples.
    expect(item.proxies.map(p => p.memoryPeakBytes)).toEqual(
      pods.map(() => undefined),
    );
  });
});
