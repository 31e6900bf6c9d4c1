import { mockCredentials } from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { catalogDependencies } from './catalogDependencies';

const k8s = (id: string) => ({
  'backstage.io/kubernetes-id': id,
  'backstage.io/kubernetes-namespace': 'shop',
});

/** An entity with its relations written out both ways, as the catalog serves them. */
function entity(
  kind: string,
  name: string,
  relations: Array<[type: string, target: string]>,
  annotations: Record<string, string> = {},
): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind,
    metadata: { name, namespace: 'default', annotations },
    spec: {},
    relations: relations.map(([type, targetRef]) => ({ type, targetRef })),
  };
}

const shop: Entity[] = [
  entity(
    'Component',
    'frontend',
    [
      ['dependsOn', 'component:default/cart'],
      ['dependsOn', 'resource:default/db'],
      ['consumesApi', 'api:default/payments-api'],
    ],
    k8s('frontend'),
  ),
  entity(
    'Component',
    'cart',
    [['dependencyOf', 'component:default/frontend']],
    k8s('cart'),
  ),
  entity('Resource', 'db', [['dependencyOf', 'component:default/frontend']]),
  entity('API', 'payments-api', [
    ['apiConsumedBy', 'component:default/frontend'],
    ['apiProvidedBy', 'component:default/payments'],
  ]),
  entity(
    'Component',
    'payments',
    [['providesApi', 'api:default/payments-api']],
    k8s('payments'),
  ),
  // Depends on frontend, not a dependency of it.
  entity(
    'Component',
    'admin',
    [['dependsOn', 'component:default/frontend']],
    k8s('admin'),
  ),
];

describe('catalogDependencies', () => {
  it('finds dependsOn components and the providers of consumed APIs, skipping what has no Kubernetes annotations', async () => {
    const deps = await catalogDependencies(
      { kind: 'component', namespace: 'default', name: 'frontend' },
      catalogServiceMock({ entities: shop }),
      mockCredentials.user(),
    );
    expect(deps).toEqual([
      {
        entityRef: 'component:default/cart',
        namespace: 'shop',
        service: 'cart',
      },
      {
        entityRef: 'component:default/payments',
        namespace: 'shop',
        service: 'payments',
      },
    ]);
  });

  it('answers no dependencies for an entity nothing is related to', async () => {
    await expect(
      catalogDependencies(
        { kind: 'component', namespace: 'default', name: 'payments' },
        catalogServiceMock({ entities: shop }),
        mockCredentials.user(),
      ),
    ).resolves.toEqual([]);
  });

  it('asks on behalf of the caller, so what they cannot see is left out', async () => {
    const catalog = catalogServiceMock.mock({
      getEntities: async () => ({ items: [] }),
    });
    const credentials = mockCredentials.user('user:default/someone');
    await expect(
      catalogDependencies(
        { kind: 'component', namespace: 'default', name: 'frontend' },
        catalog,
        credentials,
      ),
    ).resolves.toEqual([]);
    expect(catalog.getEntities).toHaveBeenCalledWith(expect.anything(), {
      credentials,
    });
  });
});
