import { parse } from 'yaml';
import { multipleInjectionLabels } from './namespaceLabels';
import {
  healthyInventory,
  healthyMesh,
  inventoryWith,
  namespace,
  objectsOf,
} from './testFixtures';

describe('IBS-NAMESPACE-MULTIPLE-INJECTION-LABELS', () => {
  it.each([
    ['a healthy mesh', healthyInventory(), []],
    [
      'istio-injection and istio.io/rev on one namespace',
      inventoryWith({
        namespaces: [
          namespace('shop', {
            'istio-injection': 'enabled',
            'istio.io/rev': 'canary',
          }),
          namespace('billing', { 'istio.io/rev': 'canary' }),
        ],
      }),
      ['IBS-NAMESPACE-MULTIPLE-INJECTION-LABELS Namespace shop'],
    ],
    ['Namespaces unreadable', inventoryWith({ namespaces: undefined }), []],
  ])('%s', (_case, inventory, expected) => {
    expect(
      objectsOf(multipleInjectionLabels(inventory, healthyMesh())),
    ).toEqual(expected);
  });

  it.each([
    ['enabled', "pods are injected by the default revision, not 'canary'"],
    ['disabled', 'pods are not injected at all'],
  ])(
    'explains what istio-injection=%s does to the revision label',
    (value, effect) => {
      const [diagnostic] = multipleInjectionLabels(
        inventoryWith({
          namespaces: [
            namespace('shop', {
              'istio-injection': value,
              'istio.io/rev': 'canary',
            }),
          ],
        }),
        healthyMesh(),
      );
      expect(diagnostic.message).toContain(
        `Namespace shop has both istio-injection=${value} and istio.io/rev=canary`,
      );
      expect(diagnostic.message).toContain(effect);
      expect(parse(diagnostic.fix.yaml!).metadata).toEqual({
        name: 'shop',
        labels: { 'istio.io/rev': 'canary' },
      });
    },
  );
});
