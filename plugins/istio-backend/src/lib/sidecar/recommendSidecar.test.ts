import { parseAllDocuments } from 'yaml';
import type {
  IstioSidecarRecommendation,
  IstioSidecarWarning,
} from '@istio-backstage/plugin-istio-common';
import type {
  MeshServiceInfo,
  ObservedEdge,
  RecommendationInput,
  RecommendationResult,
  SidecarObject,
  WorkloadInfo,
} from './types';
import { recommendSidecar, withRecommendedSidecars } from './recommendSidecar';
import {
  compileEgressHosts,
  egressImports,
  sidecarInForce,
  visibleServices,
} from './visibility';
import { dnsNamesOverlap, isExportedTo } from './hosts';
import {
  BOOKINFO_EDGES,
  BOOKINFO_SERVICES,
  BOOKINFO_WORKLOADS,
  DETAILS,
  JAEGER_HOST,
  NS,
  PRODUCTPAGE,
  RATINGS,
  REVIEWS_V1,
  REVIEWS_V2,
  REVIEWS_V3,
  bookinfoInput,
  edge,
  service,
  workload,
} from './testFixtures';

const FILLER_HOST = 'svc-12.filler-001.svc.cluster.local';

function recommended(result: RecommendationResult): IstioSidecarRecommendation {
  expect(result.recommendation).toBeDefined();
  return result.recommendation!;
}

function hostsOf(result: RecommendationResult): string[] {
  return recommended(result).egress.map(e => e.host);
}

function reasonsOf(result: RecommendationResult, host: string) {
  return recommended(result).egress.find(e => e.host === host)?.reasons ?? [];
}

function codes(warnings: IstioSidecarWarning[]) {
  return warnings.map(w => (w.workload ? `${w.code}:${w.workload}` : w.code));
}

/** The Sidecar objects parsed back from the YAML, in the `objects` shape. */
function objectsFromYaml(yaml: string) {
  const docs = parseAllDocuments(yaml);
  expect(docs.flatMap(d => d.errors)).toEqual([]);
  return docs.map(d => {
    const o = d.toJS();
    return {
      name: o.metadata.name,
      ...(o.spec.workloadSelector
        ? { workloadSelector: o.spec.workloadSelector.labels }
        : {}),
      hosts: o.spec.egress[0].hosts,
    };
  });
}

describe('recommendSidecar on bookinfo', () => {
  it('recommends one namespace default when the entity owns istio-demo', () => {
    const result = recommendSidecar(bookinfoInput());
    const rec = recommended(result);
    expect(rec.scope).toBe('namespace');
    expect(rec.objects).toEqual([
      {
        name: 'default',
        hosts: ['./*', 'istio-system/*', `observability/${JAEGER_HOST}`],
      },
    ]);
    expect(reasonsOf(result, './*').map(r => r.kind)).toEqual([
      'own-namespace',
      'observed-traffic',
      'observed-traffic',
      'observed-traffic',
      'observed-traffic',
    ]);
    expect(reasonsOf(result, './*').map(r => r.detail)).toContain(
      'productpage-v1 → details.istio-demo (12,345 requests in 7d)',
    );
    expect(reasonsOf(result, 'istio-system/*')[0].kind).toBe('control-plane');
    expect(reasonsOf(result, `observability/${JAEGER_HOST}`)).toEqual([
      {
        kind: 'tracing-collector',
        detail: `spans go to ${JAEGER_HOST}:9411; a Sidecar without it drops them`,
      },
    ]);
    // 1,312 services (1,765 clusters) before; istio-demo, istio-system and Jaeger after.
    expect(rec).toMatchObject({
      servicesVisibleBefore: 1312,
      servicesVisibleAfter: 4 + 3 + 1,
      clustersBefore: 1765,
      clustersAfter: 4 + 7 + 5 + 8,
    });
    expect(objectsFromYaml(rec.yaml)).toEqual(rec.objects);
    expect(rec.yaml).toContain(
      '        # tracing-collector: spans go to jaeger-collector.observability.svc.cluster.local:9411; a Sidecar without it drops them\n',
    );
  });

  it('warns about each sidecar workload without observed outbound traffic', () => {
    expect(codes(recommendSidecar(bookinfoInput()).warnings)).toEqual([
      'no-traffic-observed:details-v1',
      'no-traffic-observed:reviews-v1',
      'no-traffic-observed:ratings-v1',
    ]);
    const warning = recommendSidecar(bookinfoInput()).warnings[0];
    expect(warning.message).toContain(
      'the recommendation could break it if it has calls not seen in the window',
    );
  });

  it('orders ./* first, then control plane, tracing, then alphabetically', () => {
    const result = recommendSidecar(
      bookinfoInput({
        controlPlaneNamespaces: ['istio-system', 'istio-canary'],
        observedEdges: [
          ...BOOKINFO_EDGES,
          edge('productpage-v1', 'filler-001', 'svc-12', 5),
          edge('productpage-v1', 'filler-000', 'svc-3', 5),
          edge('productpage-v1', 'external-apis', 'httpbin', 2, {
            destinationService: 'httpbin.org',
          }),
        ],
      }),
    );
    expect(hostsOf(result)).toEqual([
      './*',
      'istio-canary/*',
      'istio-system/*',
      `observability/${JAEGER_HOST}`,
      'external-apis/httpbin.org',
      'filler-000/svc-3.filler-000.svc.cluster.local',
      `filler-001/${FILLER_HOST}`,
    ]);
  });

  it.each([
    [
      'in another namespace, as its FQDN',
      { host: JAEGER_HOST, namespace: 'observability', port: 9411 },
      `observability/${JAEGER_HOST}`,
      `observability/${JAEGER_HOST}`,
    ],
    [
      'given as name.namespace',
      { host: 'jaeger-collector.observability', port: 9411 },
      `observability/${JAEGER_HOST}`,
      `observability/${JAEGER_HOST}`,
    ],
    [
      'in the own namespace (covered by ./*)',
      { host: 'productpage.istio-demo.svc.cluster.local', port: 9411 },
      undefined,
      './*',
    ],
    [
      'in the control plane namespace (covered by istio-system/*)',
      { host: 'istiod.istio-system.svc.cluster.local', port: 9411 },
      undefined,
      'istio-system/*',
    ],
    [
      'outside the registry',
      { host: 'otel.example.com', port: 4317 },
      '*/otel.example.com',
      '*/otel.example.com',
    ],
  ])('keeps a tracing collector %s', (_, collector, ownHost, carrier) => {
    const result = recommendSidecar(
      bookinfoInput({ tracingCollectors: [collector] }),
    );
    const hosts = hostsOf(result);
    expect(hosts.filter(h => h === ownHost)).toHaveLength(ownHost ? 1 : 0);
    expect(reasonsOf(result, carrier).map(r => r.kind)).toContain(
      'tracing-collector',
    );
  });

  it('keeps the tracing collector visible after applying', () => {
    const rec = recommended(recommendSidecar(bookinfoInput()));
    const after = visibleServices(
      BOOKINFO_SERVICES,
      withRecommendedSidecars([], NS, rec.objects),
      PRODUCTPAGE,
      'istio-system',
    );
    expect(after.map(s => s.host)).toContain(JAEGER_HOST);
  });

  it('keeps a ServiceEntry in use as <se-ns>/<host>, and leaves unused ones out', () => {
    const result = recommendSidecar(
      bookinfoInput({
        observedEdges: [
          ...BOOKINFO_EDGES,
          edge('productpage-v1', 'external-apis', 'httpbin.org', 42, {
            destinationService: 'httpbin.org',
          }),
          edge('details-v1', 'unknown', 'storage.googleapis.com', 7, {
            destinationService: 'storage.googleapis.com',
            protocol: 'tcp',
          }),
        ],
        serviceEntries: [
          {
            namespace: 'external-apis',
            name: 'httpbin',
            hosts: ['httpbin.org'],
            exportTo: ['*'],
          },
          {
            namespace: 'external-apis',
            name: 'google',
            hosts: ['*.googleapis.com'],
            exportTo: ['*'],
          },
          {
            namespace: 'external-apis',
            name: 'unused',
            hosts: ['unused.example.com'],
            exportTo: ['*'],
          },
        ],
      }),
    );
    expect(reasonsOf(result, 'external-apis/httpbin.org')).toEqual([
      {
        kind: 'observed-traffic',
        detail: 'productpage-v1 → httpbin.org (42 requests in 7d)',
      },
      {
        kind: 'service-entry',
        detail: 'ServiceEntry external-apis/httpbin declares httpbin.org',
      },
    ]);
    expect(reasonsOf(result, 'external-apis/*.googleapis.com')).toEqual([
      {
        kind: 'observed-traffic',
        detail: 'details-v1 → storage.googleapis.com (7 connections in 7d)',
      },
      {
        kind: 'service-entry',
        detail: 'ServiceEntry external-apis/google declares *.googleapis.com',
      },
    ]);
    expect(hostsOf(result).some(h => h.includes('unused'))).toBe(false);
  });

  it('warns about unmatched traffic and adds known hosts as missed dependencies', () => {
    const result = recommendSidecar(
      bookinfoInput({
        observedEdges: [
          ...BOOKINFO_EDGES,
          edge('ratings-v1', 'unknown', 'PassthroughCluster', 9, {
            destinationService: FILLER_HOST,
          }),
          edge('details-v1', 'unknown', 'BlackHoleCluster', 3, {
            destinationService: 'api.stripe.com',
          }),
        ],
      }),
    );
    const unmatched = result.warnings.filter(
      w => w.code === 'unmatched-traffic',
    );
    expect(unmatched.map(w => w.workload)).toEqual([
      'details-v1',
      'ratings-v1',
    ]);
    expect(unmatched[0].message).toContain(
      'api.stripe.com through BlackHoleCluster',
    );
    expect(unmatched[0].message).toContain('declare a ServiceEntry');
    expect(unmatched[1].message).toContain(
      `${FILLER_HOST} through PassthroughCluster`,
    );
    expect(unmatched[1].message).toContain('a missed dependency');
    expect(reasonsOf(result, `filler-001/${FILLER_HOST}`)).toEqual([
      {
        kind: 'observed-traffic',
        detail: `ratings-v1 → svc-12.filler-001 through PassthroughCluster (9 requests in 7d): a dependency its proxy did not route as a mesh service`,
      },
    ]);
    expect(hostsOf(result).some(h => h.includes('stripe'))).toBe(false);
    // Unmatched traffic is still traffic: no "no traffic" warning for these two.
    expect(codes(result.warnings)).not.toContain(
      'no-traffic-observed:details-v1',
    );
    expect(codes(result.warnings)).not.toContain(
      'no-traffic-observed:ratings-v1',
    );
  });

  it('merges hosts covered by a <ns>/* of the same namespace into it', () => {
    const result = recommendSidecar(
      bookinfoInput({
        observedEdges: [
          ...BOOKINFO_EDGES,
          edge('productpage-v1', 'filler-001', 'svc-12', 5),
          edge('productpage-v1', 'istio-system', 'kiali', 1),
        ],
        extraHosts: [
          'filler-001/*',
          'istio-demo/details.istio-demo.svc.cluster.local',
        ],
      }),
    );
    expect(hostsOf(result)).toEqual([
      './*',
      'istio-system/*',
      `observability/${JAEGER_HOST}`,
      'filler-001/*',
    ]);
    expect(reasonsOf(result, 'filler-001/*').map(r => r.kind)).toEqual([
      'requested',
      'observed-traffic',
    ]);
    expect(reasonsOf(result, 'istio-system/*').map(r => r.kind)).toEqual([
      'control-plane',
      'observed-traffic',
    ]);
    expect(reasonsOf(result, './*').map(r => r.kind)).toContain('requested');
  });

  it('notes own-namespace VirtualServices on ./* and imports others from their namespace', () => {
    const result = recommendSidecar(
      bookinfoInput({
        virtualServices: [
          { namespace: NS, name: 'reviews', hosts: ['reviews'] },
          {
            namespace: 'routing',
            name: 'reviews-canary',
            hosts: ['reviews.istio-demo.svc.cluster.local'],
          },
          {
            namespace: 'routing',
            name: 'unrelated',
            hosts: ['svc-1.filler-000.svc.cluster.local'],
          },
        ],
      }),
    );
    expect(reasonsOf(result, './*')).toContainEqual({
      kind: 'virtual-service',
      detail:
        'VirtualService reviews in istio-demo (imported from their own namespace)',
    });
    expect(hostsOf(result)).toContain(
      'routing/reviews.istio-demo.svc.cluster.local',
    );
    expect(hostsOf(result).some(h => h.includes('filler-000'))).toBe(false);
  });

  it('adds catalog dependencies', () => {
    const result = recommendSidecar(
      bookinfoInput({
        catalogDependencies: [
          {
            entityRef: 'component:default/svc-12',
            namespace: 'filler-001',
            service: 'svc-12',
          },
        ],
      }),
    );
    expect(reasonsOf(result, `filler-001/${FILLER_HOST}`)).toEqual([
      {
        kind: 'catalog-dependency',
        detail:
          'component:default/svc-12 is a declared dependency (Service svc-12.filler-001)',
      },
    ]);
  });

  it('falls back to the catalog when Prometheus is unavailable', () => {
    const result = recommendSidecar(
      bookinfoInput({
        observedEdges: undefined,
        catalogDependencies: [
          {
            entityRef: 'component:default/svc-12',
            namespace: 'filler-001',
            service: 'svc-12',
          },
        ],
      }),
    );
    expect(hostsOf(result)).toEqual([
      './*',
      'istio-system/*',
      `observability/${JAEGER_HOST}`,
      `filler-001/${FILLER_HOST}`,
    ]);
    expect(codes(result.warnings)).toEqual(['prometheus-unavailable']);
    expect(result.warnings[0].message).toContain(
      'dependencies come from the catalog only',
    );
    expect(recommended(result).yaml).toContain(
      'no observed traffic: Prometheus unavailable',
    );
  });

  it('uses the root namespace when no istiod namespace is known', () => {
    const result = recommendSidecar(
      bookinfoInput({ controlPlaneNamespaces: [] }),
    );
    expect(hostsOf(result)[1]).toBe('istio-system/*');
  });

  it('counts only the services of namespaces istiod discovers (discoverySelectors)', () => {
    const rec = recommended(
      recommendSidecar(
        bookinfoInput({ discoveredNamespaces: [NS, 'istio-system'] }),
      ),
    );
    // The filler namespaces and Jaeger's are not discovered: visible neither before nor after.
    expect(rec).toMatchObject({
      servicesVisibleBefore: 4 + 3,
      servicesVisibleAfter: 4 + 3,
    });
  });
});

describe('recommendSidecar scope', () => {
  const reviewsEntity = [REVIEWS_V1, REVIEWS_V2, REVIEWS_V3];

  it('scopes per workload with selectors when the entity shares its namespace', () => {
    const result = recommendSidecar(
      bookinfoInput({
        entityWorkloads: reviewsEntity,
        observedEdges: [
          ...BOOKINFO_EDGES,
          edge('reviews-v2', 'filler-001', 'svc-12', 3),
        ],
      }),
    );
    const rec = recommended(result);
    expect(rec.scope).toBe('workload');
    const base = ['./*', 'istio-system/*', `observability/${JAEGER_HOST}`];
    expect(rec.objects).toEqual([
      {
        name: 'reviews-v1',
        workloadSelector: { app: 'reviews', version: 'v1' },
        hosts: base,
      },
      {
        name: 'reviews-v2',
        workloadSelector: { app: 'reviews', version: 'v2' },
        hosts: [...base, `filler-001/${FILLER_HOST}`],
      },
      {
        name: 'reviews-v3',
        workloadSelector: { app: 'reviews', version: 'v3' },
        hosts: base,
      },
    ]);
    expect(objectsFromYaml(rec.yaml)).toEqual(rec.objects);
    // reviews-v3's comment shows its own traffic, not reviews-v2's.
    const v3 = rec.yaml.split('---\n')[2];
    expect(v3).toContain('reviews-v3 → ratings.istio-demo');
    expect(v3).not.toContain('reviews-v2 →');
    expect(codes(result.warnings)).toEqual(['no-traffic-observed:reviews-v1']);
  });

  it('selects with all stable labels when app/version are shared', () => {
    const blue = workload('cart-blue', {
      app: 'cart',
      version: 'v1',
      slot: 'blue',
    });
    const green = workload('cart-green', {
      app: 'cart',
      version: 'v1',
      slot: 'green',
    });
    const rec = recommended(
      recommendSidecar(
        bookinfoInput({
          entityWorkloads: [blue],
          namespaceWorkloads: [...BOOKINFO_WORKLOADS, blue, green],
        }),
      ),
    );
    expect(rec.objects[0].workloadSelector).toEqual({
      app: 'cart',
      slot: 'blue',
      version: 'v1',
    });
  });

  it("makes no namespace default when some sidecar workload is not the caller's", () => {
    const entity = { name: 'bookinfo', labelSelector: 'team=bookinfo' };
    const owned = recommended(recommendSidecar(bookinfoInput({ entity })));
    expect(owned.scope).toBe('namespace');

    const result = recommendSidecar(
      bookinfoInput({
        entity: {
          ...entity,
          namespaceDefaultRefused: 'it would configure ratings too',
        },
      }),
    );
    expect(recommended(result).scope).toBe('workload');
    expect(
      objectsFromYaml(recommended(result).yaml).every(o => o.workloadSelector),
    ).toBe(true);
    expect(result.warnings).toContainEqual({
      code: 'namespace-default-not-yours',
      message: expect.stringContaining('it would configure ratings too'),
    });
  });

  it('ignores gateways and proxy-less workloads when deciding ownership', () => {
    const gateway = workload(
      'ingress',
      { app: 'ingress' },
      { isGateway: true },
    );
    const batch = workload('batch', { app: 'batch' }, { hasSidecar: false });
    const rec = recommended(
      recommendSidecar(
        bookinfoInput({
          namespaceWorkloads: [...BOOKINFO_WORKLOADS, gateway, batch],
        }),
      ),
    );
    expect(rec.scope).toBe('namespace');
  });

  it.each<[string, Partial<RecommendationInput>, string[]]>([
    ['an ambient namespace', { namespaceAmbient: true }, ['ambient-namespace']],
    [
      'gateways only',
      {
        entityWorkloads: [
          workload('ingress', { app: 'gw' }, { isGateway: true }),
        ],
      },
      ['gateway'],
    ],
    ['no workloads', { entityWorkloads: [] }, ['no-workloads']],
    [
      'no sidecars',
      {
        entityWorkloads: [
          workload('legacy', { app: 'legacy' }, { hasSidecar: false }),
        ],
      },
      ['not-in-mesh'],
    ],
  ])('recommends nothing for %s', (_, overrides, expected) => {
    const result = recommendSidecar(bookinfoInput(overrides));
    expect(result.recommendation).toBeUndefined();
    expect(codes(result.warnings)).toEqual(expected);
  });

  it('leaves gateways and proxy-less workloads of a mixed entity out, with warnings', () => {
    const gateway = workload('ingress', { app: 'gw' }, { isGateway: true });
    const legacy = workload('legacy', { app: 'legacy' }, { hasSidecar: false });
    const result = recommendSidecar(
      bookinfoInput({
        entityWorkloads: [PRODUCTPAGE, gateway, legacy],
        namespaceWorkloads: [...BOOKINFO_WORKLOADS, gateway, legacy],
      }),
    );
    expect(recommended(result).objects.map(o => o.name)).toEqual([
      'productpage-v1',
    ]);
    expect(codes(result.warnings)).toEqual([
      'gateway:ingress',
      'not-in-mesh:legacy',
    ]);
  });
});

describe('recommendSidecar with existing Sidecars', () => {
  const nsDefault: SidecarObject = {
    name: 'scoped',
    namespace: NS,
    hosts: ['./*'],
    outboundTrafficPolicy: 'REGISTRY_ONLY',
    creationTimestamp: '2024-05-01T00:00:00Z',
  };
  const rootDefault: SidecarObject = {
    name: 'default',
    namespace: 'istio-system',
    hosts: ['./*', 'istio-system/*'],
  };

  it('replaces the namespace default under its own name and keeps its policy', () => {
    const result = recommendSidecar(bookinfoInput({ sidecars: [nsDefault] }));
    const rec = recommended(result);
    expect(rec.objects.map(o => o.name)).toEqual(['scoped']);
    expect(rec.yaml).toContain(
      '  outboundTrafficPolicy:\n    mode: REGISTRY_ONLY\n',
    );
    expect(rec.yaml).toContain(
      '# Replaces the existing Sidecar istio-demo/scoped.',
    );
    const warning = result.warnings.find(w => w.code === 'existing-sidecar');
    expect(warning?.message).toMatch(
      /^Sidecar istio-demo\/scoped \(selector-less namespace default; egress hosts: \.\/\*; outboundTrafficPolicy REGISTRY_ONLY\) applies to productpage-v1, details-v1, reviews-v1, reviews-v2, reviews-v3 and 1 more now; the recommendation replaces it/,
    );
    // The existing Sidecar hides the tracing collector and the control plane today.
    expect(rec.servicesVisibleBefore).toBe(4);
    expect(rec.servicesVisibleAfter).toBe(8);
  });

  it('replaces a selector Sidecar that selects only entity workloads', () => {
    const pp: SidecarObject = {
      name: 'productpage-scope',
      namespace: NS,
      workloadSelector: { app: 'productpage' },
      hosts: ['./*'],
    };
    const result = recommendSidecar(bookinfoInput({ sidecars: [pp] }));
    const rec = recommended(result);
    expect(rec.objects.map(o => [o.name, o.workloadSelector])).toEqual([
      ['default', undefined],
      ['productpage-scope', { app: 'productpage' }],
    ]);
    expect(codes(result.warnings)).toContain('existing-sidecar:productpage-v1');
    expect(objectsFromYaml(rec.yaml)).toEqual(rec.objects);
  });

  it('does not replace a Sidecar that also selects workloads the entity does not own', () => {
    const shared: SidecarObject = {
      name: 'all-reviews-and-ratings',
      namespace: NS,
      workloadSelector: { version: 'v1' },
      hosts: ['./*'],
      creationTimestamp: '2024-01-01T00:00:00Z',
    };
    const result = recommendSidecar(
      bookinfoInput({ entityWorkloads: [REVIEWS_V1], sidecars: [shared] }),
    );
    const rec = recommended(result);
    expect(rec.objects.map(o => o.name)).toEqual(['reviews-v1']);
    const warning = result.warnings.find(w => w.code === 'existing-sidecar');
    expect(warning?.message).toContain(
      'it also selects productpage-v1, details-v1, ratings-v1',
    );
    expect(warning?.message).toContain('narrow its selector or delete it');
    // Honest before/after: the older Sidecar keeps precedence.
    expect(rec.clustersAfter).toBe(rec.clustersBefore);
  });

  it('takes precedence over a root default, which stays for the rest of the mesh', () => {
    const result = recommendSidecar(
      bookinfoInput({
        entityWorkloads: [PRODUCTPAGE],
        sidecars: [rootDefault],
      }),
    );
    const rec = recommended(result);
    const warning = result.warnings.find(w => w.code === 'existing-sidecar');
    expect(warning).toMatchObject({ workload: 'productpage-v1' });
    expect(warning?.message).toContain(
      'mesh-wide default from root namespace istio-system',
    );
    expect(warning?.message).toContain(
      'it stays as is for the rest of the mesh',
    );
    expect(rec.servicesVisibleBefore).toBe(7);
    expect(rec.servicesVisibleAfter).toBe(8);
  });

  it('never reuses the name of a Sidecar it does not replace', () => {
    const clash: SidecarObject = {
      name: 'details-v1',
      namespace: NS,
      workloadSelector: { app: 'something-else' },
      hosts: ['./*'],
    };
    const rec = recommended(
      recommendSidecar(
        bookinfoInput({ entityWorkloads: [DETAILS], sidecars: [clash] }),
      ),
    );
    expect(rec.objects.map(o => o.name)).toEqual(['details-v1-2']);
  });
});

/** Deterministic PRNG (mulberry32). */
function prng(start: number): () => number {
  let a = start >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A random mesh and call graph around namespace `app`. */
function randomGraph(start: number): RecommendationInput {
  const random = prng(start);
  const pick = <T>(list: readonly T[]): T =>
    list[Math.floor(random() * list.length)];
  const own = 'app';
  const namespaces = [
    own,
    'ns-a',
    'ns-b',
    'ns-c',
    'istio-system',
    'observability',
  ];
  const services: MeshServiceInfo[] = [];
  for (const ns of namespaces) {
    const count = 1 + Math.floor(random() * 6);
    for (let i = 0; i < count; i++) {
      const exportTo = pick([['*'], ['*'], ['*'], ['.'], [own], ['ns-a']]);
      services.push(
        service(ns, `s${i}`, random() < 0.3 ? [80, 443] : [8080], exportTo),
      );
    }
  }
  const serviceEntries = [
    {
      namespace: 'ext',
      name: 'api',
      hosts: ['api.example.com'],
      exportTo: ['*'],
    },
    {
      namespace: 'ext',
      name: 'wild',
      hosts: ['*.wild.example'],
      exportTo: ['*'],
    },
    {
      namespace: own,
      name: 'local',
      hosts: ['local.example.org'],
      exportTo: ['.'],
    },
  ];
  for (const se of serviceEntries) {
    for (const host of se.hosts) {
      services.push({
        namespace: se.namespace,
        name: se.name,
        host,
        ports: [443],
        exportTo: se.exportTo,
        serviceEntry: true,
      });
    }
  }
  const workloads: WorkloadInfo[] = Array.from(
    { length: 1 + Math.floor(random() * 7) },
    (_, i) => ({
      namespace: own,
      name: `w${i}-v1`,
      labels: { app: `w${i}`, version: 'v1', 'pod-template-hash': 'h' },
      pods: [`w${i}-v1-h-1`],
      hasSidecar: random() < 0.9,
      isGateway: false,
    }),
  );
  const entity =
    random() < 0.5 ? workloads : workloads.filter(() => random() < 0.6);
  const visible = services.filter(s =>
    isExportedTo(s.exportTo, s.namespace, own),
  );
  const edges: ObservedEdge[] = [];
  const edgeCount = Math.floor(random() * 40);
  for (let i = 0; i < edgeCount; i++) {
    const source = pick(workloads).name;
    const roll = random();
    let destination: Pick<
      ObservedEdge,
      'destinationNamespace' | 'destinationService' | 'destinationServiceName'
    >;
    if (roll < 0.7) {
      const s = pick(visible);
      const host = s.host.startsWith('*.') ? `x${i}${s.host.slice(1)}` : s.host;
      destination = {
        destinationNamespace:
          random() < 0.2 && s.serviceEntry ? 'unknown' : s.namespace,
        destinationService: host,
        destinationServiceName: s.serviceEntry ? host : s.name,
      };
    } else if (roll < 0.8) {
      destination = {
        destinationNamespace: 'unknown',
        destinationService: pick(visible).host.replace('*', 'y'),
        destinationServiceName: 'PassthroughCluster',
      };
    } else if (roll < 0.9) {
      destination = {
        destinationNamespace: 'unknown',
        destinationService: `10.0.0.${i}`,
        destinationServiceName: pick([
          'PassthroughCluster',
          'BlackHoleCluster',
        ]),
      };
    } else {
      destination = {
        destinationNamespace: 'ns-z',
        destinationService: `gone.ns-z.svc.cluster.local`,
        destinationServiceName: 'gone',
      };
    }
    edges.push({
      sourceNamespace: own,
      sourceWorkload: source,
      ...destination,
      count: 1 + Math.floor(random() * 1000),
      protocol: random() < 0.5 ? 'http' : 'tcp',
    });
  }
  const sidecars: SidecarObject[] = [];
  if (random() < 0.3)
    sidecars.push({ name: 'default', namespace: own, hosts: ['./*'] });
  if (random() < 0.3)
    sidecars.push({
      name: 'default',
      namespace: 'istio-system',
      hosts: ['./*'],
    });
  return {
    cluster: 'random',
    namespace: own,
    rootNamespace: 'istio-system',
    controlPlaneNamespaces: ['istio-system'],
    // Workloads on different revisions or under different Telemetry send spans to
    // different collectors.
    tracingCollectors: Array.from(
      { length: Math.floor(random() * 3) },
      (_, i) => {
        const collector = pick(services);
        return {
          host: collector.host,
          namespace: collector.namespace,
          port: 4317,
          revision: `rev-${i}`,
          workloads: entity.filter(() => random() < 0.6).map(w => w.name),
        };
      },
    ),
    entityWorkloads: entity,
    namespaceWorkloads: workloads,
    observedEdges: edges,
    catalogDependencies: [],
    serviceEntries,
    virtualServices: [],
    services,
    sidecars,
    namespaceAmbient: false,
    windowDays: 7,
  };
}

describe('recommendSidecar on random graphs (property)', () => {
  it('keeps every observed destination and every own collector of every entity proxy reachable', () => {
    const failures: string[] = [];
    let checkedEdges = 0;
    let checkedCollectors = 0;
    let recommendations = 0;
    for (let graph = 1; graph <= 300; graph++) {
      const input = randomGraph(graph);
      const result = recommendSidecar(input);
      const rec = result.recommendation;
      if (!rec) continue;
      recommendations++;
      const after = withRecommendedSidecars(
        input.sidecars,
        input.namespace,
        rec.objects,
      );
      const ours = new Set(rec.objects.map(o => o.name));
      const meshed = input.entityWorkloads.filter(
        w => w.hasSidecar && !w.isGateway,
      );
      for (const w of meshed) {
        const inForce = sidecarInForce(after, w, input.rootNamespace);
        if (
          !inForce ||
          inForce.namespace !== input.namespace ||
          !ours.has(inForce.name)
        ) {
          failures.push(
            `graph ${graph}: ${w.name} is not configured by the recommendation`,
          );
          continue;
        }
        const matcher = compileEgressHosts(inForce.hosts, input.namespace);
        const visible = new Set(
          visibleServices(input.services, after, w, input.rootNamespace).map(
            s => s.host,
          ),
        );
        // The collector of each workload's own revision is always kept.
        for (const collector of input.tracingCollectors ?? []) {
          if (collector.workloads && !collector.workloads.includes(w.name))
            continue;
          checkedCollectors++;
          // Imported by the egress hosts (whether the collector's Service is exported
          // to this namespace is the mesh's business, not the Sidecar's).
          if (!egressImports(matcher, collector.namespace!, collector.host))
            failures.push(
              `graph ${graph}: ${w.name}'s collector ${collector.host} (${
                collector.revision
              }) not kept by ${inForce.hosts.join(' ')}`,
            );
        }
        for (const e of input.observedEdges ?? []) {
          if (
            e.sourceWorkload !== w.name ||
            e.destinationService.startsWith('10.')
          )
            continue;
          checkedEdges++;
          const host = e.destinationService;
          // The registry entry the destination resolves to, if any.
          const registered = input.services.find(
            s =>
              isExportedTo(s.exportTo, s.namespace, input.namespace) &&
              dnsNamesOverlap(s.host, host) &&
              (s.serviceEntry || s.host === host),
          );
          const imported = registered
            ? visible.has(registered.host)
            : egressImports(matcher, e.destinationNamespace, host);
          if (!imported) {
            failures.push(
              `graph ${graph}: ${w.name} → ${e.destinationNamespace}/${host} (${
                e.destinationServiceName
              }) not kept by ${inForce.hosts.join(' ')}`,
            );
          }
        }
      }
      // Objects and YAML agree, hosts are well-formed and ./* leads.
      const parsed = objectsFromYaml(rec.yaml);
      if (JSON.stringify(parsed) !== JSON.stringify(rec.objects)) {
        failures.push(`graph ${graph}: YAML and objects differ`);
      }
      if (rec.egress[0]?.host !== './*')
        failures.push(`graph ${graph}: ./* not first`);
      const egressHosts = rec.egress.map(e => e.host);
      if (new Set(egressHosts).size !== egressHosts.length) {
        failures.push(`graph ${graph}: duplicate hosts`);
      }
    }
    expect(failures).toEqual([]);
    expect(recommendations).toBeGreaterThan(200);
    expect(checkedEdges).toBeGreaterThan(1000);
    expect(checkedCollectors).toBeGreaterThan(100);
  });

  it('is deterministic', () => {
    const input = randomGraph(42);
    expect(recommendSidecar(input)).toEqual(recommendSidecar(input));
  });
});

describe('fixtures', () => {
  it('model bookinfo', () => {
    expect(BOOKINFO_WORKLOADS.map(w => w.name)).toEqual([
      'productpage-v1',
      'details-v1',
      'reviews-v1',
      'reviews-v2',
      'reviews-v3',
      'ratings-v1',
    ]);
    expect(RATINGS.labels.app).toBe('ratings');
    expect(BOOKINFO_SERVICES).toHaveLength(1312);
  });
});
