import { istioProxyContainer, podRevision } from './k8s';
import { pod } from './testFixtures';

describe('istioProxyContainer', () => {
  it.each([
    [
      'a classic sidecar container',
      { proxyImage: 'hub/proxyv2:1.26.0' },
      'hub/proxyv2:1.26.0',
    ],
    [
      'a native sidecar (init container with restartPolicy Always, Istio ≥ 1.27)',
      { proxyImage: 'hub/proxyv2:1.27.0', native: true },
      'hub/proxyv2:1.27.0',
    ],
    ['no proxy', {}, undefined],
  ])('finds %s', (_case, options, image) => {
    expect(istioProxyContainer(pod('ns', 'p', options))?.image).toBe(image);
  });

  it('ignores an istio-proxy init container that is not a native sidecar', () => {
    const p = pod('ns', 'p');
    p.spec!.initContainers = [{ name: 'istio-proxy', image: 'hub/proxyv2:1' }];
    expect(istioProxyContainer(p)).toBeUndefined();
  });
});

describe('podRevision', () => {
  it.each([
    [
      { 'sidecar.istio.io/status': '{"revision":"canary"}' },
      { 'istio.io/rev': 'x' },
      'canary',
    ],
    [
      { 'sidecar.istio.io/status': 'not json' },
      { 'istio.io/rev': 'stable' },
      'stable',
    ],
    [{}, {}, undefined],
  ])('annotations %j, labels %j → %s', (annotations, labels, revision) => {
    expect(podRevision(pod('ns', 'p', { annotations, labels }))).toBe(revision);
  });
});
