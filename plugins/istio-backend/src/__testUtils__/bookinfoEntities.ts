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

/** The demo catalog's bookinfo components, as the catalog would serve them. */
export const bookinfoEntities: Entity[] = [
  component('productpage', ['details', 'reviews']),
  component('details'),
  component('reviews', ['ratings']),
  component('ratings'),
  component('website', [], {}),
];
