import type { Entity } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import { entitySelection, equalityLabels } from './entitySelection';

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
        matchLabels: { 'backstage.io/kubernetes-id': 'productpage' },
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
      {
        labelSelector: 'backstage.io/kubernetes-id=details',
        cluster: 'demo',
        matchLabels: { 'backstage.io/kubernetes-id': 'details' },
      },
    ],
    [
      {
        'backstage.io/kubernetes-label-selector': 'app=reviews, team==books',
      },
      {
        labelSelector: 'app=reviews, team==books',
        matchLabels: { app: 'reviews', team: 'books' },
      },
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

  it.each([
    ['app=reviews', { app: 'reviews' }],
    [
      'app.kubernetes.io/name=reviews,tier=',
      { 'app.kubernetes.io/name': 'reviews', tier: '' },
    ],
    ['app=reviews,version in (v2,v3)', undefined],
    ['app=reviews,version!=v1', undefined],
    ['app', undefined],
    ['!canary', undefined],
    ['app=a,app=b', undefined],
    ['app=a b', undefined],
    ['-app=x', undefined],
  ])('equality labels of %s', (selector, expected) => {
    expect(equalityLabels(selector)).toEqual(expected);
  });
});
