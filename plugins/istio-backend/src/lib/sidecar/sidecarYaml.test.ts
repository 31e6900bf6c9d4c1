import { parseAllDocuments } from 'yaml';
import { sidecarYaml, yamlScalar, type SidecarManifest } from './sidecarYaml';

function parse(text: string): unknown[] {
  const docs = parseAllDocuments(text);
  expect(docs.flatMap(d => d.errors)).toEqual([]);
  return docs.map(d => d.toJS());
}

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

const MANIFESTS: SidecarManifest[] = [
  {
    name: 'default',
    namespace: 'istio-demo',
    hosts: [
      { host: './*', comment: ['own-namespace: services of istio-demo'] },
      { host: 'istio-system/*', comment: ['control-plane: istiod'] },
      {
        host: '*/*.example.com',
        comment: ['requested: a # in it', 'line\nbreak'],
      },
    ],
    comment: ['Sidecar for namespace istio-demo'],
  },
  {
    name: 'reviews-v1',
    namespace: 'istio-demo',
    workloadSelector: { app: 'reviews', version: '1.0', canary: 'true' },
    hosts: [{ host: './*', comment: [] }],
    outboundTrafficPolicy: 'REGISTRY_ONLY',
  },
];

describe('sidecarYaml', () => {
  it('renders Sidecar objects that round-trip through parseAllDocuments', () => {
    expect(parse(sidecarYaml(MANIFESTS))).toEqual([
      {
        apiVersion: 'networking.istio.io/v1',
        kind: 'Sidecar',
        metadata: { name: 'default', namespace: 'istio-demo' },
        spec: {
          egress: [{ hosts: ['./*', 'istio-system/*', '*/*.example.com'] }],
        },
      },
      {
        apiVersion: 'networking.istio.io/v1',
        kind: 'Sidecar',
        metadata: { name: 'reviews-v1', namespace: 'istio-demo' },
        spec: {
          workloadSelector: {
            labels: { app: 'reviews', version: '1.0', canary: 'true' },
          },
          egress: [{ hosts: ['./*'] }],
          outboundTrafficPolicy: { mode: 'REGISTRY_ONLY' },
        },
      },
    ]);
  });

  it('writes a comment above each host and keeps comments on one line', () => {
    const text = sidecarYaml(MANIFESTS);
    expect(text).toContain(
      '        # own-namespace: services of istio-demo\n        - ./*\n',
    );
    expect(text).toContain('        # line break\n');
    expect(text.startsWith('# Sidecar for namespace istio-demo\n')).toBe(true);
    expect(text.split('\n---\n')).toHaveLength(2);
  });

  it('is deterministic', () => {
    expect(sidecarYaml(MANIFESTS)).toBe(sidecarYaml(MANIFESTS));
  });

  it.each([
    ['./*', './*'],
    ['istio-system/*', 'istio-system/*'],
    ['*/*', '"*/*"'],
    ['true', '"true"'],
    ['No', '"No"'],
    ['1.0', '"1.0"'],
    ['0x1f', '"0x1f"'],
    ['.inf', '".inf"'],
    ['~', '"~"'],
    ['', '""'],
    ['a b', '"a b"'],
    ['key: value', '"key: value"'],
  ])('quotes %j as %s', (value, expected) => {
    expect(yamlScalar(value)).toBe(expected);
  });

  it('round-trips arbitrary strings as scalars, comments and hosts (property)', () => {
    const random = prng(7);
    const alphabet =
      'abcXYZ019 ./*-_:#&!|>\'"%@`{}[],?~=\\\t\n\r\u2028\u00e9\u4e2d';
    const randomString = () =>
      Array.from(
        { length: Math.floor(random() * 12) },
        () => alphabet[Math.floor(random() * alphabet.length)],
      ).join('');
    for (let run = 0; run < 300; run++) {
      const selector = Object.fromEntries(
        Array.from({ length: 1 + Math.floor(random() * 3) }, (_, i) => [
          `${randomString()}k${i}`,
          randomString(),
        ]),
      );
      const manifest: SidecarManifest = {
        name: randomString(),
        namespace: randomString(),
        workloadSelector: selector,
        hosts: Array.from({ length: 1 + Math.floor(random() * 4) }, () => ({
          host: randomString(),
          comment: [randomString(), randomString()],
        })),
        outboundTrafficPolicy: randomString() || 'ALLOW_ANY',
        comment: [randomString()],
      };
      expect(parse(sidecarYaml([manifest, manifest]))).toEqual(
        Array(2).fill({
          apiVersion: 'networking.istio.io/v1',
          kind: 'Sidecar',
          metadata: { name: manifest.name, namespace: manifest.namespace },
          spec: {
            workloadSelector: { labels: selector },
            egress: [{ hosts: manifest.hosts.map(h => h.host) }],
            outboundTrafficPolicy: { mode: manifest.outboundTrafficPolicy },
          },
        }),
      );
    }
  });
});
