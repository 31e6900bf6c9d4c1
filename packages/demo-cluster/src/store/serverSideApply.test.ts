import {
  jsonMergePatch,
  leafPaths,
  serverSideApply,
  type Json,
} from './serverSideApply';

const sidecar = (
  hosts: string[],
  extra: Record<string, Json> = {},
): Record<string, Json> => ({
  apiVersion: 'networking.istio.io/v1',
  kind: 'Sidecar',
  metadata: { name: 'default', namespace: 'istio-demo', ...extra },
  spec: { egress: [{ hosts }] },
});

describe('serverSideApply', () => {
  it('treats lists as atomic and ignores server-owned metadata', () => {
    const leaves = leafPaths(
      sidecar(['./*'], { uid: 'x', labels: { a: 'b' } }),
    );
    expect([...leaves.keys()]).toEqual([
      '["metadata","labels","a"]',
      '["spec","egress"]',
    ]);
  });

  it('creates, then lets the same manager change and drop its fields', () => {
    const created = serverSideApply({
      current: undefined,
      ownership: new Map(),
      patch: sidecar(['./*'], { labels: { team: 'a' } }),
      manager: 'm',
      force: false,
    });
    if (!('object' in created)) throw new Error('conflict');
    const updated = serverSideApply({
      current: created.object,
      ownership: created.ownership,
      patch: sidecar(['./*', 'istio-system/*']),
      manager: 'm',
      force: false,
    });
    if (!('object' in updated)) throw new Error('conflict');
    expect(updated.object.spec).toEqual({
      egress: [{ hosts: ['./*', 'istio-system/*'] }],
    });
    expect(
      (updated.object.metadata as Record<string, Json>).labels,
    ).toBeUndefined();
  });

  it('reports a conflict when another manager owns a field that would change', () => {
    const created = serverSideApply({
      current: undefined,
      ownership: new Map(),
      patch: sidecar(['./*']),
      manager: 'kubectl',
      force: false,
    });
    if (!('object' in created)) throw new Error('conflict');
    const result = serverSideApply({
      current: created.object,
      ownership: created.ownership,
      patch: sidecar(['*/*']),
      manager: 'backstage',
      force: false,
    });
    expect(result).toEqual({
      conflicts: [{ manager: 'kubectl', field: '.spec.egress' }],
    });
  });

  it('shares ownership when the value is the same, and keeps fields another manager still owns', () => {
    const a = serverSideApply({
      current: undefined,
      ownership: new Map(),
      patch: sidecar(['./*']),
      manager: 'a',
      force: false,
    });
    if (!('object' in a)) throw new Error('conflict');
    const b = serverSideApply({
      current: a.object,
      ownership: a.ownership,
      patch: sidecar(['./*']),
      manager: 'b',
      force: false,
    });
    if (!('object' in b)) throw new Error('conflict');
    const { metadata, apiVersion, kind } = sidecar([]);
    const aDrops = serverSideApply({
      current: b.object,
      ownership: b.ownership,
      patch: { apiVersion, kind, metadata },
      manager: 'a',
      force: false,
    });
    if (!('object' in aDrops)) throw new Error('conflict');
    expect(aDrops.object.spec).toEqual({ egress: [{ hosts: ['./*'] }] });
  });

  it('takes ownership with force', () => {
    const created = serverSideApply({
      current: undefined,
      ownership: new Map(),
      patch: sidecar(['./*']),
      manager: 'kubectl',
      force: false,
    });
    if (!('object' in created)) throw new Error('conflict');
    const forced = serverSideApply({
      current: created.object,
      ownership: created.ownership,
      patch: sidecar(['*/*']),
      manager: 'backstage',
      force: true,
    });
    if (!('object' in forced)) throw new Error('conflict');
    expect(forced.object.spec).toEqual({ egress: [{ hosts: ['*/*'] }] });
    expect([...forced.ownership.keys()]).toEqual(['backstage']);
  });
});

describe('jsonMergePatch', () => {
  // The examples of RFC 7386, appendix A.
  it.each<[Json, Json, Json]>([
    [{ a: 'b' }, { a: 'c' }, { a: 'c' }],
    [{ a: 'b' }, { b: 'c' }, { a: 'b', b: 'c' }],
    [{ a: 'b' }, { a: null }, {}],
    [{ a: { b: 'c' } }, { a: { b: 'd', c: null } }, { a: { b: 'd' } }],
    [{ a: [{ b: 'c' }] }, { a: [1] }, { a: [1] }],
    [
      ['a', 'b'],
      ['c', 'd'],
      ['c', 'd'],
    ],
    [{ a: 'foo' }, 'bar', 'bar'],
    [{}, { a: { bb: { ccc: null } } }, { a: { bb: {} } }],
  ])('%j patched with %j is %j', (target, patch, result) => {
    expect(jsonMergePatch(target, patch)).toEqual(result);
  });
});
