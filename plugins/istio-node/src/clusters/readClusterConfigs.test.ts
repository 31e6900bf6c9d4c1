import { ConfigReader } from '@backstage/config';
import { readClusterConfigs } from './readClusterConfigs';

const demoCluster = {
  name: 'demo',
  title: 'Demo mesh',
  url: 'http://127.0.0.1:6443/',
  authProvider: 'serviceAccount',
  serviceAccountToken: 'secret-token',
  skipTLSVerify: true,
};

function read(data: object) {
  return readClusterConfigs(new ConfigReader(data));
}

describe('readClusterConfigs', () => {
  it('reads the Kubernetes plugin clusters and merges the istio section by name', () => {
    const [cluster] = read({
      kubernetes: {
        clusterLocatorMethods: [{ type: 'config', clusters: [demoCluster] }],
      },
      istio: {
        clusters: [
          {
            name: 'demo',
            prometheus: { url: 'http://127.0.0.1:9091' },
            kiali: { url: 'https://kiali.example.com/kiali/' },
            grafana: {
              url: 'https://grafana.example.com',
              dashboards: { service: 'LJ_uJAvmk' },
            },
          },
        ],
      },
    });
    expect(cluster).toEqual({
      name: 'demo',
      title: 'Demo mesh',
      url: 'http://127.0.0.1:6443',
      skipTLSVerify: true,
      caData: undefined,
      caFile: undefined,
      credentials: {
        authProvider: 'serviceAccount',
        serviceAccountToken: 'secret-token',
      },
      prometheusUrl: 'http://127.0.0.1:9091',
      kialiUrl: 'https://kiali.example.com/kiali',
      jaegerUrl: undefined,
      grafanaUrl: 'https://grafana.example.com',
      grafanaDashboards: {
        service: 'LJ_uJAvmk',
        workload: undefined,
        mesh: undefined,
      },
    });
  });

  it('answers an empty list when no clusters are configured', () => {
    expect(read({})).toEqual([]);
    expect(
      read({ kubernetes: { clusterLocatorMethods: [{ type: 'catalog' }] } }),
    ).toEqual([]);
  });

  it.each([
    [
      'a duplicate cluster name',
      {
        kubernetes: {
          clusterLocatorMethods: [
            { type: 'config', clusters: [demoCluster, demoCluster] },
          ],
        },
      },
      /configured more than once/,
    ],
    [
      'an istio entry for an unknown cluster',
      {
        kubernetes: {
          clusterLocatorMethods: [{ type: 'config', clusters: [demoCluster] }],
        },
        istio: { clusters: [{ name: 'other' }] },
      },
      /'other', which is not a cluster/,
    ],
    [
      'a Prometheus URL that is not http(s)',
      {
        kubernetes: {
          clusterLocatorMethods: [{ type: 'config', clusters: [demoCluster] }],
        },
        istio: {
          clusters: [
            { name: 'demo', prometheus: { url: 'file:///etc/passwd' } },
          ],
        },
      },
      /prometheus.url.*only http and https/,
    ],
    [
      'an unsupported auth provider',
      {
        kubernetes: {
          clusterLocatorMethods: [
            {
              type: 'config',
              clusters: [{ ...demoCluster, authProvider: 'google' }],
            },
          ],
        },
      },
      /supports 'serviceAccount' only/,
    ],
    [
      'a cluster name that could be a URL',
      {
        kubernetes: {
          clusterLocatorMethods: [
            {
              type: 'config',
              clusters: [{ ...demoCluster, name: 'http://evil' }],
            },
          ],
        },
      },
      /Invalid cluster name/,
    ],
  ])('rejects %s', (_case, data, message) => {
    expect(() => read(data)).toThrow(message);
  });
});
