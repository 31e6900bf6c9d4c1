import https from 'node:https';
import { startDemoCluster, type DemoCluster } from '../DemoCluster';
import { loadScenario } from '../scenario/loadScenario';

let cluster: DemoCluster;

function get(
  path: string,
  timeoutMs = 2000,
): Promise<{
  status?: number;
  headers?: Record<string, unknown>;
  body?: string;
  error?: string;
}> {
  return new Promise(resolve => {
    const req = https.get(
      `${cluster.url}${path}`,
      {
        ca: cluster.caPem,
        headers: { Authorization: 'Bearer demo-reader-token' },
        timeout: timeoutMs,
      },
      res => {
        let body = '';
        res.on('data', c => (body += c));
        res.on('end', () =>
          resolve({ status: res.statusCode, headers: res.headers, body }),
        );
      },
    );
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', e => resolve({ error: e.message }));
  });
}

beforeAll(async () => {
  cluster = await startDemoCluster({
    scenario: { ...loadScenario('no-cni') },
    port: 0,
    metricsPort: 0,
  });
});
afterAll(() => cluster?.stop());
afterEach(() => cluster.setFaults([]));

describe('fault injection', () => {
  it('answers 429 with Retry-After for matching paths only', async () => {
    cluster.setFaults([{ pathPattern: '/pods', tooManyRequests: 3 }]);
    const limited = await get('/api/v1/namespaces/istio-demo/pods');
    expect(limited.status).toBe(429);
    expect(limited.headers?.['retry-after']).toBe('3');
    expect(JSON.parse(limited.body!)).toMatchObject({
      kind: 'Status',
      reason: 'TooManyRequests',
      code: 429,
    });
    expect((await get('/api/v1/namespaces/istio-demo/services')).status).toBe(
      200,
    );
  });

  it('answers 503, a fixed status, drops connections, hangs and delays', async () => {
    cluster.setFaults([{ errorRate: 1 }]);
    expect((await get('/api/v1/namespaces')).status).toBe(503);
    cluster.setFaults([{ status: 401 }]);
    expect((await get('/api/v1/namespaces')).status).toBe(401);
    cluster.setFaults([{ dropConnection: true }]);
    expect((await get('/api/v1/namespaces')).error).toMatch(
      /socket hang up|ECONNRESET/,
    );
    cluster.setFaults([{ hang: true }]);
    expect((await get('/api/v1/namespaces', 300)).error).toBe('timed out');
    cluster.setFaults([{ latencyMs: 250 }]);
    const started = Date.now();
    expect((await get('/api/v1/namespaces')).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(240);
  });

  it('limits a fault to one method and answers with the given message (an admission webhook refusing writes)', async () => {
    const message =
      'admission webhook "validation.example.com" denied the request: namespaces need an owner';
    cluster.setFaults([
      { pathPattern: '/namespaces/', method: 'PATCH', status: 400, message },
    ]);
    // Reads of the same path are not affected.
    expect((await get('/api/v1/namespaces/istio-demo')).status).toBe(200);
    const refused = await new Promise<{ status?: number; body: string }>(
      resolve => {
        const req = https.request(
          `${cluster.url}/api/v1/namespaces/istio-demo?fieldManager=test`,
          {
            method: 'PATCH',
            ca: cluster.caPem,
            headers: {
              Authorization: 'Bearer demo-writer-token',
              'Content-Type': 'application/apply-patch+yaml',
            },
          },
          res => {
            let body = '';
            res.on('data', c => (body += c));
            res.on('end', () => resolve({ status: res.statusCode, body }));
          },
        );
        req.end(
          JSON.stringify({
            apiVersion: 'v1',
            kind: 'Namespace',
            metadata: { name: 'istio-demo' },
          }),
        );
      },
    );
    expect(refused.status).toBe(400);
    expect(JSON.parse(refused.body)).toMatchObject({
      kind: 'Status',
      reason: 'BadRequest',
      message,
      code: 400,
    });
  });

  it('accepts faults at run time through the control route, with its token only', async () => {
    const put = (token: string) =>
      new Promise<number | undefined>(resolve => {
        const req = https.request(
          `${cluster.url}/_sim/faults`,
          {
            method: 'PUT',
            ca: cluster.caPem,
            headers: { Authorization: `Bearer ${token}` },
          },
          res => {
            res.resume();
            resolve(res.statusCode);
          },
        );
        req.end(JSON.stringify([{ status: 403 }]));
      });
    expect(await put('demo-writer-token')).toBe(401);
    expect(await put(cluster.controlToken)).toBe(200);
    expect((await get('/api/v1/namespaces')).status).toBe(403);
  });
});
