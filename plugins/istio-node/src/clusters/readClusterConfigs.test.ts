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

function withClusters(...clusters: object[]) {
  return read({
    kubernetes: { clusterLocatorMethods: [{ type: 'config', clusters }] },
  });
}

describe('readClusterConfigs', () => {
  it('reads the Kubernetes plugin clusters and merges the istio section by name', () => {
    const { clusters, unusable } = read({
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
    expect(unusable).toEqual([]);
    expect(clusters).toEqual([
      {
        name: 'demo',
        title: 'Demo mesh',
        url: 'http://127.0.0.1:6443',
        skipTLSVerify: true,
        caData: undefined,
        caFile: undefined,
        auth: {
          provider: 'serviceAccount',
          metadata: {
            'kubernetes.io/auth-provider': 'serviceAccount',
            serviceAccountToken: 'secret-token',
          },
        },
        locator: 'config',
        source: 'kubernetes.clusterLocatorMethods[0].clusters[0]',
        prometheus: expect.objectContaining({ url: 'http://127.0.0.1:9091' }),
        kialiUrl: 'https://kiali.example.com/kiali',
        jaegerUrl: undefined,
        grafanaUrl: 'https://grafana.example.com',
        grafanaDashboards: {
          service: 'LJ_uJAvmk',
          workload: undefined,
          mesh: undefined,
        },
      },
    ]);
  });

  it('answers no clusters when none are configured', () => {
    expect(read({})).toMatchObject({ clusters: [], unusable: [] });
  });

  it.each([
    ['serviceAccount', {}, {}],
    [
      'aws',
      { assumeRole: 'arn:aws:iam::1:role/backstage', externalId: 'ext-1' },
      {
        'kubernetes.io/aws-assume-role': 'arn:aws:iam::1:role/backstage',
        'kubernetes.io/aws-external-id': 'ext-1',
      },
    ],
    [
      'aws',
      { authMetadata: { 'kubernetes.io/x-k8s-aws-id': 'eks-prod' } },
      { 'kubernetes.io/x-k8s-aws-id': 'eks-prod' },
    ],
    ['googleServiceAccount', {}, {}],
    ['azure', {}, {}],
    ['google', {}, {}],
    ['aks', {}, {}],
    [
      'oidc',
      { oidcTokenProvider: 'okta' },
      { 'kubernetes.io/oidc-token-provider': 'okta' },
    ],
  ])(
    'reads the %s provider with its auth metadata',
    (provider, extra, metadata) => {
      const { clusters, unusable } = withClusters({
        name: 'c',
        url: 'https://k8s.example.com',
        authProvider: provider,
        ...extra,
      });
      expect(unusable).toEqual([]);
      expect(clusters[0].auth).toEqual({
        provider,
        metadata: { 'kubernetes.io/auth-provider': provider, ...metadata },
      });
    },
  );

  it('takes the provider from authMetadata when authProvider is not set', () => {
    const { clusters } = withClusters({
      name: 'c',
      url: 'https://k8s.example.com',
      authMetadata: { 'kubernetes.io/auth-provider': 'aws' },
    });
    expect(clusters[0].auth.provider).toBe('aws');
  });

  it('reads the localKubectlProxy locator as the Kubernetes plugin does', () => {
    const { clusters } = read({
      kubernetes: { clusterLocatorMethods: [{ type: 'localKubectlProxy' }] },
    });
    expect(clusters).toEqual([
      expect.objectContaining({
        name: 'local',
        url: 'http://127.0.0.1:8001',
        auth: expect.objectContaining({ provider: 'localKubectlProxy' }),
        locator: 'localKubectlProxy',
      }),
    ]);
  });

  it('reads the catalog locator settings and lets istio.clusters name catalog clusters', () => {
    const { catalog, extras } = read({
      kubernetes: {
        clusterLocatorMethods: [
          {
            type: 'catalog',
            dangerouslyAllowClusterUrls: ['127.0.0.1'],
          },
        ],
      },
      istio: {
        clusters: [{ name: 'from-catalog', kiali: { url: 'https://k' } }],
      },
    });
    expect(catalog).toEqual({
      dangerouslyAllowClusterUrls: ['127.0.0.1'],
      dangerouslyAllowSkipTLSVerify: false,
    });
    expect(extras.get('from-catalog')?.kialiUrl).toBe('https://k');
  });

  it.each([
    [
      'an unknown provider',
      { ...demoCluster, authProvider: 'kerberos' },
      /unknown auth provider 'kerberos'/,
    ],
    [
      'no provider',
      { ...demoCluster, authProvider: undefined },
      /no auth provider/,
    ],
    [
      'oidc without a token provider',
      { ...demoCluster, authProvider: 'oidc' },
      /needs 'oidcTokenProvider'/,
    ],
    [
      'a cluster name that could be a URL',
      { ...demoCluster, name: 'http://evil' },
      /invalid cluster name/,
    ],
    [
      'a URL that is not a URL',
      { ...demoCluster, url: 'not a url' },
      /url: not an absolute URL/,
    ],
    ['a missing url', { ...demoCluster, url: undefined }, /url/],
    [
      'a caFile that does not exist',
      { ...demoCluster, caFile: '/nonexistent/ca.pem' },
      /caFile: the file does not exist/,
    ],
    [
      'a value of the wrong type',
      { ...demoCluster, skipTLSVerify: 7 },
      /skipTLSVerify/,
    ],
  ])(
    'lists a cluster with %s as unusable, with the reason and no secret',
    (_case, cluster, reason) => {
      const { clusters, unusable } = withClusters(cluster, {
        ...demoCluster,
        name: 'fine',
      });
      expect(clusters.map(c => c.name)).toEqual(['fine']);
      expect(unusable).toEqual([
        {
          name: expect.any(String),
          source: 'kubernetes.clusterLocatorMethods[0].clusters[0]',
          reason: expect.stringMatching(reason),
        },
      ]);
      expect(JSON.stringify(unusable)).not.toContain('secret-token');
    },
  );

  it('lists a second cluster of the same name as unusable', () => {
    const { clusters, unusable } = withClusters(demoCluster, demoCluster);
    expect(clusters).toHaveLength(1);
    expect(unusable).toEqual([
      expect.objectContaining({
        source: 'kubernetes.clusterLocatorMethods[0].clusters[1]',
        reason: "cluster 'demo' is configured more than once",
      }),
    ]);
  });

  it('lists GKE and unknown locators as unusable instead of failing', () => {
    const { unusable } = read({
      kubernetes: {
        clusterLocatorMethods: [
          { type: 'gke', projectId: 'shop-prod', region: 'europe-west1' },
          { type: 'rancher' },
        ],
      },
    });
    expect(unusable).toEqual([
      expect.objectContaining({
        name: 'gke:shop-prod',
        reason: expect.stringMatching(/Google Cloud APIs/),
      }),
      expect.objectContaining({
        source: 'kubernetes.clusterLocatorMethods[1]',
        reason: "unknown cluster locator type 'rancher'",
      }),
    ]);
  });

  it.each([
    [
      'an istio entry for an unknown cluster',
      { istio: { clusters: [{ name: 'other' }] } },
      /'other', which is not a cluster/,
    ],
    [
      'a Prometheus URL that is not http(s)',
      {
        istio: {
          clusters: [
            { name: 'demo', prometheus: { url: 'file:///etc/passwd' } },
          ],
        },
      },
      /istio\.clusters\[0\]\.prometheus\.url/,
    ],
    [
      'a Kiali URL that is not a URL',
      { istio: { clusters: [{ name: 'demo', kiali: { url: 'kiali' } }] } },
      /istio\.clusters\[0\]\.kiali\.url/,
    ],
  ])('fails fast on %s in our own keys', (_case, data, message) => {
    expect(() =>
      read({
        kubernetes: {
          clusterLocatorMethods: [{ type: 'config', clusters: [demoCluster] }],
        },
        ...data,
      }),
    ).toThrow(message);
  });
});
