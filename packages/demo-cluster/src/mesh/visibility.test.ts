import type { KubeObject } from '../store/types';
import {
  clusterCount,
  egressHostMatches,
  sidecarInForce,
  visibleServices,
  type MeshService,
  type MeshView,
} from './visibility';

const svc = (
  namespace: string,
  name: string,
  ports = [8080],
  exportTo = ['*'],
): MeshService => ({
  namespace,
  name,
  host: `${name}.${namespace}.svc.cluster.local`,
  ports,
  exportTo,
  serviceEntry: false,
});
const sidecar = (
  namespace: string,
  name: string,
  hosts: string[],
  selector?: Record<string, string>,
  created = '2026-01-01T00:00:00Z',
): KubeObject => ({
  apiVersion: 'networking.istio.io/v1',
  kind: 'Sidecar',
  metadata: { name, namespace, creationTimestamp: created },
  spec: {
    ...(selector ? { workloadSelector: { labels: selector } } : {}),
    egress: [{ hosts }],
  },
});

const services = [
  svc('istio-demo', 'details'),
  svc('istio-demo', 'reviews'),
  svc('istio-system', 'istiod', [15010, 15012, 443, 15014]),
  svc('observability', 'jaeger-collector', [14268, 9411]),
  svc('team-001', 'private', [8080], ['.']),
  {
    namespace: 'istio-demo',
    name: 'payments',
    host: 'api.payments.example.com',
    ports: [443],
    exportTo: ['*'],
    serviceEntry: true,
  },
];

function view(sidecars: KubeObject[], discovered?: string[]): MeshView {
  return {
    services,
    sidecars,
    rootNamespace: 'istio-system',
    discovered: discovered ? new Set(discovered) : undefined,
  };
}
const hosts = (
  v: MeshView,
  namespace: string,
  labels: Record<string, string> = {},
  isGateway = false,
) =>
  visibleServices(v, { namespace, labels, isGateway })
    .map(s => s.host)
    .sort();

describe('visibility', () => {
  it('without a Sidecar a proxy sees every exported service (not private ones elsewhere)', () => {
    expect(hosts(view([]), 'istio-demo')).toHaveLength(5);
    expect(hosts(view([]), 'team-001')).toContain(
      'private.team-001.svc.cluster.local',
    );
  });

  it('a namespace-wide Sidecar with ./* keeps only the namespace itself', () => {
    expect(
      hosts(view([sidecar('istio-demo', 'default', ['./*'])]), 'istio-demo'),
    ).toEqual([
      'api.payments.example.com',
      'details.istio-demo.svc.cluster.local',
      'reviews.istio-demo.svc.cluster.local',
    ]);
  });

  it('prefers a workload selector over the namespace default, and the namespace default over the root default', () => {
    const v = view([
      sidecar('istio-system', 'default', ['istio-system/*']),
      sidecar('istio-demo', 'default', ['./*']),
      sidecar('istio-demo', 'reviews', ['observability/*'], { app: 'reviews' }),
    ]);
    expect(
      sidecarInForce(v, 'istio-demo', { app: 'reviews' })?.metadata.name,
    ).toBe('reviews');
    expect(
      sidecarInForce(v, 'istio-demo', { app: 'details' })?.metadata.name,
    ).toBe('default');
    expect(sidecarInForce(v, 'team-001', {})?.metadata.namespace).toBe(
      'istio-system',
    );
  });

  it('gateways ignore Sidecars; discoverySelectors hide undiscovered namespaces', () => {
    const v = view(
      [sidecar('istio-system', 'default', ['~/*'])],
      ['istio-demo', 'istio-system'],
    );
    expect(hosts(v, 'istio-ingress', {}, true)).toHaveLength(4);
    expect(hosts(v, 'istio-demo')).toEqual([]);
  });

  it.each([
    ['*/*', 'details', 'team-001', true],
    ['./*', 'details', 'istio-demo', true],
    ['./*', 'details', 'team-001', false],
    [
      'istio-demo/details.istio-demo.svc.cluster.local',
      'details',
      'team-001',
      true,
    ],
    ['istio-demo/*.istio-demo.svc.cluster.local', 'reviews', 'x', true],
    ['~/*', 'details', 'istio-demo', false],
  ])(
    'egress host %s selects %s for a proxy in %s: %s',
    (host, name, ns, expected) => {
      expect(
        egressHostMatches(host, services.find(s => s.name === name)!, ns),
      ).toBe(expected);
    },
  );

  it('counts one Envoy cluster per service port plus the fixed ones', () => {
    expect(clusterCount([services[0], services[2]])).toBe(8 + 1 + 4);
  });
});
