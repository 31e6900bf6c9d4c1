// VirtualServices and ServiceEntries a recommendation keeps: with Sidecar egress,
// istiod imports them by the namespace they are defined in, so one in another
// namespace for a called host must have its namespace among the hosts.
import type { IstioSidecarRecommendation } from '@istio-backstage/plugin-istio-common';
import type {
  MeshServiceInfo,
  RecommendationInput,
  RecommendationResult,
  VirtualServiceRef,
} from './types';
import { recommendSidecar, withRecommendedSidecars } from './recommendSidecar';
import { visibleVirtualServices } from './visibility';
import {
  BOOKINFO_EDGES,
  BOOKINFO_SERVICES,
  NS,
  PRODUCTPAGE,
  REVIEWS_V1,
  REVIEWS_V2,
  REVIEWS_V3,
  bookinfoInput,
  edge,
} from './testFixtures';

const REVIEWS = `reviews.${NS}.svc.cluster.local`;
const SVC_12 = 'svc-12.filler-001.svc.cluster.local';

function recommended(result: RecommendationResult): IstioSidecarRecommendation {
  expect(result.recommendation).toBeDefined();
  return result.recommendation!;
}
const hostsOf = (result: RecommendationResult) =>
  recommended(result).egress.map(e => e.host);
const reasonsOf = (result: RecommendationResult, host: string) =>
  recommended(result).egress.find(e => e.host === host)?.reasons ?? [];

const canary = (extra: Partial<VirtualServiceRef> = {}): VirtualServiceRef => ({
  namespace: 'routing',
  name: 'reviews-canary',
  hosts: [REVIEWS],
  ...extra,
});

/** Bookinfo (productpage calls reviews) with these VirtualServices. */
const withVirtualServices = (
  virtualServices: VirtualServiceRef[],
  extra: Partial<RecommendationInput> = {},
) => recommendSidecar(bookinfoInput({ virtualServices, ...extra }));

describe('VirtualServices of called hosts', () => {
  it('keeps routing/<host> for a VirtualService in namespace routing, with a reason naming it', () => {
    const result = withVirtualServices([canary()]);
    expect(hostsOf(result)).toContain(`routing/${REVIEWS}`);
    expect(reasonsOf(result, `routing/${REVIEWS}`)).toEqual([
      {
        kind: 'virtual-service',
        detail: `VirtualService routing/reviews-canary routes ${REVIEWS}; it applies only when imported from routing`,
      },
    ]);
    // Applied, productpage's proxy gets the canary split.
    const rec = recommended(result);
    const after = withRecommendedSidecars([], NS, rec.objects);
    expect(
      visibleVirtualServices(
        [canary()],
        after,
        PRODUCTPAGE,
        'istio-system',
        'cluster.local',
      ).map(vs => vs.name),
    ).toEqual(['reviews-canary']);
  });

  it.each<[string, Partial<VirtualServiceRef>]>([
    ['exported to its own namespace only', { exportTo: ['.'] }],
    ['exported to another namespace', { exportTo: ['other'] }],
    ['exported nowhere', { exportTo: ['~', NS] }],
    ['bound to a gateway only', { gateways: ['istio-ingress/gateway'] }],
  ])('does not keep one %s', (_, extra) => {
    const result = withVirtualServices([canary(extra)]);
    expect(hostsOf(result).some(h => h.startsWith('routing/'))).toBe(false);
  });

  it.each<[string, Partial<VirtualServiceRef>]>([
    ['exported to the namespace by name', { exportTo: [NS] }],
    ['exported everywhere', { exportTo: ['~', '*'] }],
    ['bound to a gateway and the sidecars', { gateways: ['gw', 'mesh'] }],
  ])('keeps one %s', (_, extra) => {
    expect(hostsOf(withVirtualServices([canary(extra)]))).toContain(
      `routing/${REVIEWS}`,
    );
  });

  it('follows the MeshConfig default exportTo when a VirtualService sets none', () => {
    const privateByDefault = { exportToDefaults: { virtualService: ['.'] } };
    expect(
      hostsOf(withVirtualServices([canary()], privateByDefault)).some(h =>
        h.startsWith('routing/'),
      ),
    ).toBe(false);
    expect(
      hostsOf(
        withVirtualServices([canary({ exportTo: ['*'] })], privateByDefault),
      ),
    ).toContain(`routing/${REVIEWS}`);
  });

  it('resolves hosts as istiod does: only dot-less short names, in the VirtualService namespace', () => {
    const result = withVirtualServices([
      // `reviews` in routing is reviews.routing.svc.cluster.local: another host.
      canary({ name: 'short', hosts: ['reviews'] }),
      // `name.namespace` is not expanded: a literal host no one calls.
      canary({ name: 'dotted', hosts: [`reviews.${NS}`] }),
      // Dot-less in the service's own namespace: the called host.
      { namespace: NS, name: 'local', hosts: ['details'] },
    ]);
    expect(hostsOf(result).some(h => h.startsWith('routing/'))).toBe(false);
    expect(reasonsOf(result, './*')).toContainEqual({
      kind: 'virtual-service',
      detail: `VirtualService local in ${NS} (imported from their own namespace)`,
    });
  });

  it('matches wildcard hosts both ways, importing the narrower name', () => {
    const result = withVirtualServices(
      [
        {
          namespace: 'routing',
          name: 'wild',
          hosts: ['*.googleapis.com'],
        },
      ],
      {
        observedEdges: [
          ...BOOKINFO_EDGES,
          edge('details-v1', 'unknown', 'storage.googleapis.com', 7, {
            destinationService: 'storage.googleapis.com',
          }),
        ],
        extraHosts: ['*/maps.googleapis.com'],
      },
    );
    // No ServiceEntry declares these hosts: they are kept as `*/…`, which imports
    // routing's VirtualService already.
    expect(hostsOf(result)).toEqual(
      expect.arrayContaining([
        '*/storage.googleapis.com',
        '*/maps.googleapis.com',
      ]),
    );
    expect(hostsOf(result).some(h => h.startsWith('routing/'))).toBe(false);

    const declared = withVirtualServices(
      [{ namespace: 'routing', name: 'wild', hosts: ['*.googleapis.com'] }],
      {
        observedEdges: [
          ...BOOKINFO_EDGES,
          edge('details-v1', 'unknown', 'storage.googleapis.com', 7, {
            destinationService: 'storage.googleapis.com',
          }),
        ],
        serviceEntries: [
          {
            namespace: 'external-apis',
            name: 'google',
            hosts: ['*.googleapis.com'],
            exportTo: [],
          },
        ],
      },
    );
    expect(hostsOf(declared)).toEqual(
      expect.arrayContaining([
        'external-apis/*.googleapis.com',
        'routing/*.googleapis.com',
      ]),
    );
  });

  it('keeps a VirtualService of a requested host and of a catalog dependency', () => {
    const result = withVirtualServices(
      [
        {
          namespace: 'routing',
          name: 'svc-12',
          hosts: [SVC_12],
        },
        { namespace: 'routing', name: 'payments', hosts: ['api.example.com'] },
      ],
      {
        catalogDependencies: [
          {
            entityRef: 'component:default/svc-12',
            namespace: 'filler-001',
            service: 'svc-12',
          },
        ],
        extraHosts: ['payments/api.example.com'],
      },
    );
    expect(hostsOf(result)).toEqual(
      expect.arrayContaining([`routing/${SVC_12}`, 'routing/api.example.com']),
    );
  });

  it('keeps it only in the Sidecars of the workloads calling the host', () => {
    const result = withVirtualServices(
      [{ namespace: 'routing', name: 'svc-12', hosts: [SVC_12] }],
      {
        entityWorkloads: [REVIEWS_V1, REVIEWS_V2, REVIEWS_V3],
        observedEdges: [
          ...BOOKINFO_EDGES,
          edge('reviews-v2', 'filler-001', 'svc-12', 3),
        ],
      },
    );
    const objects = recommended(result).objects;
    expect(
      objects.map(o => [o.name, o.hosts.includes(`routing/${SVC_12}`)]),
    ).toEqual([
      ['reviews-v1', false],
      ['reviews-v2', true],
      ['reviews-v3', false],
    ]);
  });
});

describe('ServiceEntries of called hosts', () => {
  const httpbin = (
    namespace: string,
    exportTo: string[],
  ): RecommendationInput['serviceEntries'][number] => ({
    namespace,
    name: 'httpbin',
    hosts: ['httpbin.org'],
    exportTo,
  });
  const seService = (
    se: RecommendationInput['serviceEntries'][number],
  ): MeshServiceInfo => ({
    namespace: se.namespace,
    name: se.name,
    host: se.hosts[0],
    ports: [443],
    exportTo: se.exportTo,
    serviceEntry: true,
  });
  const calling = (
    serviceEntries: RecommendationInput['serviceEntries'],
    extra: Partial<RecommendationInput> = {},
  ) =>
    recommendSidecar(
      bookinfoInput({
        serviceEntries,
        services: [
          ...BOOKINFO_SERVICES.filter(s => !s.serviceEntry),
          ...serviceEntries.map(seService),
        ],
        observedEdges: [
          ...BOOKINFO_EDGES,
          edge('productpage-v1', 'external-apis', 'httpbin.org', 42, {
            destinationService: 'httpbin.org',
          }),
        ],
        ...extra,
      }),
    );

  it('keeps every namespace with a ServiceEntry for the host exported to the workloads', () => {
    const result = calling([
      httpbin('external-apis', ['*']),
      httpbin('mirror', [NS]),
      httpbin('private', ['.']),
      httpbin('elsewhere', ['other']),
    ]);
    const hosts = hostsOf(result);
    expect(hosts).toEqual(
      expect.arrayContaining([
        'external-apis/httpbin.org',
        'mirror/httpbin.org',
      ]),
    );
    expect(reasonsOf(result, 'mirror/httpbin.org')).toEqual([
      {
        kind: 'service-entry',
        detail: 'ServiceEntry mirror/httpbin declares httpbin.org',
      },
    ]);
    expect(hosts.some(h => /^(private|elsewhere)\//.test(h))).toBe(false);
  });

  it('follows the MeshConfig default exportTo (defaultServiceExportTo) when one sets none', () => {
    const result = calling(
      [httpbin('external-apis', ['*']), httpbin('mirror', [])],
      { exportToDefaults: { service: ['.'] } },
    );
    expect(hostsOf(result)).toContain('external-apis/httpbin.org');
    expect(hostsOf(result).some(h => h.startsWith('mirror/'))).toBe(false);
  });

  it('does not keep a ServiceEntry not exported to the workloads, even when its host is called', () => {
    const result = calling([httpbin('private', ['.'])]);
    // The call is kept by where Istio saw it go, never by the private ServiceEntry.
    expect(hostsOf(result).some(h => h.startsWith('private/'))).toBe(false);
    expect(
      recommended(result)
        .egress.flatMap(e => e.reasons)
        .some(r => r.detail.includes('ServiceEntry private/')),
    ).toBe(false);
  });

  it('says so when calls go unmatched to a host whose ServiceEntry is not exported to the workloads', () => {
    const result = calling([httpbin('private', ['.'])], {
      observedEdges: [
        ...BOOKINFO_EDGES,
        edge('productpage-v1', 'unknown', 'PassthroughCluster', 5, {
          destinationService: 'httpbin.org',
        }),
      ],
    });
    expect(hostsOf(result).some(h => h.includes('httpbin'))).toBe(false);
    const warning = result.warnings.find(w => w.code === 'unmatched-traffic')!;
    expect(warning.message).toContain(
      'ServiceEntry private/httpbin declares httpbin.org but is not exported to this namespace',
    );
  });
});
