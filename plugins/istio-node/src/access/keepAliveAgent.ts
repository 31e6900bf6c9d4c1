import http from 'node:http';
import https from 'node:https';
import type { KubeConfig } from '@kubernetes/client-node';

/**
 * A keep-alive agent with the TLS settings of a cluster's kube config (CA, client
 * certificate, `skipTLSVerify`, `tlsServerName`). client-node 1.4 builds a new agent
 * for every request, so every read opened a new connection and paid a TLS handshake
 * (and parsed the CA again); one agent per cluster reuses connections instead.
 */
export async function keepAliveAgentFor(
  kubeConfig: KubeConfig,
  maxSockets: number,
): Promise<http.Agent> {
  const server = kubeConfig.getCurrentCluster()?.server ?? '';
  if (server.startsWith('http:'))
    return new http.Agent({ keepAlive: true, maxSockets });
  const tls: https.RequestOptions = {};
  await kubeConfig.applyToHTTPSOptions(tls);
  return new https.Agent({
    keepAlive: true,
    maxSockets,
    ca: tls.ca,
    cert: tls.cert,
    key: tls.key,
    pfx: tls.pfx,
    passphrase: tls.passphrase,
    servername: tls.servername,
    ...(tls.rejectUnauthorized === undefined
      ? {}
      : { rejectUnauthorized: tls.rejectUnauthorized }),
  });
}
