import { compareMinor, isAtLeast, parseImage, parseMinor } from './versions';

describe('parseImage', () => {
  it.each([
    [
      'docker.io/istio/proxyv2:1.22.3',
      { hub: 'docker.io/istio', name: 'proxyv2', tag: '1.22.3' },
    ],
    [
      'localhost:5000/istio/pilot:1.24.0-distroless',
      { hub: 'localhost:5000/istio', name: 'pilot', tag: '1.24.0-distroless' },
    ],
    [
      'localhost:5000/istio/pilot',
      { hub: 'localhost:5000/istio', name: 'pilot' },
    ],
    ['proxyv2:1.11.0', { name: 'proxyv2', tag: '1.11.0' }],
    [
      'gcr.io/istio-release/proxyv2:1.23.1@sha256:abc',
      {
        hub: 'gcr.io/istio-release',
        name: 'proxyv2',
        tag: '1.23.1',
        digest: 'sha256:abc',
      },
    ],
    [
      'example.com/istio/proxyv2@sha256:def',
      { hub: 'example.com/istio', name: 'proxyv2', digest: 'sha256:def' },
    ],
  ])('%s', (image, expected) => {
    expect(parseImage(image)).toEqual(expected);
  });
});

describe('parseMinor', () => {
  it.each([
    ['1.22.3', [1, 22]],
    ['v1.30', [1, 30]],
    ['1.24.0-distroless', [1, 24]],
    ['1.23-dev', [1, 23]],
    ['1.32.3-gke.1200', [1, 32]],
    ['latest', undefined],
    ['sha256:abc', undefined],
    ['', undefined],
    [undefined, undefined],
  ])('%s → %j', (version, expected) => {
    expect(parseMinor(version)).toEqual(expected);
  });

  it('compares and thresholds minors', () => {
    expect(compareMinor([1, 22], [1, 9])).toBeGreaterThan(0);
    expect(compareMinor([1, 9], [1, 22])).toBeLessThan(0);
    expect(isAtLeast('1.22.0', [1, 22])).toBe(true);
    expect(isAtLeast('1.21.9', [1, 22])).toBe(false);
    expect(isAtLeast(undefined, [1, 22])).toBe(false);
  });
});
