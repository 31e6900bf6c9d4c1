import { ConfigReader } from '@backstage/config';
import {
  entityFieldManager,
  fieldManagersOf,
  managerOwnsField,
} from './fieldManagers';
import {
  howToClaimNamespace,
  isOwner,
  NamespaceOwnerRules,
} from './namespaceOwners';

const namespace = (name: string, owner?: string) => ({
  metadata: {
    name,
    ...(owner ? { annotations: { 'istio-backstage.io/owner': owner } } : {}),
  },
});

describe('NamespaceOwnerRules', () => {
  const rules = NamespaceOwnerRules.fromConfig(
    new ConfigReader({
      istio: {
        apply: {
          namespaceOwners: [
            { namespace: 'payments', owners: ['payments-team'] },
            {
              namespace: 'payments',
              cluster: 'eu',
              owners: ['group:default/payments-eu'],
            },
          ],
          platformGroups: ['platform-team'],
        },
      },
    }),
  );

  it('takes the namespace annotation first, then the cluster mapping, then the namespace mapping', () => {
    expect(
      rules.ownersOf('eu', namespace('payments', 'user:default/ana')),
    ).toEqual({
      owners: ['user:default/ana'],
      source: 'annotation',
    });
    expect(rules.ownersOf('eu', namespace('payments'))).toEqual({
      owners: ['group:default/payments-eu'],
      source: 'config',
    });
    expect(rules.ownersOf('us', namespace('payments'))).toEqual({
      owners: ['group:default/payments-team'],
      source: 'config',
    });
    expect(rules.ownersOf('us', namespace('orders'))).toBeUndefined();
  });

  it('treats an annotation that is not an entity ref as no owner', () => {
    expect(
      rules.ownersOf('us', namespace('orders', 'not a ref:')),
    ).toBeUndefined();
  });

  it('says who is an owner and who is in a platform group', () => {
    const owners = rules.ownersOf('us', namespace('payments'));
    expect(
      isOwner(owners, ['user:default/bo', 'group:default/payments-team']),
    ).toBe(true);
    expect(isOwner(owners, ['user:default/bo'])).toBe(false);
    expect(isOwner(undefined, ['group:default/payments-team'])).toBe(false);
    expect(rules.isPlatformMember(['group:default/platform-team'])).toBe(true);
    expect(rules.isPlatformMember(['group:default/payments-team'])).toBe(false);
  });

  it.each([
    [
      { namespaceOwners: [{ namespace: 'Not_A_Namespace', owners: ['x'] }] },
      /namespaceOwners\[0\]\.namespace.*Not_A_Namespace/,
    ],
    [{ namespaceOwners: [{ namespace: 'payments' }] }, /owners/],
    [
      { namespaceOwners: [{ namespace: 'payments', owners: ['kind:'] }] },
      /namespaceOwners\[0\]\.owners.*not an entity ref/,
    ],
    [{ platformGroups: [':'] }, /platformGroups/],
  ])('names the key of a mistake: %j', (apply, message) => {
    expect(() =>
      NamespaceOwnerRules.fromConfig(new ConfigReader({ istio: { apply } })),
    ).toThrow(message);
  });

  it('tells how to claim a namespace', () => {
    expect(howToClaimNamespace('eu', 'orders')).toBe(
      "a platform engineer can claim it with `kubectl annotate namespace orders istio-backstage.io/owner=group:default/<team>` in cluster 'eu', or list it under istio.apply.namespaceOwners in the Backstage config",
    );
  });
});

describe('field managers', () => {
  it('names one field manager per entity, within the API server limit', () => {
    expect(entityFieldManager('component:default/productpage')).toBe(
      'backstage-istio/component.default.productpage',
    );
    const long = entityFieldManager(`component:default/${'a'.repeat(63)}x`);
    const other = entityFieldManager(`component:default/${'a'.repeat(63)}y`);
    expect(long.length).toBeLessThanOrEqual(128);
    expect(long).not.toBe(other);
  });

  const object = {
    metadata: {
      managedFields: [
        {
          manager: 'backstage-istio',
          operation: 'Apply',
          fieldsV1: {
            'f:metadata': {
              'f:labels': { 'f:app.kubernetes.io/managed-by': {} },
            },
          },
        },
        {
          manager: 'kubectl-annotate',
          operation: 'Update',
          fieldsV1: {
            'f:metadata': {
              'f:annotations': { 'f:istio-backstage.io/owner': {} },
            },
          },
        },
        { manager: 'before-first-apply', operation: 'Update', fieldsV1: {} },
      ],
    },
  };

  it('tells which manager wrote a field', () => {
    const label = ['metadata', 'labels', 'app.kubernetes.io/managed-by'];
    const owner = ['metadata', 'annotations', 'istio-backstage.io/owner'];
    expect(managerOwnsField(object, 'backstage-istio', label)).toBe(true);
    expect(managerOwnsField(object, 'backstage-istio', owner)).toBe(false);
    expect(managerOwnsField(object, 'kubectl-annotate', owner)).toBe(true);
    expect(managerOwnsField({ metadata: {} }, 'backstage-istio', label)).toBe(
      false,
    );
  });

  it('lists the managers that own fields', () => {
    expect(fieldManagersOf(object)).toEqual([
      'backstage-istio',
      'kubectl-annotate',
    ]);
  });
});
