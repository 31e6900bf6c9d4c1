import http from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  escapeLabelValue,
  PrometheusClient,
  PrometheusError,
} from './PrometheusClient';

const EMPTY_VECTOR = JSON.stringify({
  status: 'success',
  data: { resultType: 'vector', result: [] },
});

describe('escapeLabelValue', () => {
  it.each([
    ['istio-demo', 'istio-demo'],
    ['a"} or vector(1) or {x="', 'a\\"} or vector(1) or {x=\\"'],
    ['back\\slash', 'back\\\\slash'],
    ['line\nbreak', 'line\\nbreak'],
  ])('%j → %j', (input, expected) => {
    expect(escapeLabelValue(input)).toBe(expected);
  });
});

describe('PrometheusClient', () => {
  let server: http.Server;
  let base: string;
  let handler: (req: http.IncomingMessage, res: http.ServerResponse) => void;

  beforeAll(async () => {
    server = http.createServer((req, res) => handler(req, res));
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise(resolve => server.close(resolve)));

  it('parses a vector result', async () => {
    handler = (_req, res) =>
      res.end(
        JSON.stringify({
          status: 'success',
          data: {
            resultType: 'vector',
            result: [{ metric: { pod: 'p' }, value: [1, '42'] }],
          },
        }),
      );
    await expect(
      new PrometheusClient({ url: base }).query('up'),
    ).resolves.toEqual([{ metric: { pod: 'p' }, value: 42 }]);
  });

  it.each([
    ['a bare value', { metric: { pod: 'p' }, value: '42' }],
    ['a null value', { metric: { pod: 'p' }, value: null }],
    ['a numeric sample', { metric: { pod: 'p' }, value: [1, 42] }],
    ['no metric', { value: [1, '42'] }],
  ])(
    'refuses a vector item with %s rather than misread it',
    async (_case, item) => {
      handler = (_req, res) =>
        res.end(
          JSON.stringify({
            status: 'success',
            data: { resultType: 'vector', result: [item] },
          }),
        );
      await expect(
        new PrometheusClient({ url: base }).query('up'),
      ).rejects.toThrow('Prometheus answered a malformed vector item (item 0)');
    },
  );

  it('never follows a redirect and never repeats the upstream body', async () => {
    handler = (_req, res) =>
      res.writeHead(302, { Location: 'http://169.254.169.254/' }).end();
    await expect(
      new PrometheusClient({ url: base }).query('up'),
    ).rejects.toThrow();
    handler = (_req, res) => res.writeHead(500).end('secret internal detail');
    const error = await new PrometheusClient({ url: base })
      .query('up')
      .catch(e => e);
    expect(error.message).toBe('Prometheus answered 500');
    expect(error.code).toBe(500);
    handler = (_req, res) => res.end('<html>secret internal detail</html>');
    const notJson = await new PrometheusClient({ url: base })
      .query('up')
      .catch(e => e);
    expect(notJson).toBeInstanceOf(SyntaxError);
    expect(notJson.message).not.toContain('secret');
  });

  it('times out a slow Prometheus', async () => {
    handler = () => undefined;
    const error = await new PrometheusClient({ url: base }, 200)
      .query('up')
      .catch(e => e);
    expect(error.name).toBe('TimeoutError');
  });

  it('POSTs to the path prefix with the bearer token and the extra headers', async () => {
    const seen: http.IncomingHttpHeaders[] = [];
    const paths: string[] = [];
    handler = (req, res) => {
      seen.push(req.headers);
      paths.push(`${req.method} ${req.url}`);
      res.end(EMPTY_VECTOR);
    };
    const client = new PrometheusClient({
      url: `${base}/prom/`,
      bearerToken: 't0ken',
      headers: { 'X-Scope-OrgID': 'tenant-a' },
    });
    await expect(client.query('up')).resolves.toEqual([]);
    await expect(client.query('up')).resolves.toEqual([]);
    expect(paths).toEqual([
      'POST /prom/api/v1/query',
      'POST /prom/api/v1/query',
    ]);
    expect(seen[0]).toMatchObject({
      authorization: 'Bearer t0ken',
      'x-scope-orgid': 'tenant-a',
      'content-type': 'application/x-www-form-urlencoded',
    });
  });

  it('retries once on a new connection when a kept-alive one is closed under it', async () => {
    const requestsPerSocket = new Map<unknown, number>();
    handler = (req, res) => {
      const count = (requestsPerSocket.get(req.socket) ?? 0) + 1;
      requestsPerSocket.set(req.socket, count);
      // Like a server whose idle timeout just closed the connection.
      if (count > 1) req.socket.destroy();
      else res.end(EMPTY_VECTOR);
    };
    const client = new PrometheusClient({ url: base });
    await expect(client.query('up')).resolves.toEqual([]);
    await expect(client.query('up')).resolves.toEqual([]);
    expect([...requestsPerSocket.values()]).toEqual([2, 1]);
  });

  it('sends basic auth, and names the credentials on 401 and 403 without them', async () => {
    let authorization: string | undefined;
    handler = (req, res) => {
      authorization = req.headers.authorization;
      res.writeHead(401).end('token abc is wrong');
    };
    const basicAuth = { username: 'prom-reader', password: 'pa55word' };
    const client = new PrometheusClient({ url: base, basicAuth });
    const error = await client.query('up').catch(e => e);
    expect(authorization).toBe(
      `Basic ${Buffer.from('prom-reader:pa55word').toString('base64')}`,
    );
    expect(error).toBeInstanceOf(PrometheusError);
    expect(error.code).toBe(401);
    expect(error.message).toBe(
      'Prometheus answered 401 Unauthorized: check the credentials in istio.clusters[].prometheus',
    );
    handler = (_req, res) => res.writeHead(403).end();
    const forbidden = await client.query('up').catch(e => e);
    expect(forbidden.code).toBe(403);
    expect(forbidden.message).toMatch(/^Prometheus answered 403 Forbidden: /);
    for (const e of [error, forbidden])
      expect(e.message).not.toMatch(/pa55word|abc|cHJvbS1yZWFkZXI/);
  });

  it('refuses conflicting credentials and a URL with credentials, never quoting it', () => {
    expect(
      () =>
        new PrometheusClient({
          url: base,
          bearerToken: 't',
          basicAuth: { username: 'u', password: 'p' },
        }),
    ).toThrow(/one of bearerToken, basicAuth/);
    expect(
      () =>
        new PrometheusClient({
          url: base,
          bearerToken: 't',
          headers: { authorization: 'Bearer x' },
        }),
    ).toThrow(/not several/);
    expect(
      () => new PrometheusClient({ url: 'http://u:s3cret@127.0.0.1:1' }),
    ).toThrow(/^Invalid Prometheus URL: put credentials in basicAuth/);
    expect(() => new PrometheusClient({ url: 's3cret' })).toThrow(
      'Invalid Prometheus URL: not an absolute URL',
    );
    expect(() => new PrometheusClient({ url: 'ftp://127.0.0.1' })).toThrow(
      /only http and https/,
    );
  });

  it('fails a query, not the constructor, when the CA file cannot be read', async () => {
    const client = new PrometheusClient({
      url: 'https://127.0.0.1:1',
      caFile: '/nonexistent/ca.pem',
    });
    await expect(client.query('up')).rejects.toThrow(
      'Cannot read the Prometheus CA file /nonexistent/ca.pem (ENOENT)',
    );
  });
});
