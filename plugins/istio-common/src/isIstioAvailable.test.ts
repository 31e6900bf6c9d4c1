import type { Entity } from '@backstage/catalog-model';
import { isIstioAvailable } from './isIstioAvailable';

function component(annotations?: Record<string, string>): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name: 'productpage', annotations },
    spec: {},
  };
}

describe('isIstioAvailable', () => {
  it.each([
    ['no annotations at all', undefined, false],
    [
      'unrelated annotations',
      { 'backstage.io/source-location': 'url:x' },
      false,
    ],
    [
      'only a namespace',
      { 'backstage.io/kubernetes-namespace': 'istio-demo' },
      false,
    ],
    ['a blank kubernetes id', { 'backstage.io/kubernetes-id': '  ' }, false],
    ['a kubernetes id', { 'backstage.io/kubernetes-id': 'productpage' }, true],
    [
      'a label selector',
      { 'backstage.io/kubernetes-label-selector': 'app=productpage' },
      true,
    ],
  ])('%s → %s', (_case, annotations, expected) => {
    expect(isIstioAvailable(component(annotations))).toBe(expected);
  });
});
