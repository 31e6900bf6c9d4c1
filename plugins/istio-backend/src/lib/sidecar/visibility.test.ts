import type { MeshServiceInfo, SidecarObject } from './types';
import {
  ENVOY_FIXED_CLUSTERS,
  clusterCount,
  compileEgressHosts,
  egressImports,
  sidecarInForce,
  visibleServices,
  visibleVirtualServices,
} from './visibility';
import {
  BOOKINFO_SERVICES,
  FILLER_SERVICES,
  HTTPBIN_SE,
  NS,
  service,
} from './testFixtures';

const PRODUCTPAGE_PROXY = {
  namespace: NS,
  labels: { app: 'productpage', version: 'v1' },
  isGateway: false,
};

function sidecar(
  name: string,
  namespace: string,
  hosts: string[],
  extra: Partial<SidecarObject> = {},
): SidecarObject {
  return { name, namespace, hosts, ...extra };
}

describe('sidecarInForce (precedence)', () => {
  const root = sidecar('default', 'istio-system', ['./*']);
  const nsDefault = sidecar('default', NS, ['./*', 'istio-system/*']);
  const selected = sidecar('productpage', NS, ['./*'], {
    workloadSelector: { app: 'productpage' },
  });
  const otherSelected = sidecar('reviews', NS, ['./*'], {
    workloadSelector: { app: 'reviews' },
  });
  const elsewhere = sidecar('productpage', 'other', ['./*'], {
    workloadSelector: { app: 'productpage' },
  });
  const rootSelected = sidecar('pp', 'istio-system', ['./*'], {
    workloadSelector: { app: 'productpage' },
  });

  it.each([
    ['nothing', [], undefined],
    ['root default only', [root], root],
    ['namespace default beats root', [root, nsDefault], nsDefault],
    ['selector beats defaults', [root, nsDefault, selected], selected],
    ['non-matching selector ignored', [nsDefault, otherSelected], nsDefault],
    ['selector in another namespace ignored', [elsewhere, root], root],
    [
      'root-namespace selector reaches only its namespace',
      [rootSelected],
      undefined,
    ],
  ])('%s', (_, sidecars, expected) => {
    expect(sidecarInForce(sidecars, PRODUCTPAGE_PROXY, 'istio-system')).toBe(
      expected,
    );
  });

  it('picks the oldest of conflicting Sidecars; unapplied ones count as newest', () => {
    const older = sidecar('b-old', NS, ['./*'], {
      workloadSelector: { app: 'productpage' },
      creationTimestamp: '2024-01-01T00:00:00Z',
    });
    const newer = sidecar('a-new', NS, ['./*'], {
      workloadSelector: { version: 'v1' },
      creationTimestamp: '2025-01-01T00:00:00Z',
    });
    const unapplied = sidecar('0-unapplied', NS, ['./*'], {
      workloadSelector: { app: 'productpage' },
    });
    expect(
      sidecarInForce(
        [unapplied, newer, older],
        PRODUCTPAGE_PROXY,
        'istio-system',
      ),
    ).toBe(older);
  });

  it('ignores every Sidecar for gateways', () => {
    expect(
      sidecarInForce(
        [root, nsDefault],
        { ...PRODUCTPAGE_PROXY, isGateway: true },
        'istio-system',
      ),
    ).toBeUndefined();
  });
});

describe('egressImports (Sidecar host matching)', () => {
  const details = 'details.istio-demo.svc.cluster.local';
  it.each([
    // [egress hosts, service namespace, service host, imported]
    [['./*'], NS, details, true],
    [['./*'], 'other', 'x.other.svc.cluster.local', false],
    [['istio-demo/*'], NS, details, true],
    [['*/*'], 'anywhere', 'x.anywhere.svc.cluster.local', true],
    [[`istio-demo/${details}`], NS, details, true],
    [[`*/${details}`], NS, details, true],
    [[`other/${details}`], NS, details, false],
    // Short names are not expanded to FQDNs.
    [['istio-demo/details'], NS, details, false],
    [['istio-demo/details.istio-demo'], NS, details, false],
    // `~` imports nothing; malformed hosts are skipped.
    [['~/*'], NS, details, false],
    [[details], NS, details, false],
    // Left-most wildcards at any depth.
    [['ext/*.example.com'], 'ext', 'api.example.com', true],
    [['ext/*.example.com'], 'ext', 'a.b.example.com', true],
    [['ext/*.example.com'], 'ext', 'example.com', false],
    [['ext/*.com'], 'ext', '*.example.com', true],
    // A more specific host imports a wildcard ServiceEntry (istiod narrows a copy).
    [['ext/api.example.com'], 'ext', '*.example.com', true],
    [['ext/api.other.com'], 'ext', '*.example.com', false],
    // The namespace part is the ServiceEntry's namespace, not the host's.
    [['external-apis/httpbin.org'], 'external-apis', 'httpbin.org', true],
    [['istio-demo/httpbin.org'], 'external-apis', 'httpbin.org', false],
    [['*/httpbin.org'], 'external-apis', 'httpbin.org', true],
  ])('%j imports %s/%s → %s', (hosts, namespace, host, expected) => {
    expect(egressImports(compileEgressHosts(hosts, NS), namespace, host)).toBe(
      expected,
    );
  });

  it('resolves "." to the proxy namespace, also for a root default', () => {
    const matcher = compileEgressHosts(['./*'], 'payments');
    expect(
      egressImports(matcher, 'payments', 'a.payments.svc.cluster.local'),
    ).toBe(true);
    expect(
      egressImports(
        matcher,
        'istio-system',
        'istiod.istio-system.svc.cluster.local',
      ),
    ).toBe(false);
  });
});

describe('visibleServices', () => {
  const names = (services: MeshServiceInfo[]) =>
    services.map(s => `${s.namespace}/${s.name}`).sort();

  it('sees every exported service without a Sidecar', () => {
    const visible = visibleServices(
      BOOKINFO_SERVICES,
      [],
      PRODUCTPAGE_PROXY,
      'istio-system',
    );
    expect(visible).toHaveLength(BOOKINFO_SERVICES.length);
  });

  it('applies exportTo', () => {
    const services = [
      service('a', 'public', [80]),
      service('a', 'private', [80], ['.']),
      service('a', 'to-demo', [80], [NS]),
      service('a', 'hidden', [80], ['~']),
      service(NS, 'local-only', [80], ['.']),
    ];
    expect(
      names(visibleServices(services, [], PRODUCTPAGE_PROXY, 'istio-system')),
    ).toEqual(['a/public', 'a/to-demo', `${NS}/local-only`]);
  });

  it('applies discoverySelectors', () => {
    const visible = visibleServices(
      BOOKINFO_SERVICES,
      [],
      PRODUCTPAGE_PROXY,
      'istio-system',
      [NS, 'istio-system'],
    );
    expect(
      visible
        .map(s => s.namespace)
        .every(n => n === NS || n === 'istio-system'),
    ).toBe(true);
    expect(visible).toHaveLength(4 + 3);
  });

  it('applies the Sidecar in force', () => {
    const sidecars = [
      sidecar('default', 'istio-system', ['./*', 'istio-system/*']),
      sidecar('productpage', NS, ['./*', 'external-apis/httpbin.org'], {
        workloadSelector: { app: 'productpage' },
      }),
    ];
    expect(
      names(
        visibleServices(
          BOOKINFO_SERVICES,
          sidecars,
          PRODUCTPAGE_PROXY,
          'istio-system',
        ),
      ),
    ).toEqual([
      'external-apis/httpbin',
      `${NS}/details`,
      `${NS}/productpage`,
      `${NS}/ratings`,
      `${NS}/reviews`,
    ]);
    // Another workload falls back to the root default.
    const ratings = { ...PRODUCTPAGE_PROXY, labels: { app: 'ratings' } };
    expect(
      visibleServices(BOOKINFO_SERVICES, sidecars, ratings, 'istio-system'),
    ).toHaveLength(4 + 3);
  });

  it('lets gateways see everything exported, Sidecars or not', () => {
    const sidecars = [sidecar('default', 'istio-system', ['./*'])];
    const gateway = {
      namespace: 'istio-ingress',
      labels: { istio: 'ingressgateway' },
      isGateway: true,
    };
    expect(
      visibleServices(BOOKINFO_SERVICES, sidecars, gateway, 'istio-system'),
    ).toHaveLength(BOOKINFO_SERVICES.length);
  });

  it('collapses services sharing a host, preferring the proxy namespace', () => {
    const shared = { ...HTTPBIN_SE, namespace: NS, name: 'httpbin-local' };
    const visible = visibleServices(
      [HTTPBIN_SE, shared],
      [],
      PRODUCTPAGE_PROXY,
      'istio-system',
    );
    expect(visible).toEqual([shared]);
  });
});

describe('clusterCount', () => {
  it('is one cluster per service port plus the fixed Envoy clusters', () => {
    expect(ENVOY_FIXED_CLUSTERS).toHaveLength(8);
    expect(clusterCount([])).toBe(8);
    expect(clusterCount(BOOKINFO_SERVICES)).toBe(
      4 + 7 + 3 + 8 + 1 + (434 * 2 + 866) + 8,
    );
    expect(FILLER_SERVICES).toHaveLength(1300);
  });
});

describe('visibleVirtualServices', () => {
  const vs = (
    namespace: string,
    name: string,
    hosts: string[],
    extra: object = {},
  ) => ({ namespace, name, hosts, ...extra });
  const all = [
    vs('routing', 'canary', [`reviews.${NS}.svc.cluster.local`]),
    vs('routing', 'short', ['reviews']),
    vs('routing', 'private', [`reviews.${NS}.svc.cluster.local`], {
      exportTo: ['.'],
    }),
    vs('routing', 'ingress-only', [`reviews.${NS}.svc.cluster.local`], {
      gateways: ['istio-ingress/gw'],
    }),
    vs('routing', 'catch-all', ['*']),
    vs('edge', 'wild', ['*.example.com']),
  ];
  const names = (hosts: string[] | undefined) =>
    visibleVirtualServices(
      all,
      hosts ? [sidecar('s', NS, hosts)] : [],
      PRODUCTPAGE_PROXY,
      'istio-system',
      'cluster.local',
    ).map(v => v.name);

  it('without a Sidecar: every one bound to sidecars and exported to the namespace', () => {
    expect(names(undefined)).toEqual(['canary', 'short', 'catch-all', 'wild']);
  });

  it('with one: those whose namespace and a resolved host its egress hosts import', () => {
    expect(names([`routing/reviews.${NS}.svc.cluster.local`])).toEqual([
      'canary',
      // A `*` host overlaps every host imported from its namespace.
      'catch-all',
    ]);
    expect(names(['routing/reviews.routing.svc.cluster.local'])).toEqual([
      'short',
      'catch-all',
    ]);
    expect(names(['*/api.example.com'])).toEqual(['catch-all', 'wild']);
    expect(names(['./*', 'istio-system/*'])).toEqual([]);
  });
});
