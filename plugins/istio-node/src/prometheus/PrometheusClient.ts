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

/**
 * Minimal Prometheus HTTP API client: instant queries with a timeout, redirects
 * refused, and error messages that never carry the upstream body.
 *
 * @public
 */
export class PrometheusClient {
  constructor(
    private readonly baseUrl: string,
    private readonly timeoutMs = 5000,
  ) {}

  async query(promql: string): Promise<PrometheusSample[]> {
    const url = new URL(
      'api/v1/query',
      this.baseUrl.endsWith('/') ? this.baseUrl : `${this.baseUrl}/`,
    );
    const response = await fetch(url, {
      method: 'POST',
      body: new URLSearchParams({ query: promql }),
      redirect: 'error',
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    if (!response.ok) {
      throw new PrometheusError(
        `Prometheus answered ${response.status}`,
        response.status,
      );
    }
    const body = (await response.json()) as {
      status: string;
      data?: {
        resultType: string;
        result: Array<{
          metric: Record<string, string>;
          value: [number, string];
        }>;
      };
    };
    if (body.status !== 'success' || !body.data)
      throw new PrometheusError('Prometheus returned no data');
    if (body.data.resultType !== 'vector')
      throw new PrometheusError(
        `unexpected result type ${body.data.resultType}`,
      );
    return body.data.result.map(r => ({
      metric: r.metric,
      value: Number(r.value[1]),
    }));
  }
}
