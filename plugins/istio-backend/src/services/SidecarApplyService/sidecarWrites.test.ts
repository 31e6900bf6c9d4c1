import { applyDigest, changesOf, markedForEntity } from './sidecarWrites';

const sidecar = (spec: object, annotations: Record<string, string> = {}) => ({
  apiVersion: 'networking.istio.io/v1',
  kind: 'Sidecar',
  metadata: { name: 'productpage', namespace: 'istio-demo', annotations },
  spec,
});

describe('changesOf', () => {
  const egress = [{ hosts: ['./*', 'istio-system/*'] }];

  it('calls a Sidecar unchanged only when its whole spec, labels and annotations are', () => {
    const same = sidecar({ egress });
    expect(changesOf([same], [same], [same], 'istio-demo')[0].action).toBe(
      'unchanged',
    );
    // Same egress hosts, but the outbound policy differs: that is a change.
    const before = sidecar({
      egress,
      outboundTrafficPolicy: { mode: 'ALLOW_ANY' },
    });
    const after = sidecar({
      egress,
      outboundTrafficPolicy: { mode: 'REGISTRY_ONLY' },
    });
    expect(changesOf([after], [before], [after], 'istio-demo')[0]).toEqual({
      name: 'productpage',
      namespace: 'istio-demo',
      action: 'configured',
      hostsBefore: ['./*', 'istio-system/*'],
      hostsAfter: ['./*', 'istio-system/*'],
    });
    expect(changesOf([same], [undefined], [same], 'istio-demo')[0].action).toBe(
      'created',
    );
  });
});

describe('applyDigest', () => {
  const objects = markedForEntity(
    [sidecar({ egress: [{ hosts: ['./*'] }] })],
    'component:default/productpage',
  );
  const base = {
    user: 'user:default/ana',
    entityRef: 'component:default/productpage',
    cluster: 'demo',
    namespace: 'istio-demo',
    objects,
    existing: [undefined],
  };

  it('is the same for the same apply, whatever the order of keys', () => {
    const [o] = objects;
    const reordered = {
      ...base,
      objects: [
        {
          spec: o.spec,
          metadata: o.metadata,
          kind: o.kind,
          apiVersion: o.apiVersion,
        },
      ],
    };
    expect(applyDigest(reordered)).toBe(applyDigest(base));
  });

  it.each([
    ['another user', { user: 'user:default/bo' }],
    ['another cluster', { cluster: 'other' }],
    [
      'other objects',
      { objects: markedForEntity([sidecar({ egress: [] })], base.entityRef) },
    ],
    [
      'an existing Sidecar seen',
      {
        existing: [
          {
            ...objects[0],
            metadata: { ...objects[0].metadata, resourceVersion: '7' },
          },
        ],
      },
    ],
  ])('changes with %s', (_case, change) => {
    expect(applyDigest({ ...base, ...change })).not.toBe(applyDigest(base));
  });
});
