import { validateMeshNamespaceInput } from './input';
import { buildMeshNamespaceObjects, isOurNamespace } from './objects';

const build = (input: object) =>
  buildMeshNamespaceObjects(
    validateMeshNamespaceInput({
      cluster: 'demo',
      namespace: 'payments',
      ...input,
    }),
  );

const managed = { 'app.kubernetes.io/managed-by': 'backstage-istio' };

describe('buildMeshNamespaceObjects', () => {
  it('builds an injected namespace with the default Sidecar, and nothing optional', () => {
    expect(build({})).toEqual({
      namespace: {
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: {
          name: 'payments',
          labels: { ...managed, 'istio-injection': 'enabled' },
        },
      },
      namespaced: [
        {
          apiVersion: 'networking.istio.io/v1',
          kind: 'Sidecar',
          metadata: { name: 'default', namespace: 'payments', labels: managed },
          spec: { egress: [{ hosts: ['./*', 'istio-system/*'] }] },
        },
      ],
      notes: [],
    });
  });

  it.each([
    ['sidecar', {}, { 'istio-injection': 'enabled' }],
    ['a revision', { revision: 'canary' }, { 'istio.io/rev': 'canary' }],
    [
      'ambient',
      { dataPlaneMode: 'ambient' },
      { 'istio.io/dataplane-mode': 'ambient' },
    ],
  ])(
    'labels %s namespaces with exactly one data-plane label',
    (_case, input, labels) => {
      expect(build(input).namespace.metadata.labels).toEqual({
        ...managed,
        ...labels,
      });
    },
  );

  it('adds Telemetry, PeerAuthentication, the owner and extra egress hosts when asked', () => {
    const objects = build({
      owner: 'group:default/payments-team',
      tracingSampling: 12.5,
      mtls: 'STRICT',
      controlPlaneNamespace: 'istio-cp',
      extraEgressHosts: ['observability/*', './*'],
    });
    expect(objects.namespace.metadata.annotations).toEqual({
      'istio-backstage.io/owner': 'group:default/payments-team',
    });
    expect(
      objects.namespaced.map(o => [o.kind, o.metadata.name, o.spec]),
    ).toEqual([
      [
        'Sidecar',
        'default',
        { egress: [{ hosts: ['./*', 'istio-cp/*', 'observability/*'] }] },
      ],
      [
        'Telemetry',
        'default',
        { tracing: [{ randomSamplingPercentage: 12.5 }] },
      ],
      ['PeerAuthentication', 'default', { mtls: { mode: 'STRICT' } }],
    ]);
    for (const o of objects.namespaced) {
      expect(o.metadata.namespace).toBe('payments');
      expect(o.metadata.labels).toEqual(managed);
    }
  });

  it('writes no Sidecar in ambient mode, and says why', () => {
    const objects = build({ dataPlaneMode: 'ambient', mtls: 'STRICT' });
    expect(objects.namespaced.map(o => o.kind)).toEqual(['PeerAuthentication']);
    expect(objects.notes).toEqual([
      expect.stringMatching(/no effect on ambient/),
    ]);
  });

  it('writes no Sidecar when told not to', () => {
    expect(build({ defaultSidecar: false }).namespaced).toEqual([]);
  });
});

describe('isOurNamespace', () => {
  const labelField = { 'f:app.kubernetes.io/managed-by': {} };
  /** A namespace with the given labels, whose label fields each manager owns. */
  const ns = (
    labels: Record<string, string>,
    managers?: Array<[string, Record<string, unknown>]>,
  ) => ({
    metadata: {
      labels,
      ...(managers
        ? {
            managedFields: managers.map(([manager, fields]) => ({
              manager,
              operation: 'Apply',
              fieldsV1: { 'f:metadata': { 'f:labels': fields } },
            })),
          }
        : {}),
    },
  });
  it.each([
    [
      'our label, written by our field manager',
      ns(managed, [
        ['backstage-istio', labelField],
        ['kubectl', { 'f:team': {} }],
      ]),
      true,
    ],
    [
      'our label where the server reports no managed fields',
      ns(managed),
      false,
    ],
    ['no label', ns({}, [['backstage-istio', { 'f:team': {} }]]), false],
    [
      'another managed-by label',
      ns({ 'app.kubernetes.io/managed-by': 'Helm' }, [['helm', labelField]]),
      false,
    ],
    [
      'our label set by kubectl label, on a namespace we applied other fields of',
      ns(managed, [
        ['backstage-istio', { 'f:istio-injection': {} }],
        ['kubectl-label', labelField],
      ]),
      false,
    ],
  ])('%s: %s', (_case, object, expected) => {
    expect(isOurNamespace(object)).toBe(expected);
  });
});
