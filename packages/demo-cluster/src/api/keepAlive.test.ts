// The simulator keeps idle connections as kube-apiserver does (90 s), not for Node's
// default 5 s: a client's next request after a pause reuses its connection.
import https from 'node:https';
import { startDemoCluster, type DemoCluster } from '../DemoCluster';
import { loadScenario } from '../scenario/loadScenario';

jest.setTimeout(30_000);

let cluster: DemoCluster;
beforeAll(async () => {
  cluster = await startDemoCluster({
    scenario: loadScenario('default'),
    port: 0,
    metricsPort: 0,
  });
});
afterAll(() => cluster?.stop());

function get(agent: https.Agent): Promise<{ status: number; reused: boolean }> {
  return new Promise((resolve, reject) => {
    const req = https.get(
      `${cluster.url}/version`,
      {
        agent,
        ca: cluster.caPem,
        headers: { authorization: 'Bearer demo-reader-token' },
      },
      res => {
        res.resume();
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, reused: req.reusedSocket }),
        );
      },
    );
    req.on('error', reject);
  });
}

it('keeps an idle connection open past Node’s default 5 s', async () => {
  const agent = new https.Agent({ keepAlive: true, maxSockets: 1 });
  try {
    expect(await get(agent)).toEqual({ status: 200, reused: false });
    await new Promise(resolve => setTimeout(resolve, 6_000));
    expect(await get(agent)).toEqual({ status: 200, reused: true });
  } finally {
    agent.destroy();
  }
});
