import {
  dataPlaneModeOf,
  entityNameFor,
  namespaceEntity,
  type DataPlaneMode,
} from './namespaceEntity';

describe('dataPlaneModeOf', () => {
  it.each<[Record<string, string>, DataPlaneMode]>([
    [{ 'istio-injection': 'enabled' }, 'sidecar'],
    [{ 'istio.io/rev': 'canary' }, 'sidecar'],
    [{ 'istio.io/dataplane-mode': 'ambient' }, 'ambient'],
    // An injection label keeps a namespace out of ambient.
    [
      { 'istio.io/dataplane-mode': 'ambient', 'istio-injection': 'enabled' },
      'sidecar',
    ],
    [{ 'istio.io/dataplane-mode': 'ambient', 'istio.io/rev': 'x' }, 'sidecar'],
    // `istio-injection=disabled` wins over a revision label.
    [{ 'istio-injection': 'disabled', 'istio.io/rev': 'canary' }, 'none'],
    [
      { 'istio-injection': 'disabled', 'istio.io/dataplane-mode': 'ambient' },
      'ambient',
    ],
    [{ 'istio.io/dataplane-mode': 'none' }, 'none'],
    [{}, 'none'],
  ])('%j is %s', (labels, mode) => {
    expect(dataPlaneModeOf(labels)).toBe(mode);
  });
});

describe('entityNameFor', () => {
  it.each([
    ['demo', 'orders', false, 'orders'],
    ['demo', 'orders', true, 'demo.orders'],
    ['prod.eu', 'orders', true, 'prod.eu.orders'],
    ['a', 'x'.repeat(63), false, 'x'.repeat(63)],
    ['a', 'x'.repeat(62), true, undefined],
  ])('%s/%s (multi %s) is %s', (cluster, namespace, multi, name) => {
    expect(entityNameFor(cluster, namespace, multi)).toBe(name);
  });

  it('never gives two cluster/namespace pairs the same name', () => {
    // The pairs `<cluster>-<namespace>` would confuse.
    const pairs: Array<[string, string]> = [
      ['a-b', 'c'],
      ['a', 'b-c'],
      ['a.b', 'c'],
      ['a', 'b'],
      ['a_b', 'c'],
    ];
    const names = pairs.map(([c, n]) => entityNameFor(c, n, true));
    expect(new Set(names).size).toBe(pairs.length);
  });
});

describe('namespaceEntity', () => {
  /**
   * A namespace as the action leaves it: its managed-by label, and each annotation,
   * written by `backstage-istio` (unless `writers` says who else wrote them).
   */
  const ns = (
    name: string,
    labels: Record<string, string>,
    annotations?: Record<string, string>,
    writers: { label?: string; annotations?: string } = {},
  ) => {
    const labelWriter = writers.label ?? 'backstage-istio';
    const annotationWriter = writers.annotations ?? 'backstage-istio';
    const fields = (keys: string[]) =>
      Object.fromEntries(keys.map(k => [`f:${k}`, {}]));
    const owned: Record<string, Record<string, unknown>> = {};
    const add = (manager: string, part: string, keys: string[]) => {
      owned[manager] ??= {};
      owned[manager][`f:${part}`] = fields(keys);
    };
    add(labelWriter, 'labels', ['app.kubernetes.io/managed-by']);
    if (annotations)
      add(annotationWriter, 'annotations', Object.keys(annotations));
    return {
      metadata: {
        name,
        labels: {
          'app.kubernetes.io/managed-by': 'backstage-istio',
          ...labels,
        },
        annotations,
        managedFields: Object.entries(owned).map(([manager, metadata]) => ({
          manager,
          operation: manager === 'backstage-istio' ? 'Apply' : 'Update',
          fieldsV1: { 'f:metadata': metadata },
        })),
      },
    };
  };

  it('maps a namespace created by istio:namespace:create', () => {
    expect(
      namespaceEntity({
        cluster: 'demo',
        multiCluster: false,
        namespace: ns(
          'orders',
          {
            'app.kubernetes.io/managed-by': 'backstage-istio',
            'istio.io/rev': 'canary',
          },
          { 'istio-backstage.io/owner': 'group:default/platform-team' },
        ),
      }),
    ).toEqual({
      ok: true,
      entity: {
        apiVersion: 'backstage.io/v1alpha1',
        kind: 'Resource',
        metadata: {
          name: 'orders',
          namespace: 'default',
          description: 'Istio mesh namespace orders on cluster demo',
          labels: {
            'istio-backstage.io/dataplane-mode': 'sidecar',
            'istio-backstage.io/revision': 'canary',
          },
          annotations: {
            'backstage.io/managed-by-location': 'istio-mesh-namespaces:demo',
            'backstage.io/managed-by-origin-location':
              'istio-mesh-namespaces:demo',
            'backstage.io/kubernetes-namespace': 'orders',
            'backstage.io/kubernetes-id': 'orders',
            'backstage.io/kubernetes-cluster': 'demo',
          },
        },
        spec: {
          type: 'kubernetes-namespace',
          owner: 'group:default/platform-team',
        },
      },
    });
  });

  it('qualifies the name and titles the entity with the cluster when there are several', () => {
    const result = namespaceEntity({
      cluster: 'prod',
      multiCluster: true,
      namespace: ns('orders', {}, { 'istio-backstage.io/owner': 'team-a' }),
    });
    expect(result).toMatchObject({
      ok: true,
      entity: {
        metadata: { name: 'prod.orders', title: 'orders (prod)' },
        spec: { owner: 'group:default/team-a' },
      },
    });
  });

  it.each([
    ['user:default/jane', undefined, 'user:default/jane'],
    ['Group:platform/Ops', undefined, 'group:platform/ops'],
    [undefined, 'group:default/platform-team', 'group:default/platform-team'],
    // An annotation that is no entity ref falls back to the default owner.
    [
      'not a ref!',
      'group:default/platform-team',
      'group:default/platform-team',
    ],
    ['a:b:c/d', 'group:default/platform-team', 'group:default/platform-team'],
  ])(
    'owner annotation %j with default %j owns by %s',
    (annotated, fallback, owner) => {
      const result = namespaceEntity({
        cluster: 'demo',
        multiCluster: false,
        namespace: ns(
          'orders',
          {},
          annotated ? { 'istio-backstage.io/owner': annotated } : undefined,
        ),
        defaultOwner: fallback,
      });
      expect(result.ok && result.entity.spec?.owner).toBe(owner);
    },
  );

  it.each([
    [undefined, /no istio-backstage.io\/owner annotation/],
    ['group:default/', /annotation is not an entity ref/],
    ['group:default/bad name', /annotation is not an entity ref/],
    ['group:Upper/team', /annotation is not an entity ref/],
  ])(
    'skips a namespace whose owner is %j and no default is set',
    (annotated, reason) => {
      const result = namespaceEntity({
        cluster: 'demo',
        multiCluster: false,
        namespace: ns(
          'orders',
          {},
          annotated ? { 'istio-backstage.io/owner': annotated } : undefined,
        ),
      });
      expect(result).toEqual({
        ok: false,
        namespace: 'orders',
        reason: expect.stringMatching(reason),
      });
    },
  );

  it.each([
    ['kubectl-label', undefined],
    ['kubectl-label', 'group:default/platform-team'],
    ['helm', 'group:default/platform-team'],
  ])(
    'gives no entity, whatever the default owner, to a namespace whose label %s wrote (default %j)',
    (labelWriter, defaultOwner) => {
      const result = namespaceEntity({
        cluster: 'demo',
        multiCluster: false,
        namespace: ns(
          'injected',
          {},
          { 'istio-backstage.io/owner': 'group:default/intruders' },
          { label: labelWriter, annotations: labelWriter },
        ),
        defaultOwner,
      });
      expect(result).toEqual({
        ok: false,
        namespace: 'injected',
        reason: `its app.kubernetes.io/managed-by label was not written by backstage-istio (field managers: ${labelWriter}), so istio:namespace:create did not make it`,
      });
    },
  );

  it('gives no entity to a labelled namespace that reports no managed fields', () => {
    const result = namespaceEntity({
      cluster: 'demo',
      multiCluster: false,
      namespace: {
        metadata: {
          name: 'bare',
          labels: { 'app.kubernetes.io/managed-by': 'backstage-istio' },
          annotations: { 'istio-backstage.io/owner': 'group:default/x' },
        },
      },
      defaultOwner: 'group:default/platform-team',
    });
    expect(result).toMatchObject({ ok: false, namespace: 'bare' });
  });

  it('ignores an owner annotation someone else wrote: the default owner, else no entity', () => {
    const annotatedByHand = ns(
      'orders',
      {},
      { 'istio-backstage.io/owner': 'group:default/intruders' },
      { annotations: 'kubectl-annotate' },
    );
    const withDefault = namespaceEntity({
      cluster: 'demo',
      multiCluster: false,
      namespace: annotatedByHand,
      defaultOwner: 'group:default/platform-team',
    });
    expect(withDefault.ok && withDefault.entity.spec?.owner).toBe(
      'group:default/platform-team',
    );
    expect(
      namespaceEntity({
        cluster: 'demo',
        multiCluster: false,
        namespace: annotatedByHand,
      }),
    ).toEqual({
      ok: false,
      namespace: 'orders',
      reason:
        'its istio-backstage.io/owner annotation was not written by backstage-istio and no default owner is configured',
    });
  });

  it('skips a namespace whose qualified name is too long', () => {
    const result = namespaceEntity({
      cluster: 'c'.repeat(40),
      multiCluster: true,
      namespace: ns('n'.repeat(30), {}, { 'istio-backstage.io/owner': 'x' }),
    });
    expect(result).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/longer than 63/),
    });
  });

  it('leaves out a revision that is not a valid label value', () => {
    const result = namespaceEntity({
      cluster: 'demo',
      multiCluster: false,
      namespace: ns(
        'orders',
        { 'istio.io/rev': '-bad-' },
        { 'istio-backstage.io/owner': 'x' },
      ),
    });
    expect(result.ok && result.entity.metadata.labels).toEqual({
      'istio-backstage.io/dataplane-mode': 'sidecar',
    });
  });
});
