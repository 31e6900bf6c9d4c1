import type { IstioDiagnostic } from './meshConfigTypes';
import {
  diagnosticConcernsNamespaces,
  diagnosticNamespace,
} from './diagnosticScope';

const namespaces = new Set(['shop']);
type Ref = IstioDiagnostic['object'];

const pod = (namespace: string): Ref => ({
  kind: 'Pod',
  namespace,
  name: 'p',
});

describe('diagnosticConcernsNamespaces', () => {
  it.each<[string, IstioDiagnostic['scope'], Ref, boolean]>([
    ['an object in the namespace', 'object', pod('shop'), true],
    ['an object elsewhere', 'object', pod('other'), false],
    ['an object-scoped finding without an object', 'object', undefined, false],
    [
      'a mesh-wide finding naming another namespace',
      'mesh',
      pod('other'),
      true,
    ],
    ['a mesh-wide finding without an object', 'mesh', undefined, true],
    [
      'the Namespace itself',
      'namespace',
      { kind: 'Namespace', name: 'shop' },
      true,
    ],
    [
      'another Namespace',
      'namespace',
      { kind: 'Namespace', name: 'team-001' },
      false,
    ],
    ['a pod of the namespace', 'namespace', pod('shop'), true],
    [
      'a cluster-scoped object named like the namespace',
      'object',
      { kind: 'ClusterRole', name: 'shop' },
      false,
    ],
  ])('%s', (_case, scope, object, expected) => {
    expect(diagnosticConcernsNamespaces({ scope, object }, namespaces)).toBe(
      expected,
    );
  });

  it('goes by scope, not by code: an unknown code is judged like any other', () => {
    const finding = { code: 'IBS-FUTURE-CODE', scope: 'mesh' as const };
    expect(diagnosticConcernsNamespaces(finding, namespaces)).toBe(true);
  });
});

describe('diagnosticNamespace', () => {
  it.each<[Ref, string | undefined]>([
    [pod('shop'), 'shop'],
    [{ kind: 'Namespace', name: 'team-001' }, 'team-001'],
    [{ kind: 'ClusterRole', name: 'x' }, undefined],
    [undefined, undefined],
  ])('%j → %s', (object, expected) => {
    expect(diagnosticNamespace({ object })).toBe(expected);
  });
});
