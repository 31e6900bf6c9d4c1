import type { V1Service } from '@kubernetes/client-node';
import {
  parseImage,
  resolveServiceHost,
  splitHostPort,
  versionOfTag,
} from './parse';

describe('parseImage', () => {
  it.each([
    [
      'docker.io/istio/proxyv2:1.28.1',
      { hub: 'docker.io/istio', name: 'proxyv2', tag: '1.28.1' },
    ],
    [
      'registry.local:5000/istio/pilot:1.24.3-distroless',
      {
        hub: 'registry.local:5000/istio',
        name: 'pilot',
        tag: '1.24.3-distroless',
      },
    ],
    [
      'gcr.io/istio/pilot:1.11.0@sha256:abc',
      {
        hub: 'gcr.io/istio',
        name: 'pilot',
        tag: '1.11.0',
        digest: 'sha256:abc',
      },
    ],
    ['pilot', { name: 'pilot' }],
  ])('%s', (image, expected) => {
    expect(parseImage(image)).toEqual(expected);
  });

  it.each([
    ['1.28.1-distroless', '1.28.1'],
    ['v1.22', '1.22'],
    ['latest', undefined],
    [undefined, undefined],
  ])('version of tag %s is %s', (tag, version) => {
    expect(versionOfTag(tag)).toBe(version);
  });
});

describe('resolveServiceHost', () => {
  const services: V1Service[] = [
    {
      metadata: { name: 'jaeger-collector', namespace: 'observability' },
      spec: { ports: [{ port: 14268 }, { port: 9411 }] },
    },
    {
      metadata: { name: 'zipkin', namespace: 'istio-system' },
      spec: { ports: [{ port: 9411 }] },
    },
  ];
  it.each([
    ['jaeger-collector.observability', 9411, 'yes'],
    ['jaeger-collector.observability.svc.cluster.local', 9411, 'yes'],
    ['jaeger-collector.observability', 4317, 'no-port'],
    ['jaeger.observability.svc', 9411, 'no-service'],
    ['zipkin', 9411, 'yes'],
    ['collector.example.com', 443, 'external'],
  ])('%s:%s → %s', (host, port, exists) => {
    expect(
      resolveServiceHost(host, port, services, 'istio-system').exists,
    ).toBe(exists);
  });

  it('is unknown, not absent, when services could not be read', () => {
    expect(
      resolveServiceHost('zipkin.istio-system', 9411, undefined, 'istio-system')
        .exists,
    ).toBe('unknown');
  });

  it.each([
    [
      'jaeger-collector.observability:9411',
      { host: 'jaeger-collector.observability', port: 9411 },
    ],
    ['no-port', undefined],
    ['http://x:1', undefined],
  ])('splits %s', (address, expected) => {
    expect(splitHostPort(address)).toEqual(expected);
  });
});
