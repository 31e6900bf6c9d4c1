import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { PrometheusConnection } from './types';

/** One sample of an instant-query result. @public */
export interface PrometheusSample {
  metric: Record<string, string>;
  value: number;
}

/**
 * Escapes a string for use inside a double-quoted PromQL label value, so a name can
 * never end the string and inject query syntax.
 *
 * @public
 */
export function escapeLabelValue(value: string): string {
  return value
    .replace(/\\/g, '\\\\')
    .replace(/"/g, '\\"')
    .replace(/\n/g, '\\n');
}

/** Thrown for a failed Prometheus query; carries an HTTP status when there was one. @public */
export class PrometheusError extends Error {
  constructor(message: string, readonly code?: number) {
    super(message);
    this.name = 'PrometheusError';
  }
}

/** Idle kept-alive connections are closed after this long. */
const IDLE_SOCKET_MS = 15_000;
/** Answers larger than this are refused (a runaway query must not exhaust memory). */
const MAX_ANSWER_BYTES = 64 * 1024 * 1024;

/**
 * One agent per connection object, so the clients that call sites build per read
 * share kept-alive connections (and the parsed CA) for as long as the config lives.
 */
const agents = new WeakMap<PrometheusConnection, http.Agent>();

/** The query endpoint, `<url>/api/v1/query` with the path prefix kept. */
function queryEndpoint(base: string): URL {
  let url: URL;
  try {
    url = new URL(base);
  } catch {
    // Never the value: a URL may carry a token.
    throw new TypeError('Invalid Prometheus URL: not an absolute URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new TypeError(
      'Invalid Prometheus URL: only http and https are allowed',
    );
  if (url.username || url.password)
    throw new TypeError(
      'Invalid Prometheus URL: put credentials in basicAuth, not in the URL',
    );
  url.pathname = `${url.pathname.replace(/\/+$/, '')}/api/v1/query`;
  url.hash = '';
  return url;
}

/** The headers every query sends: the extra ones, then the credentials. */
function requestHeaders(
  connection: PrometheusConnection,
): http.OutgoingHttpHeaders {
  const { bearerToken, basicAuth } = connection;
  const extra = connection.headers ?? {};
  const authorizationHeader = Object.keys(extra).some(
    name => name.toLowerCase() === 'authorization',
  );
  const ways = [bearerToken !== undefined, !!basicAuth, authorizationHeader];
  if (ways.filter(Boolean).length > 1)
    throw new TypeError(
      'A Prometheus connection takes one of bearerToken, basicAuth or an Authorization header, not several',
    );
  const headers: http.OutgoingHttpHeaders = {
    ...extra,
    Accept: 'application/json',
    'Content-Type': 'application/x-www-form-urlencoded',
  };
  if (bearerToken !== undefined)
    headers.Authorization = `Bearer ${bearerToken}`;
  if (basicAuth) {
    const pair = `${basicAuth.username}:${basicAuth.password}`;
    headers.Authorization = `Basic ${Buffer.from(pair).toString('base64')}`;
  }
  return headers;
}

/** The CA bundles to trust: inline and from the file (read once, per agent). */
function trustedCas(connection: PrometheusConnection): string[] | undefined {
  const cas: string[] = [];
  if (connection.caData) cas.push(connection.caData);
  if (connection.caFile) {
    try {
      cas.push(fs.readFileSync(connection.caFile, 'utf8'));
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
      throw new PrometheusError(
        `Cannot read the Prometheus CA file ${connection.caFile} (${code})`,
      );
    }
  }
  return cas.length > 0 ? cas : undefined;
}

function agentFor(connection: PrometheusConnection, secure: boolean) {
  let agent = agents.get(connection);
  if (!agent) {
    agent = secure
      ? new https.Agent({
          keepAlive: true,
          timeout: IDLE_SOCKET_MS,
          ca: trustedCas(connection),
          rejectUnauthorized: !connection.skipTLSVerify,
        })
      : new http.Agent({ keepAlive: true, timeout: IDLE_SOCKET_MS });
    agents.set(connection, agent);
  }
  return agent;
}

/** A kept-alive connection the server closed just before it was reused. */
function isClosedUnderUs(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException)?.code;
  return code === 'ECONNRESET' || code === 'EPIPE';
}

function statusError(status: number): PrometheusError {
  if (status === 401 || status === 403) {
    const reason = status === 401 ? 'Unauthorized' : 'Forbidden';
    return new PrometheusError(
      `Prometheus answered ${status} ${reason}: check the credentials in istio.clusters[].prometheus`,
      status,
    );
  }
  if (status >= 300 && status < 400)
    return new PrometheusError(
      `Prometheus answered ${status} (redirects are not followed)`,
      status,
    );
  return new PrometheusError(`Prometheus answered ${status}`, status);
}

/** The samples of an instant query's JSON answer. */
function parseVector(text: string): PrometheusSample[] {
  let body: {
    status?: string;
    data?: {
      resultType: string;
      result: Array<{
        metric: Record<string, string>;
        value: [number, string];
      }>;
    };
  };
  try {
    body = JSON.parse(text);
  } catch {
    // JSON.parse's own message quotes the start of the body.
    throw new SyntaxError('Prometheus answered with a body that is not JSON');
  }
  if (body?.status !== 'success' || !body.data)
    throw new PrometheusError('Prometheus returned no data');
  if (body.data.resultType !== 'vector')
    throw new PrometheusError(`unexpected result type ${body.data.resultType}`);
  return body.data.result.map((r, i) => {
    const value: unknown = r?.value;
    if (
      !Array.isArray(value) ||
      value.length !== 2 ||
      typeof value[1] !== 'string' ||
      !r.metric ||
      typeof r.metric !== 'object'
    )
      throw new PrometheusError(
        `Prometheus answered a malformed vector item (item ${i})`,
      );
    return { metric: r.metric, value: Number(value[1]) };
  });
}

/**
 * Minimal Prometheus HTTP API client: instant queries with bearer or basic auth, extra
 * headers and a private CA, a timeout, redirects refused, and error messages that
 * never carry the upstream body or a credential.
 *
 * @public
 */
export class PrometheusClient {
  private readonly endpoint: URL;
  private readonly headers: http.OutgoingHttpHeaders;

  /**
   * @param connection - Where and how to reach Prometheus (see `readPrometheusConnection`).
   * @param timeoutMs - Limit for each query, answer included.
   */
  constructor(
    private readonly connection: PrometheusConnection,
    private readonly timeoutMs = 5000,
  ) {
    this.endpoint = queryEndpoint(connection.url);
    this.headers = requestHeaders(connection);
  }

  /** Runs an instant query; only a vector answer is accepted. */
  async query(promql: string): Promise<PrometheusSample[]> {
    const form = new URLSearchParams({ query: promql }).toString();
    const text = await this.post(form, AbortSignal.timeout(this.timeoutMs));
    return parseVector(text);
  }

  /**
   * POSTs the form and resolves with the body of a 2xx answer. A kept-alive
   * connection found closed is retried once on a new one (queries are reads); on
   * timeout it rejects with the signal's `TimeoutError`.
   */
  private post(
    form: string,
    signal: AbortSignal,
    retryClosed = true,
  ): Promise<string> {
    const secure = this.endpoint.protocol === 'https:';
    return new Promise<string>((resolve, reject) => {
      const outgoing = (secure ? https : http).request(this.endpoint, {
        method: 'POST',
        agent: agentFor(this.connection, secure),
        headers: { ...this.headers, 'Content-Length': Buffer.byteLength(form) },
        signal,
      });
      const fail = (error: unknown) => {
        if (signal.aborted) reject(signal.reason);
        else if (retryClosed && outgoing.reusedSocket && isClosedUnderUs(error))
          resolve(this.post(form, signal, false));
        else reject(error);
      };
      outgoing.on('error', fail);
      outgoing.on('response', response => {
        const status = response.statusCode ?? 0;
        if (status < 200 || status > 299) {
          response.resume();
          reject(statusError(status));
          return;
        }
        const chunks: Buffer[] = [];
        let size = 0;
        response.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > MAX_ANSWER_BYTES)
            outgoing.destroy(
              new PrometheusError('Prometheus answer is too large'),
            );
          else chunks.push(chunk);
        });
        response.on('error', fail);
        response.on('end', () =>
          resolve(Buffer.concat(chunks).toString('utf8')),
        );
      });
      outgoing.end(form);
    });
  }
}
