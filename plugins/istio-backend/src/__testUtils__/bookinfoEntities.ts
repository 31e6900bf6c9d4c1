import type { Entity } from '@backstage/catalog-model';

const component = (
  name: string,
  dependsOn: string[] = [],
  annotations: Record<string, string> = {
    'backstage.io/kubernetes-id': name,
    'backstage.io/kubernetes-namespace': 'istio-demo',
  },
): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name, namespace: 'default', annotations },
  spec: {
    type: 'service',
    lifecycle: 'production',
    owner: 'group:default/bookinfo-team',
    system: 'bookinfo',
  },
  // The catalog mock does not process entities, so relations are written out here.
  relations: [
    { type: 'ownedBy', targetRef: 'group:default/bookinfo-team' },
    ...dependsOn.map(target => ({
      type: 'dependsOn',
      targetRef: `component:default/${target}`,
    })),
  ],
});

/** Adds each `dependsOn` relation's reverse, `dependencyOf`, as the catalog does. */
function withReverseRelations(entities: Entity[]): Entity[] {
  return entities.map(entity => {
    const ref = `component:default/${entity.metadata.name}`;
    const dependents = entities.filter(other =>
      other.relations?.some(r => r.type === 'dependsOn' && r.targetRef === ref),
    );
    return {
      ...entity,
      relations: [
        ...(entity.relations ?? []),
        ...dependents.map(other => ({
          type: 'dependencyOf',
          targetRef: `component:default/${other.metadata.name}`,
        })),
      ],
    };
  });
}

/** The demo catalog's bookinfo components, as the catalog would serve them. */
export const bookinfoEntities: Entity[] = withReverseRelations([
  component('productpage', ['details', 'reviews']),
  component('details'),
  component('reviews', ['ratings']),
  component('ratings'),
  component('website', [], {}),
]);
