import type { Entity } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import { entitySelection } from './entitySelection';

const entity = (annotations: Record<string, string>): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'x', annotations },
});

describe('entitySelection', () => {
  it.each([
    [
      {
        'backstage.io/kubernetes-id': 'productpage',
        'backstage.io/kubernetes-namespace': 'istio-demo',
      },
      {
        labelSelector: 'backstage.io/kubernetes-id=productpage',
        namespace: 'istio-demo',
      },
    ],
    [
      {
        'backstage.io/kubernetes-label-selector':
          'app=reviews,version in (v2,v3)',
        'backstage.io/kubernetes-id': 'ignored',
      },
      { labelSelector: 'app=reviews,version in (v2,v3)' },
    ],
    [
      {
        'backstage.io/kubernetes-id': 'details',
        'backstage.io/kubernetes-cluster': 'demo',
      },
      { labelSelector: 'backstage.io/kubernetes-id=details', cluster: 'demo' },
    ],
  ])('%j', (annotations, expected) => {
    expect(entitySelection(entity(annotations))).toEqual(expected);
  });

  it.each([
    [{}],
    [{ 'backstage.io/kubernetes-id': 'a b' }],
    [
      {
        'backstage.io/kubernetes-id': 'x',
        'backstage.io/kubernetes-namespace': 'Istio_Demo',
      },
    ],
    [
      {
        'backstage.io/kubernetes-id': 'x',
        'backstage.io/kubernetes-namespace': '../../etc',
      },
    ],
    [{ 'backstage.io/kubernetes-label-selector': 'app="x"}' }],
    [{ 'backstage.io/kubernetes-id': 'x"} or vector(1)' }],
  ])('rejects %j before any call', annotations => {
    expect(() => entitySelection(entity(annotations))).toThrow(InputError);
  });
});
