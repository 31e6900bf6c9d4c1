import {
  coveringWildcards,
  dnsNameCovers,
  dnsNamesOverlap,
  isExportedTo,
  normalizeDnsName,
  parseEgressHost,
  parseKubernetesHost,
  shortHost,
} from './hosts';

describe('parseEgressHost', () => {
  it.each([
    ['./*', { namespace: '.', dnsName: '*' }],
    ['istio-system/*', { namespace: 'istio-system', dnsName: '*' }],
    ['*/*.Example.COM', { namespace: '*', dnsName: '*.example.com' }],
    ['~/*', { namespace: '~', dnsName: '*' }],
    [
      'observability/jaeger-collector.observability.svc.cluster.local.',
      {
        namespace: 'observability',
        dnsName: 'jaeger-collector.observability.svc.cluster.local',
      },
    ],
  ])('%s', (host, expected) => {
    expect(parseEgressHost(host)).toEqual(expected);
  });

  // istiod skips hosts that are not `namespace/dnsName`.
  it.each(['details.istio-demo.svc.cluster.local', '/x', 'ns/', ''])(
    'rejects %j',
    host => {
      expect(parseEgressHost(host)).toBeUndefined();
    },
  );
});

describe('dnsNamesOverlap (Istio host.Name.Matches)', () => {
  it.each([
    ['a.example.com', 'a.example.com', true],
    ['a.example.com', 'b.example.com', false],
    ['*', 'anything.at.all', true],
    ['*.example.com', 'a.example.com', true],
    ['*.example.com', 'a.b.example.com', true],
    ['*.example.com', 'example.com', false],
    ['*.example.com', 'badexample.com', false],
    ['*.example.com', '*.b.example.com', true],
    ['*.b.example.com', '*.example.com', true],
    ['*.a.com', '*.b.com', false],
    ['a.example.com', '*.example.com', true],
    // Short names never match an FQDN.
    ['details', 'details.istio-demo.svc.cluster.local', false],
  ])('%s ~ %s → %s', (a, b, expected) => {
    expect(dnsNamesOverlap(a, b)).toBe(expected);
    expect(dnsNamesOverlap(b, a)).toBe(expected);
  });
});

describe('dnsNameCovers', () => {
  it.each([
    ['*', 'a.b', true],
    ['*.b', 'a.b', true],
    ['*.b', '*.a.b', true],
    ['*.a.b', '*.b', false],
    ['a.b', '*.b', false],
    ['*.b', '*', false],
    ['a.b', 'a.b', true],
  ])('%s covers %s → %s', (pattern, name, expected) => {
    expect(dnsNameCovers(pattern, name)).toBe(expected);
  });
});

describe('coveringWildcards', () => {
  it.each([
    ['a.b.example.com', ['*', '*.com', '*.example.com', '*.b.example.com']],
    ['*.b.example.com', ['*', '*.com', '*.example.com']],
    ['localhost', ['*']],
    ['*', []],
  ])('%s', (name, expected) => {
    expect(coveringWildcards(name)).toEqual(expected);
  });

  it('lists exactly the patterns that cover a name', () => {
    const names = ['a.b.c.d', '*.b.c.d', 'x.y', 'z'];
    for (const name of names) {
      for (const pattern of coveringWildcards(name)) {
        expect(dnsNameCovers(pattern, name)).toBe(true);
      }
    }
  });
});

describe('isExportedTo (istiod IsServiceVisible)', () => {
  it.each([
    [['*'], 'a', 'b', true],
    [[], 'a', 'b', true],
    [['.'], 'a', 'a', true],
    [['.'], 'a', 'b', false],
    [['~'], 'a', 'a', false],
    [['b'], 'a', 'b', true],
    // Naming other namespaces does not export to the own one.
    [['b'], 'a', 'a', false],
    [['.', 'c'], 'a', 'c', true],
  ])('exportTo %j of %s seen from %s → %s', (exportTo, from, to, expected) => {
    expect(isExportedTo(exportTo, from, to)).toBe(expected);
  });
});

describe('Kubernetes hosts', () => {
  it.each([
    [
      'details.istio-demo.svc.cluster.local',
      { name: 'details', namespace: 'istio-demo', domain: 'cluster.local' },
      'details.istio-demo',
    ],
    [
      'api.payments.svc.corp.internal',
      { name: 'api', namespace: 'payments', domain: 'corp.internal' },
      'api.payments',
    ],
    ['httpbin.org', undefined, 'httpbin.org'],
  ])('%s', (host, parsed, short) => {
    expect(parseKubernetesHost(host)).toEqual(parsed);
    expect(shortHost(host)).toBe(short);
  });

  it('normalizes case and the trailing dot', () => {
    expect(normalizeDnsName('HttpBin.ORG.')).toBe('httpbin.org');
  });
});
