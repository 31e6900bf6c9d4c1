import type { Config } from '@backstage/config';
import { ANNOTATION_KUBERNETES_AUTH_PROVIDER } from '@backstage/plugin-kubernetes-common';
import fs from 'node:fs';
import { isClusterName } from '@istio-backstage/plugin-istio-common';
import { AUTH_METADATA_CONFIG_KEYS, toClusterAuth } from './authMetadata';
import { parseHttpUrl } from '../lib/httpUrl';
import type { IstioClusterConfig, UnusableCluster } from './types';

/** A cluster read from config, before `istio.clusters[]` is merged in. */
export type LocatedCluster = Omit<
  IstioClusterConfig,
  'prometheus' | 'kialiUrl' | 'jaegerUrl' | 'grafanaUrl' | 'grafanaDashboards'
>;

function authMetadataOf(cluster: Config): Record<string, string> {
  const metadata: Record<string, string> = {};
  const provider = cluster.getOptionalString('authProvider');
  if (provider) metadata[ANNOTATION_KUBERNETES_AUTH_PROVIDER] = provider;
  for (const [key, metadataKey] of Object.entries(AUTH_METADATA_CONFIG_KEYS)) {
    const value = cluster.getOptionalString(key);
    if (value) metadata[metadataKey] = value;
  }
  // Read whole: its keys contain '/', which config key paths cannot.
  const block = cluster.getOptional<Record<string, unknown>>('authMetadata');
  for (const [key, value] of Object.entries(block ?? {}))
    if (typeof value === 'string') metadata[key] = value;
  return metadata;
}

/**
 * One entry of a `config` cluster locator, as the Kubernetes plugin reads it, or why
 * the Istio plugins cannot use it. Never throws: one bad cluster must not stop the
 * others (or the backend) from starting.
 */
export function readConfigLocatorCluster(
  cluster: Config,
  source: string,
): LocatedCluster | UnusableCluster {
  let name = '(unnamed)';
  try {
    name = cluster.getString('name');
    if (!isClusterName(name))
      return { name, source, reason: `invalid cluster name '${name}'` };
    const url = parseHttpUrl(cluster.getString('url'));
    if ('problem' in url)
      return { name, source, reason: `url: ${url.problem}` };
    const auth = toClusterAuth(authMetadataOf(cluster));
    if ('problem' in auth) return { name, source, reason: auth.problem };
    const caFile = cluster.getOptionalString('caFile');
    if (caFile && !fs.existsSync(caFile))
      return { name, source, reason: 'caFile: the file does not exist' };
    const title = cluster.getOptionalString('title');
    return {
      name,
      ...(title ? { title } : {}),
      url: url.url,
      skipTLSVerify: cluster.getOptionalBoolean('skipTLSVerify') ?? false,
      caData: cluster.getOptionalString('caData'),
      caFile,
      auth,
      locator: 'config',
      source,
    };
  } catch (error) {
    // Config type errors name the key, never the value.
    return { name, source, reason: (error as Error).message };
  }
}
