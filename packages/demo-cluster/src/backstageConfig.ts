import yaml from 'yaml';

/** A demo cluster as Backstage is told about it. */
export interface ConfiguredDemoCluster {
  name: string;
  title?: string;
  url: string;
  caPem: string;
  token: string;
}

/**
 * The Kubernetes plugin's `kubernetes` configuration for demo clusters — exactly what
 * a user writes for real ones: a `config` cluster locator with a service-account
 * token and the CA, TLS verified.
 */
export function kubernetesConfigFor(clusters: ConfiguredDemoCluster[]) {
  return {
    serviceLocatorMethod: { type: 'multiTenant' },
    clusterLocatorMethods: [
      {
        type: 'config',
        clusters: clusters.map(c => ({
          name: c.name,
          ...(c.title ? { title: c.title } : {}),
          url: c.url,
          authProvider: 'serviceAccount',
          serviceAccountToken: c.token,
          caData: Buffer.from(c.caPem).toString('base64'),
          skipTLSVerify: false,
        })),
      },
    ],
  };
}

/**
 * The Backstage configuration that points the Kubernetes plugin (and so the Istio
 * plugins) at a running demo cluster — exactly what a user writes for a real cluster:
 * a `config` cluster locator with a service-account token and the CA, TLS verified.
 */
export function backstageConfigFor(options: {
  url: string;
  caPem: string;
  token: string;
  prometheusUrl?: string;
}): string {
  return yaml.stringify({
    kubernetes: kubernetesConfigFor([
      {
        name: 'demo',
        title: 'Demo mesh (simulated cluster)',
        url: options.url,
        caPem: options.caPem,
        token: options.token,
      },
    ]),
    ...(options.prometheusUrl
      ? {
          istio: {
            clusters: [
              { name: 'demo', prometheus: { url: options.prometheusUrl } },
            ],
          },
        }
      : {}),
  });
}
