import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { escapeLabelValue, PrometheusClient } from './PrometheusClient';

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
    await expect(new PrometheusClient(base).query('up')).resolves.toEqual([
      { metric: { pod: 'p' }, value: 42 },
    ]);
  });

  it('never follows a redirect and never repeats the upstream body', async () => {
    handler = (_req, res) =>
      res.writeHead(302, { Location: 'http://169.254.169.254/' }).end();
    await expect(new PrometheusClient(base).query('up')).rejects.toThrow();
    handler = (_req, res) => res.writeHead(500).end('secret internal detail');
    const error = await new PrometheusClient(base).query('up').catch(e => e);
    expect(error.message).toBe('Prometheus answered 500');
  });

  it('times out a slow Prometheus', async () => {
    handler = () => undefined;
    const error = await new PrometheusClient(base, 200)
      .query('up')
      .catch(e => e);
    expect(error.name).toBe('TimeoutError');
  });
});
