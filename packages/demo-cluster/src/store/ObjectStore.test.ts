import { ObjectStore } from './ObjectStore';
import { RESOURCE_TYPES } from './resources';

const namespaces = RESOURCE_TYPES.find(t => t.plural === 'namespaces')!;
const ns = (labels: Record<string, string>) => ({
  apiVersion: 'v1',
  kind: 'Namespace',
  metadata: { name: 'team', labels },
});

describe('ObjectStore.apply', () => {
  it('keeps the resourceVersion when an apply changes nothing, as Kubernetes does', () => {
    const store = new ObjectStore();
    const options = { manager: 'm', force: false };
    const first = store.apply(namespaces, ns({ a: '1' }), options).object;
    const again = store.apply(namespaces, ns({ a: '1' }), options).object;
    expect(again.metadata.resourceVersion).toBe(first.metadata.resourceVersion);
    const changed = store.apply(namespaces, ns({ a: '2' }), options).object;
    expect(Number(changed.metadata.resourceVersion)).toBeGreaterThan(
      Number(first.metadata.resourceVersion),
    );
    expect(store.get(namespaces, undefined, 'team')?.metadata.labels).toEqual({
      a: '2',
    });
  });

  it('keeps the managedFields times too when an apply changes nothing, later', () => {
    jest.useFakeTimers({ now: new Date('2026-12-07T10:00:00Z') });
    try {
      const store = new ObjectStore();
      const options = { manager: 'm', force: false };
      store.apply(namespaces, ns({ a: '1' }), options);
      const before = store.get(namespaces, undefined, 'team');
      jest.setSystemTime(new Date('2026-12-07T10:05:00Z'));
      store.apply(namespaces, ns({ a: '1' }), options);
      expect(store.get(namespaces, undefined, 'team')).toEqual(before);
      // Another manager taking a share of the same value is recorded, with its time.
      store.apply(namespaces, ns({ a: '1' }), { manager: 'n', force: false });
      expect(
        store
          .get(namespaces, undefined, 'team')
          ?.metadata.managedFields?.map(
            f => (f as { manager: string }).manager,
          ),
      ).toEqual(['m', 'n']);
    } finally {
      jest.useRealTimers();
    }
  });
});

describe('ObjectStore.list', () => {
  it('lists in etcd key order (namespace, then name, compared as bytes), as the API server does', () => {
    const store = new ObjectStore();
    const options = { manager: 'm', force: false };
    for (const name of ['ab', 'a1', 'a.b', 'a-b', 'B'])
      store.apply(
        namespaces,
        { apiVersion: 'v1', kind: 'Namespace', metadata: { name } },
        options,
      );
    expect(store.list(namespaces).map(n => n.metadata.name)).toEqual([
      'B',
      'a-b',
      'a.b',
      'a1',
      'ab',
    ]);
  });
});

describe('ObjectStore.mergePatch', () => {
  const label = (labels: Record<string, string | null>) => ({
    metadata: { labels },
  });
  const managers = (store: ObjectStore) =>
    (
      store.get(namespaces, undefined, 'team')?.metadata
        .managedFields as Array<{
        manager: string;
        operation: string;
        fieldsV1: unknown;
      }>
    ).map(f => [f.manager, f.operation, f.fieldsV1]);

  it('gives the patching manager the fields it changes, taking them from the applier', () => {
    const store = new ObjectStore();
    store.apply(namespaces, ns({ a: '1', b: '1' }), {
      manager: 'backstage-istio',
      force: false,
    });
    store.mergePatch(namespaces, { name: 'team' }, label({ a: '2', c: '1' }), {
      manager: 'kubectl-label',
    });
    expect(store.get(namespaces, undefined, 'team')?.metadata.labels).toEqual({
      a: '2',
      b: '1',
      c: '1',
    });
    expect(managers(store)).toEqual([
      [
        'backstage-istio',
        'Apply',
        { 'f:metadata': { 'f:labels': { 'f:b': {} } } },
      ],
      [
        'kubectl-label',
        'Update',
        { 'f:metadata': { 'f:labels': { 'f:a': {}, 'f:c': {} } } },
      ],
    ]);
  });

  it('removes a field patched to null from every manager, and keeps the version when nothing changes', () => {
    const store = new ObjectStore();
    store.apply(namespaces, ns({ a: '1', b: '1' }), {
      manager: 'm',
      force: false,
    });
    store.mergePatch(namespaces, { name: 'team' }, label({ a: null }), {
      manager: 'kubectl-label',
    });
    const after = store.get(namespaces, undefined, 'team')!;
    expect(after.metadata.labels).toEqual({ b: '1' });
    expect(managers(store)).toEqual([
      ['m', 'Apply', { 'f:metadata': { 'f:labels': { 'f:b': {} } } }],
    ]);
    const same = store.mergePatch(
      namespaces,
      { name: 'team' },
      label({ b: '1' }),
      { manager: 'kubectl-label' },
    );
    expect(same.metadata.resourceVersion).toBe(after.metadata.resourceVersion);
  });

  it('stores nothing in a dry run, when the check refuses, or when the object is gone or stale', () => {
    const store = new ObjectStore();
    store.apply(namespaces, ns({ a: '1' }), { manager: 'm', force: false });
    const before = store.get(namespaces, undefined, 'team');
    const dry = store.mergePatch(
      namespaces,
      { name: 'team' },
      label({ a: '2' }),
      {
        manager: 'k',
        dryRun: true,
      },
    );
    expect(dry.metadata.labels).toEqual({ a: '2' });
    expect(() =>
      store.mergePatch(namespaces, { name: 'team' }, label({ a: '3' }), {
        manager: 'k',
        check: () => {
          throw new Error('denied');
        },
      }),
    ).toThrow('denied');
    expect(() =>
      store.mergePatch(namespaces, { name: 'gone' }, label({ a: '2' }), {
        manager: 'k',
      }),
    ).toThrow(expect.objectContaining({ code: 404, reason: 'NotFound' }));
    expect(() =>
      store.mergePatch(
        namespaces,
        { name: 'team' },
        { metadata: { resourceVersion: '1', labels: { a: '4' } } },
        { manager: 'k' },
      ),
    ).toThrow(expect.objectContaining({ code: 409, reason: 'Conflict' }));
    expect(store.get(namespaces, undefined, 'team')).toEqual(before);
  });
});

describe('ObjectStore.create', () => {
  it('answers AlreadyExists naming the object, and keeps the creator apart from its later applies', () => {
    const store = new ObjectStore();
    store.create(namespaces, ns({ a: '1' }), { manager: 'm' });
    expect(() =>
      store.create(namespaces, ns({ a: '1' }), { manager: 'm' }),
    ).toThrow(
      expect.objectContaining({
        code: 409,
        reason: 'AlreadyExists',
        details: { name: 'team', kind: 'namespaces' },
      }),
    );
    expect(() =>
      store.apply(namespaces, ns({ a: '2' }), { manager: 'm', force: false }),
    ).toThrow('conflict with "m" using v1: .metadata.labels.a');
    store.apply(namespaces, ns({ a: '1', b: '1' }), {
      manager: 'm',
      force: false,
    });
    expect(
      store
        .get(namespaces, undefined, 'team')
        ?.metadata.managedFields?.map(f => {
          const entry = f as { manager: string; operation: string };
          return `${entry.manager}:${entry.operation}`;
        }),
    ).toEqual(['m:Update', 'm:Apply']);
  });
});
