import type { IstioMeshConfig } from '@istio-backstage/plugin-istio-common';
import {
  describeCni,
  describeCollector,
  describeComponents,
  describeControlPlane,
  describeDataPlane,
  describeGateway,
  describeMeshSize,
  describePrometheus,
  describeSampling,
} from './meshConfigSummary';

const mesh: IstioMeshConfig = {
  cluster: 'demo',
  readAt: '2026-01-10T10:00:00.000Z',
  istioInstalled: 'yes',
  controlPlanes: [
    {
      revision: '1-27',
      namespace: 'istio-system',
      installMethod: 'unknown',
      support: { verdict: 'unknown', reasons: [] },
    },
    {
      revision: '1-28',
      namespace: 'istio-system',
      version: '1.28.1',
      installMethod: 'istioctl',
      support: { verdict: 'supported', reasons: [] },
    },
  ],
  dataPlane: {
    sidecarNamespaces: ['a'],
    ambientNamespaces: ['b', 'c'],
    nativeSidecars: 'mixed',
    proxyVersions: { '1.28.1': 3, '1.9.0': 1, '1.27.3': 2 },
  },
  cni: { installed: 'unknown' },
  tracing: { enabled: 'unknown', configuredIn: 'unknown' },
  gateways: [],
  prometheus: {
    merge: 'unknown',
    configured: false,
    envoySeries: 'unknown',
    istiodSeries: 'unknown',
  },
  kiali: { installed: 'unknown', externalServices: [] },
  meshSize: { namespaces: 3 },
  diagnostics: [],
  errors: [],
};

describe('meshConfigSummary', () => {
  it.each([
    [describeCollector(undefined), 'none'],
    [
      describeCollector({
        host: 'otel.example.com',
        port: 4317,
        exists: 'external',
      }),
      'otel.example.com:4317 (outside the cluster)',
    ],
    [describeSampling(mesh.tracing), 'unknown'],
    [
      describeSampling({ ...mesh.tracing, samplingPercent: 100 }),
      '100 % of requests',
    ],
    [
      describeControlPlane(mesh.controlPlanes[0]),
      '1-27 (istio-system): Istio version unknown, install method unknown',
    ],
    [
      describeControlPlane(mesh.controlPlanes[1]),
      '1-28 (istio-system): Istio 1.28.1, installed with istioctl',
    ],
    [
      describeDataPlane(mesh),
      'sidecar in 1 namespace, ambient in 2 namespaces; native sidecars: mixed; proxy versions: 1.9.0 ×1, 1.27.3 ×2, 1.28.1 ×3',
    ],
    [
      describeDataPlane({
        ...mesh,
        meshSize: {},
        dataPlane: { ...mesh.dataPlane, proxyVersions: {} },
      }),
      'namespaces unknown; native sidecars: mixed; proxy versions: unknown',
    ],
    [describeCni(mesh.cni), 'unknown'],
    [describeCni({ installed: 'no' }), 'not installed'],
    [describeCni({ installed: 'yes', podsWithNetAdmin: 0 }), 'installed'],
    [
      describeGateway({
        name: 'ingress',
        namespace: 'istio-ingress',
        injectionTemplate: 'gateway',
        sendsTraces: 'yes',
        replicas: 1,
      }),
      'istio-ingress/ingress: injection template gateway, sends traces: yes, 1 replica',
    ],
    [
      describeComponents(mesh),
      'istiod (revisions 1-27, 1-28), 0 gateways, CNI unknown, Kiali unknown',
    ],
    [
      describeComponents({
        ...mesh,
        controlPlanes: [],
        kiali: { installed: 'no', externalServices: [] },
      }),
      'no istiod found, 0 gateways, CNI unknown, Kiali not installed',
    ],
    [
      describePrometheus(mesh.prometheus),
      'not configured; metrics merge unknown; Envoy series unknown; istiod series unknown',
    ],
    [describeMeshSize({}), 'unknown'],
    [
      describeMeshSize({ namespaces: 3, proxies: 0 }),
      '3 namespaces, 0 proxies',
    ],
  ])('%#: %s', (actual, expected) => {
    expect(actual).toBe(expected);
  });
});
