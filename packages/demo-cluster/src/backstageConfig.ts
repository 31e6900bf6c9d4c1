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

/** A demo cluster reached with the signed-in user's token from the demo OIDC provider. */
export interface ConfiguredDemoOidcCluster {
  name: string;
  title: string;
  url: string;
  caPem: string;
  /** The cluster's `oidcTokenProvider`: the app's OIDC provider the token comes from. */
  oidcTokenProvider: string;
  /** The demo OIDC provider's settings, for the backend's demo-only plugin. */
  provider: { issuer: string; audience: string; privateKeyPem: string };
}

/**
 * The Kubernetes plugin's entry for an OIDC cluster, as an adopter writes one: no token
 * in the config, the user's own ID token from the named provider on each request.
 */
function oidcClusterEntry(cluster: ConfiguredDemoOidcCluster) {
  return {
    name: cluster.name,
    title: cluster.title,
    url: cluster.url,
    authProvider: 'oidc',
    oidcTokenProvider: cluster.oidcTokenProvider,
    caData: Buffer.from(cluster.caPem).toString('base64'),
    skipTLSVerify: false,
  };
}

/**
 * The Backstage configuration that points the Kubernetes plugin (and so the Istio
 * plugins) at a running demo cluster — exactly what a user writes for a real cluster:
 * a `config` cluster locator with a service-account token and the CA, TLS verified.
 * With `oidcCluster`, a second cluster read with the signed-in user's OIDC token, and
 * the settings of the demo OIDC provider that signs those tokens (`demoOidcProvider`,
 * read by the backend's demo-only plugin; the file is written readable by its owner
 * only, as it also holds the service-account token).
 */
export function backstageConfigFor(options: {
  url: string;
  caPem: string;
  token: string;
  prometheusUrl?: string;
  oidcCluster?: ConfiguredDemoOidcCluster;
}): string {
  const { oidcCluster } = options;
  const kubernetes = kubernetesConfigFor([
    {
      name: 'demo',
      title: 'Demo mesh (simulated cluster)',
      url: options.url,
      caPem: options.caPem,
      token: options.token,
    },
  ]);
  const [locator] = kubernetes.clusterLocatorMethods;
  const clusters = [
    ...locator.clusters,
    ...(oidcCluster ? [oidcClusterEntry(oidcCluster)] : []),
  ];
  return yaml.stringify({
    kubernetes: {
      ...kubernetes,
      clusterLocatorMethods: [{ ...locator, clusters }],
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
    ...(oidcCluster ? { demoOidcProvider: oidcCluster.provider } : {}),
  });
}
