import { KubeConfig } from '@kubernetes/client-node';
import type { KubernetesCredential } from '@backstage/plugin-kubernetes-node';
import type { IstioClusterConfig } from '../clusters';

function userOf(credential: KubernetesCredential | undefined) {
  if (credential?.type === 'bearer token')
    return { name: 'backstage', token: credential.token };
  if (credential?.type === 'x509 client certificate')
    return {
      name: 'backstage',
      certData: Buffer.from(credential.cert).toString('base64'),
      keyData: Buffer.from(credential.key).toString('base64'),
    };
  return { name: 'backstage' };
}

/**
 * Loads (or loads again, in place) a cluster's kube config with a credential: clients
 * and watches built on the same object then send the newest credential (server-side
 * tokens such as AWS's expire and are renewed).
 */
export function loadClusterKubeConfig(
  kubeConfig: KubeConfig,
  cluster: IstioClusterConfig,
  credential?: KubernetesCredential,
): KubeConfig {
  kubeConfig.loadFromOptions({
    clusters: [
      {
        name: cluster.name,
        server: cluster.url,
        // client-node refuses an http:// server unless TLS verification is off,
        // though there is no TLS to verify (kubectl proxy, for one, speaks http).
        skipTLSVerify: cluster.skipTLSVerify || cluster.url.startsWith('http:'),
        ...(cluster.caData ? { caData: cluster.caData } : {}),
        ...(cluster.caFile ? { caFile: cluster.caFile } : {}),
      },
    ],
    users: [userOf(credential)],
    contexts: [{ name: 'backstage', cluster: cluster.name, user: 'backstage' }],
    currentContext: 'backstage',
  });
  return kubeConfig;
}
