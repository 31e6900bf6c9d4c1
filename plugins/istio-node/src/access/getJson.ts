import http from 'node:http';
import https from 'node:https';
import { ApiException, type KubeConfig } from '@kubernetes/client-node';

/**
 * What one JSON GET against a cluster's API server needs.
 *
 * @public
 */
export interface JsonRequest {
  kubeConfig: KubeConfig;
  agent: http.Agent;
  /** A fixed API path such as `/api/v1/pods`; never built from request input. */
  path: string;
  query?: Record<string, string | number | undefined>;
  timeoutMs: number;
  impersonateUser?: string;
}

/**
 * GETs an API path with the kube config's credentials and returns the parsed JSON
 * as the server sent it (wire field names, timestamps as strings). A non-2xx answer
 * throws client-node's `ApiException` with the status and headers (never the body),
 * so it is retried and reported like any other read.
 */
export async function getJson<T>(request: JsonRequest): Promise<T> {
  const { kubeConfig, path, timeoutMs } = request;
  const url = new URL(path, kubeConfig.getCurrentCluster()?.server);
  for (const [name, value] of Object.entries(request.query ?? {}))
    if (value !== undefined) url.searchParams.set(name, String(value));
  const auth: https.RequestOptions = {};
  await kubeConfig.applyToHTTPSOptions(auth);
  const headers: http.OutgoingHttpHeaders = {
    ...(auth.headers as http.OutgoingHttpHeaders | undefined),
    Accept: 'application/json',
    ...(request.impersonateUser
      ? { 'Impersonate-User': request.impersonateUser }
      : {}),
  };
  const transport = url.protocol === 'https:' ? https : http;
  return new Promise<T>((resolve, reject) => {
    const outgoing = transport.request(url, {
      method: 'GET',
      agent: request.agent,
      headers,
      signal: AbortSignal.timeout(timeoutMs),
    });
    outgoing.on('error', reject);
    outgoing.on('response', response => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('error', reject);
      response.on('end', () => {
        const status = response.statusCode ?? 0;
        if (status < 200 || status > 299) {
          reject(
            new ApiException(
              status,
              `GET ${url.pathname} answered ${status}`,
              undefined,
              response.headers as Record<string, string>,
            ),
          );
          return;
        }
        try {
          resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')) as T);
        } catch (error) {
          reject(error);
        }
      });
    });
    outgoing.end();
  });
}
