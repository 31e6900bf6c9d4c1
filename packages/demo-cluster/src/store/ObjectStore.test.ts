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
