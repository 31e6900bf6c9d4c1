import { mockCredentials } from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { readEntityWithDependencies } from './entityWithDependencies';

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

const FRONTEND = { kind: 'component', namespace: 'default', name: 'frontend' };

/** The entity's reference and its dependencies, as read for `ref`. */
async function read(
  ref: typeof FRONTEND,
  catalog = catalogServiceMock({ entities: shop }),
) {
  const found = await readEntityWithDependencies(
    ref,
    catalog,
    mockCredentials.user(),
  );
  return (
    found && {
      entity: `${found.entity.kind}:${found.entity.metadata.name}`,
      dependencies: (await found.dependencies).map(d => d.entityRef),
    }
  );
}

describe('readEntityWithDependencies', () => {
  it('reads the entity, its dependsOn components and the providers of consumed APIs, skipping what has no Kubernetes annotations', async () => {
    const found = await readEntityWithDependencies(
      FRONTEND,
      catalogServiceMock({ entities: shop }),
      mockCredentials.user(),
    );
    expect(found?.entity.metadata.annotations).toEqual(k8s('frontend'));
    await expect(found?.dependencies).resolves.toEqual([
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

  it('finds the entity and its dependencies in one catalog request when it consumes no APIs', async () => {
    const all = catalogServiceMock({ entities: shop });
    const catalog = catalogServiceMock.mock({
      getEntities: jest.fn((request, options) =>
        all.getEntities(request, options),
      ),
    });
    const cart = { ...FRONTEND, name: 'cart' };
    expect(await read(cart, catalog)).toEqual({
      entity: 'Component:cart',
      dependencies: [],
    });
    expect(catalog.getEntities).toHaveBeenCalledTimes(1);
    expect(catalog.getEntityByRef).not.toHaveBeenCalled();
    expect(catalog.getEntitiesByRefs).not.toHaveBeenCalled();
  });

  it('matches the reference as the catalog does, whatever its case', async () => {
    expect(
      await read({ kind: 'Component', namespace: 'default', name: 'Frontend' }),
    ).toEqual({
      entity: 'Component:frontend',
      dependencies: ['component:default/cart', 'component:default/payments'],
    });
  });

  it('answers no dependencies for an entity nothing is related to, and nothing for a missing entity', async () => {
    expect(await read({ ...FRONTEND, name: 'payments' })).toEqual({
      entity: 'Component:payments',
      dependencies: [],
    });
    expect(await read({ ...FRONTEND, name: 'nowhere' })).toBeUndefined();
  });

  it('does not take an entity that depends on the one asked for as the entity itself', async () => {
    // admin dependsOn frontend: it is neither frontend nor one of its dependencies.
    const found = await read(FRONTEND);
    expect(found?.entity).toBe('Component:frontend');
    expect(found?.dependencies).not.toContain('component:default/admin');
  });

  it('asks on behalf of the caller, so what they cannot see is missing', async () => {
    const catalog = catalogServiceMock.mock({
      getEntities: async () => ({ items: [] }),
    });
    const credentials = mockCredentials.user('user:default/someone');
    await expect(
      readEntityWithDependencies(FRONTEND, catalog, credentials),
    ).resolves.toBeUndefined();
    expect(catalog.getEntities).toHaveBeenCalledWith(expect.anything(), {
      credentials,
    });
  });

  it('reports a failed lookup of API providers through the dependencies, not the entity', async () => {
    const all = catalogServiceMock({ entities: shop });
    const catalog = catalogServiceMock.mock({
      getEntities: (request, options) => all.getEntities(request, options),
      getEntitiesByRefs: async () => {
        throw new Error('catalog unavailable');
      },
    });
    const found = await readEntityWithDependencies(
      FRONTEND,
      catalog,
      mockCredentials.user(),
    );
    expect(found?.entity.metadata.name).toBe('frontend');
    await expect(found?.dependencies).rejects.toThrow('catalog unavailable');
  });
});
