import yaml from 'yaml';

/** A kubeconfig that points kubectl at a running demo cluster with one of its tokens. */
export function kubeconfigFor(options: {
  url: string;
  caPem: string;
  token: string;
  name?: string;
}): string {
  const name = options.name ?? 'demo';
  return yaml.stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [
      {
        name,
        cluster: {
          server: options.url,
          'certificate-authority-data': Buffer.from(options.caPem).toString(
            'base64',
          ),
        },
      },
    ],
    users: [{ name, user: { token: options.token } }],
    contexts: [{ name, context: { cluster: name, user: name } }],
    'current-context': name,
  });
}
