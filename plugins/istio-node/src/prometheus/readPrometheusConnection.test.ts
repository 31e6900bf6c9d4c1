import { ConfigReader } from '@backstage/config';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { readPrometheusConnection } from './readPrometheusConnection';

const PATH = 'istio.clusters[0].prometheus';
/** Any valid certificate will do: one of Node's bundled roots. */
const caPem = tls.rootCertificates[0];

function read(data: object | undefined) {
  return readPrometheusConnection(
    data === undefined ? undefined : new ConfigReader(data),
    PATH,
  );
}

/** The error `read` throws, checked never to quote a secret. */
function errorOf(data: object, secrets: string[] = []): Error {
  let error: Error | undefined;
  try {
    read(data);
  } catch (e) {
    error = e as Error;
  }
  expect(error).toBeInstanceOf(Error);
  for (const secret of secrets) expect(error!.message).not.toContain(secret);
  return error!;
}

describe('readPrometheusConnection', () => {
  let tmpDir: string;
  beforeAll(() => {
    tmpDir = fs.mkdtempSync(path.join(os.tmpdir(), 'prometheus-ca-'));
  });
  afterAll(() => fs.rmSync(tmpDir, { recursive: true, force: true }));

  it('answers undefined without a block', () => {
    expect(read(undefined)).toBeUndefined();
  });

  it('reads the URL alone, path prefix kept and trailing slashes removed', () => {
    expect(read({ url: 'https://mimir.example.com/prometheus//' })).toEqual({
      url: 'https://mimir.example.com/prometheus',
    });
  });

  it('reads every key', () => {
    const caFile = path.join(tmpDir, 'ca.pem');
    fs.writeFileSync(caFile, caPem);
    expect(
      read({
        url: 'https://prometheus.example.com',
        bearerToken: 'tok',
        headers: { 'X-Scope-OrgID': 'tenant-a', 'X-Other-1': 'b' },
        caData: caPem,
        caFile,
        skipTLSVerify: false,
      }),
    ).toEqual({
      url: 'https://prometheus.example.com',
      bearerToken: 'tok',
      headers: { 'X-Scope-OrgID': 'tenant-a', 'X-Other-1': 'b' },
      caData: caPem,
      caFile,
      skipTLSVerify: false,
    });
    expect(
      read({
        url: 'http://prometheus:9090',
        basicAuth: { username: 'reader', password: 'pw' },
        skipTLSVerify: true,
      }),
    ).toEqual({
      url: 'http://prometheus:9090',
      basicAuth: { username: 'reader', password: 'pw' },
      skipTLSVerify: true,
    });
  });

  it('takes caData as base64-encoded PEM too, as the Kubernetes plugin writes it', () => {
    expect(
      read({
        url: 'https://p',
        caData: Buffer.from(caPem).toString('base64'),
      }),
    ).toEqual({ url: 'https://p', caData: caPem });
  });

  it.each([
    [{}, /Missing required config value at 'url'/],
    [{ url: 'prometheus:9090/x' }, /only http and https are allowed/],
    [{ url: '/prometheus' }, /not an absolute URL/],
    [{ url: 'file:///etc/passwd' }, /only http and https are allowed/],
  ])('refuses the URL of %j', (data, message) => {
    expect(() => read(data)).toThrow(message);
  });

  it('names the full config path of a bad URL, never the URL', () => {
    const error = errorOf({ url: 'http://reader:s3cret@prometheus:9090' }, [
      's3cret',
    ]);
    expect(error.message).toBe(
      `Invalid URL in config at '${PATH}.url': put credentials in ${PATH}.basicAuth, not in the URL`,
    );
    expect(errorOf({ url: 'not a url s3cret' }, ['s3cret']).message).toBe(
      `Invalid URL in config at '${PATH}.url': not an absolute URL`,
    );
  });

  it('refuses bearerToken and basicAuth together, without either secret', () => {
    const error = errorOf(
      {
        url: 'http://prometheus:9090',
        bearerToken: 'tok-s3cret',
        basicAuth: { username: 'reader', password: 'pw-s3cret' },
      },
      ['tok-s3cret', 'pw-s3cret'],
    );
    expect(error.message).toBe(
      `Invalid config at '${PATH}': set either bearerToken or basicAuth, not both`,
    );
  });

  it('refuses an incomplete basicAuth and a user name with a colon', () => {
    expect(() =>
      read({ url: 'http://p', basicAuth: { username: 'reader' } }),
    ).toThrow(/Missing required config value at 'basicAuth.password'/);
    expect(
      errorOf({
        url: 'http://p',
        basicAuth: { username: 'a:b', password: 'x' },
      }).message,
    ).toMatch(/basicAuth.username': a basic auth user name cannot contain ':'/);
  });

  it('refuses an Authorization header, pointing at bearerToken and basicAuth', () => {
    const error = errorOf(
      { url: 'http://p', headers: { authorization: 'Bearer s3cret' } },
      ['s3cret'],
    );
    expect(error.message).toBe(
      `Invalid config at '${PATH}.headers.authorization': set the credentials with ${PATH}.bearerToken or ${PATH}.basicAuth instead of an Authorization header`,
    );
  });

  it('refuses a header value that is not a string or cannot be sent', () => {
    expect(() =>
      read({ url: 'http://p', headers: { 'X-Scope-OrgID': 42 } }),
    ).toThrow(/headers.X-Scope-OrgID/);
    const error = errorOf(
      { url: 'http://p', headers: { 'X-Key': 's3cret\r\nX-Injected: 1' } },
      ['s3cret'],
    );
    expect(error.message).toBe(
      `Invalid config at '${PATH}.headers.X-Key': the value has characters a header cannot carry`,
    );
  });

  it('refuses a missing CA file and CA data that is not PEM, without the data', () => {
    const missing = path.join(tmpDir, 'missing.pem');
    expect(errorOf({ url: 'https://p', caFile: missing }).message).toBe(
      `Invalid config at '${PATH}.caFile': the file ${missing} does not exist`,
    );
    const notPem = path.join(tmpDir, 'not.pem');
    fs.writeFileSync(notPem, 'hello');
    expect(errorOf({ url: 'https://p', caFile: notPem }).message).toMatch(
      /is not a PEM certificate bundle/,
    );
    expect(
      errorOf({ url: 'https://p', caData: 's3cret-not-pem' }, ['s3cret'])
        .message,
    ).toBe(
      `Invalid config at '${PATH}.caData': not a PEM certificate bundle (nor base64 of one)`,
    );
  });
});
