import { diagnosticConcernsNamespaces } from './diagnosticScope';

const namespaces = new Set(['shop']);

describe('diagnosticConcernsNamespaces', () => {
  it.each([
    ['an object in the namespace', 'IBS-GATEWAY-X', 'shop', true],
    ['an object elsewhere', 'IBS-GATEWAY-X', 'other', false],
    ['no object', 'IBS-SIDECAR-X', undefined, false],
    ['a mesh-wide tracing problem', 'IBS-TRACING-X', 'istio-system', true],
    ['a mesh-wide version problem', 'IBS-VERSION-X', undefined, true],
    ['a CNI problem', 'IBS-CNI-X', undefined, true],
    ['an image problem', 'IBS-IMAGE-X', 'other', true],
    ['a proxy problem', 'IBS-PROXY-X', 'other', true],
    [
      'a code that only contains a mesh-wide word',
      'X-IBS-TRACING-',
      'o',
      false,
    ],
  ])('%s → %s', (_case, code, namespace, expected) => {
    const object = namespace
      ? { kind: 'Pod', namespace, name: 'p' }
      : undefined;
    expect(diagnosticConcernsNamespaces({ code, object }, namespaces)).toBe(
      expected,
    );
  });
});
