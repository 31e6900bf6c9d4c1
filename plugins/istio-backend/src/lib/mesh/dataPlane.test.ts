import type { V1Container, V1Pod } from '@kubernetes/client-node';
import {
  byAge,
  isSidecarProxy,
  proxyKindOf,
  selectorMatches,
  type ProxyKind,
} from './dataPlane';

const proxy: V1Container = { name: 'istio-proxy', image: 'hub/proxyv2:1.28.0' };
const app: V1Container = { name: 'app', image: 'example/app:1' };

function podWith(options: {
  containers?: V1Container[];
  initContainers?: V1Container[];
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}): V1Pod {
  return {
    metadata: {
      name: 'p',
      namespace: 'ns',
      labels: options.labels ?? {},
      annotations: options.annotations ?? {},
    },
    spec: {
      containers: options.containers ?? [app],
      ...(options.initContainers
        ? { initContainers: options.initContainers }
        : {}),
    },
  };
}

describe('proxyKindOf', () => {
  it.each<[string, V1Pod, ProxyKind]>([
    ['no proxy', podWith({}), 'none'],
    ['a classic sidecar', podWith({ containers: [app, proxy] }), 'sidecar'],
    [
      'a native sidecar (Istio ≥ 1.27)',
      podWith({ initContainers: [{ ...proxy, restartPolicy: 'Always' }] }),
      'native-sidecar',
    ],
    [
      'an istio-proxy init container that is not a native sidecar',
      podWith({ initContainers: [proxy] }),
      'none',
    ],
    [
      'a gateway injected with the gateway template',
      podWith({
        containers: [proxy],
        annotations: { 'inject.istio.io/templates': 'gateway' },
      }),
      'gateway',
    ],
    [
      'a gateway by its istio label',
      podWith({
        containers: [proxy],
        labels: { istio: 'ingressgateway' },
      }),
      'gateway',
    ],
    [
      'an ambient pod redirected through ztunnel',
      podWith({
        annotations: { 'ambient.istio.io/redirection': 'enabled' },
      }),
      'ambient',
    ],
    [
      'a pod whose ambient redirection is disabled',
      podWith({
        annotations: { 'ambient.istio.io/redirection': 'disabled' },
      }),
      'none',
    ],
    [
      'a sidecar pod also marked for ambient (the sidecar wins)',
      podWith({
        containers: [app, proxy],
        annotations: { 'ambient.istio.io/redirection': 'enabled' },
      }),
      'sidecar',
    ],
  ])('%s → %s', (_case, pod, kind) => {
    expect(proxyKindOf(pod)).toBe(kind);
  });
});

describe('isSidecarProxy', () => {
  it.each<[ProxyKind, boolean]>([
    ['sidecar', true],
    ['native-sidecar', true],
    ['gateway', false],
    ['ambient', false],
    ['none', false],
  ])('%s → %s', (kind, sidecar) => {
    expect(isSidecarProxy(kind)).toBe(sidecar);
  });
});

describe('selectorMatches', () => {
  it.each<
    [Record<string, string>, Record<string, string> | undefined, boolean]
  >([
    [{ app: 'reviews' }, { app: 'reviews', version: 'v1' }, true],
    [
      { app: 'reviews', version: 'v2' },
      { app: 'reviews', version: 'v1' },
      false,
    ],
    [{ app: 'reviews' }, { version: 'v1' }, false],
    [{ app: 'reviews' }, undefined, false],
    // An empty selector selects every pod.
    [{}, { app: 'x' }, true],
    [{}, undefined, true],
  ])('%j selects %j: %s', (selector, labels, expected) => {
    expect(selectorMatches(selector, labels)).toBe(expected);
  });
});

describe('byAge', () => {
  const sidecar = (name: string, creationTimestamp?: string) => ({
    name,
    ...(creationTimestamp ? { creationTimestamp } : {}),
  });

  it.each([
    [
      'the older one first',
      [
        sidecar('a', '2025-01-01T00:00:00Z'),
        sidecar('b', '2024-01-01T00:00:00Z'),
      ],
      ['b', 'a'],
    ],
    [
      'by name when created at the same time',
      [
        sidecar('b', '2024-01-01T00:00:00Z'),
        sidecar('a', '2024-01-01T00:00:00Z'),
      ],
      ['a', 'b'],
    ],
    [
      'one not applied yet (no timestamp) last',
      [sidecar('a'), sidecar('z', '2024-01-01T00:00:00Z')],
      ['z', 'a'],
    ],
    ['two not applied yet by name', [sidecar('b'), sidecar('a')], ['a', 'b']],
  ])('orders %s', (_case, sidecars, names) => {
    expect([...sidecars].sort(byAge).map(s => s.name)).toEqual(names);
  });
});
