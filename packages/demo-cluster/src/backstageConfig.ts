import yaml from 'yaml';

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
    kubernetes: {
      serviceLocatorMethod: { type: 'multiTenant' },
      clusterLocatorMethods: [
        {
          type: 'config',
          clusters: [
            {
              name: 'demo',
              title: 'Demo mesh (simulated cluster)',
              url: options.url,
              authProvider: 'serviceAccount',
              serviceAccountToken: options.token,
              caData: Buffer.from(options.caPem).toString('base64'),
              skipTLSVerify: false,
            },
          ],
        },
      ],
    },
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
