// PrometheusClient against a real Prometheus (Debian package `prometheus`) with its own
// basic auth and TLS, and behind a loopback reverse proxy that wants a bearer token, a
// tenant header and a path prefix, as Mimir or an auth gateway do. Prometheus must be
// installed (`node scripts/ensure-system-packages.mjs prometheus`): without it these
// tests fail with that hint, they do not skip.
import {
  createServingCertificate,
  startPrometheus,
  type RunningPrometheus,
} from '@istio-backstage/demo-cluster';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { toSourceError } from '../access/errors';
import { PrometheusClient, PrometheusError } from './PrometheusClient';

jest.setTimeout(60_000);

const USERNAME = 'prom-reader';
const PASSWORD = 'correct-horse-battery';
const TOKEN = 'gateway-token-7f3a';
const TENANT = 'tenant-a';

const ONE = [{ metric: {}, value: 1 }];
const base64 = (text: string) => Buffer.from(text).toString('base64');

/** The error a query fails with, checked never to quote one of `secrets`. */
async function failureOf(
  client: PrometheusClient,
  secrets: string[],
): Promise<Error> {
  const error = await client.query('vector(1)').then(
    () => {
      throw new Error('the query succeeded');
    },
    (e: Error) => e,
  );
  for (const secret of secrets) {
    expect(error.message).not.toContain(secret);
    expect(error.message).not.toContain(base64(secret));
  }
  return error;
}

/**
 * A reverse proxy in front of `upstream` that serves it under `/prom` to requests
 * carrying `Authorization: Bearer TOKEN` and `X-Scope-OrgID: TENANT`, and logs in to
 * it with basic auth itself.
 */
async function startGateway(upstream: string): Promise<{
  url: string;
  seen: string[];
  close(): Promise<void>;
}> {
  const seen: string[] = [];
  const server = http.createServer((req, res) => {
    seen.push(`${req.method} ${req.url}`);
    const refusal =
      (req.headers.authorization !== `Bearer ${TOKEN}` && 401) ||
      (req.headers['x-scope-orgid'] !== TENANT && 403) ||
      (!req.url?.startsWith('/prom/') && 404);
    if (refusal) {
      // The body names the token: the client must never repeat it.
      res.writeHead(refusal).end(`refused; the token is ${TOKEN}`);
      return;
    }
    const forwarded = http.request(
      new URL(req.url!.slice('/prom'.length), upstream),
      {
        method: req.method,
        headers: {
          'content-type': req.headers['content-type'],
          'content-length': req.headers['content-length'],
          authorization: `Basic ${base64(`${USERNAME}:${PASSWORD}`)}`,
        },
      },
      answer => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    forwarded.on('error', () => res.writeHead(502).end());
    req.pipe(forwarded);
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    close: () => {
      server.closeAllConnections();
      return new Promise(resolve => server.close(() => resolve()));
    },
  };
}

describe('PrometheusClient and a Prometheus with basic auth', () => {
  let prometheus: RunningPrometheus;
  beforeAll(async () => {
    prometheus = await startPrometheus({
      scrapeTargets: [],
      web: { basicAuth: { username: USERNAME, password: PASSWORD } },
    });
  });
  afterAll(() => prometheus?.stop());

  it('answers a query with the right password', async () => {
    const client = new PrometheusClient({
      url: prometheus.url,
      basicAuth: { username: USERNAME, password: PASSWORD },
    });
    await expect(client.query('vector(1)')).resolves.toEqual(ONE);
  });

  it('fails with 401, naming the config and no password, with a wrong one', async () => {
    const wrong = 'wrong-password-42';
    const client = new PrometheusClient({
      url: prometheus.url,
      basicAuth: { username: USERNAME, password: wrong },
    });
    const error = await failureOf(client, [wrong, PASSWORD]);
    expect(error).toBeInstanceOf(PrometheusError);
    expect((error as PrometheusError).code).toBe(401);
    expect(error.message).toBe(
      'Prometheus answered 401 Unauthorized: check the credentials in istio.clusters[].prometheus',
    );
    expect(
      await failureOf(new PrometheusClient({ url: prometheus.url }), []),
    ).toMatchObject({ code: 401 });
  });

  describe('behind a gateway', () => {
    let gateway: Awaited<ReturnType<typeof startGateway>>;
    beforeAll(async () => {
      gateway = await startGateway(prometheus.url);
    });
    afterAll(() => gateway?.close());

    it('sends the bearer token and the headers, under the path prefix', async () => {
      const client = new PrometheusClient({
        url: `${gateway.url}/prom`,
        bearerToken: TOKEN,
        headers: { 'X-Scope-OrgID': TENANT },
      });
      await expect(client.query('vector(1)')).resolves.toEqual(ONE);
      await expect(client.query('vector(1)')).resolves.toEqual(ONE);
      expect(gateway.seen.slice(-2)).toEqual([
        'POST /prom/api/v1/query',
        'POST /prom/api/v1/query',
      ]);
    });

    it('fails with 401 on a wrong token and 403 without the tenant, quoting neither', async () => {
      const wrongToken = new PrometheusClient({
        url: `${gateway.url}/prom`,
        bearerToken: 'not-the-token',
        headers: { 'X-Scope-OrgID': TENANT },
      });
      expect(
        await failureOf(wrongToken, ['not-the-token', TOKEN]),
      ).toMatchObject({ code: 401 });
      const noTenant = new PrometheusClient({
        url: `${gateway.url}/prom`,
        bearerToken: TOKEN,
      });
      const error = await failureOf(noTenant, [TOKEN]);
      expect(error).toMatchObject({ code: 403 });
      expect(error.message).toMatch(/^Prometheus answered 403 Forbidden/);
    });
  });
});

describe('PrometheusClient and a Prometheus serving HTTPS', () => {
  let prometheus: RunningPrometheus;
  let caPem: string;
  let tmpDir: string;
  beforeAll(async () => {
    const certificate = await createServingCertificate();
    caPem = certificate.caPem;
    tmpDir = fs.mkdtempSync(path.join(os.tmpdir(), 'prometheus-ca-'));
    prometheus = await startPrometheus({
      scrapeTargets: [],
      web: { tls: certificate },
    });
  });
  afterAll(async () => {
    await prometheus?.stop();
    fs.rmSync(tmpDir, { recursive: true, force: true });
  });

  it('serves https', () => {
    expect(prometheus.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
  });

  it('answers when the CA is trusted, inline or from a file', async () => {
    const inline = new PrometheusClient({ url: prometheus.url, caData: caPem });
    await expect(inline.query('vector(1)')).resolves.toEqual(ONE);
    const caFile = path.join(tmpDir, 'ca.pem');
    fs.writeFileSync(caFile, caPem);
    const fromFile = new PrometheusClient({ url: prometheus.url, caFile });
    await expect(fromFile.query('vector(1)')).resolves.toEqual(ONE);
  });

  it('fails with a TLS error, not a crash, when the CA is not trusted', async () => {
    const client = new PrometheusClient({ url: prometheus.url });
    const error = await failureOf(client, []);
    expect(toSourceError('prometheus', error)).toMatchObject({
      errorType: 'TlsError',
    });
  });

  it('answers without verification when skipTLSVerify is set', async () => {
    const client = new PrometheusClient({
      url: prometheus.url,
      skipTLSVerify: true,
    });
    await expect(client.query('vector(1)')).resolves.toEqual(ONE);
  });
});
