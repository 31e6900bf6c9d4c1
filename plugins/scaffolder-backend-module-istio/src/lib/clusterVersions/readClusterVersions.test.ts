import { istioVersionOfImage } from './readClusterVersions';

describe('istioVersionOfImage', () => {
  it.each([
    ['docker.io/istio/pilot:1.28.1', '1.28.1'],
    ['docker.io/istio/pilot:1.28.1-distroless', '1.28.1'],
    ['localhost:5000/istio/pilot:1.27.3', '1.27.3'],
    ['gcr.io/istio-release/pilot:1.26.0@sha256:abc', '1.26.0'],
    ['pilot:1.25.2', '1.25.2'],
    ['localhost:5000/istio/pilot', undefined],
    ['docker.io/istio/pilot@sha256:abc', undefined],
    ['docker.io/istio/pilot:latest', undefined],
    ['docker.io/istio/pilot:1.28', undefined],
  ])('%s → %s', (image, version) => {
    expect(istioVersionOfImage(image)).toBe(version);
  });
});
