import {
  discoveredNamespaces,
  type NamespaceLabels,
} from './discoverySelectors';

const namespaces: NamespaceLabels[] = [
  { name: 'istio-system', labels: { 'istio-discovery': 'enabled' } },
  { name: 'payments', labels: { team: 'payments', env: 'prod' } },
  { name: 'checkout', labels: { team: 'checkout', env: 'dev' } },
  { name: 'legacy', labels: {} },
];

describe('discoveredNamespaces', () => {
  it.each([
    ['no selectors: every namespace', undefined, undefined],
    ['an empty list: every namespace', [], undefined],
    [
      'matchLabels',
      [{ matchLabels: { 'istio-discovery': 'enabled' } }],
      ['istio-system'],
    ],
    [
      'selectors are ORed',
      [
        { matchLabels: { 'istio-discovery': 'enabled' } },
        { matchLabels: { team: 'payments' } },
      ],
      ['istio-system', 'payments'],
    ],
    [
      'matchLabels and matchExpressions are ANDed',
      [
        {
          matchLabels: { team: 'payments' },
          matchExpressions: [{ key: 'env', operator: 'In', values: ['dev'] }],
        },
      ],
      [],
    ],
    [
      'In',
      [
        {
          matchExpressions: [
            { key: 'env', operator: 'In', values: ['prod', 'dev'] },
          ],
        },
      ],
      ['payments', 'checkout'],
    ],
    [
      'NotIn also holds where the label is absent',
      [
        {
          matchExpressions: [
            { key: 'env', operator: 'NotIn', values: ['prod'] },
          ],
        },
      ],
      ['istio-system', 'checkout', 'legacy'],
    ],
    [
      'Exists',
      [{ matchExpressions: [{ key: 'team', operator: 'Exists' }] }],
      ['payments', 'checkout'],
    ],
    [
      'DoesNotExist',
      [{ matchExpressions: [{ key: 'team', operator: 'DoesNotExist' }] }],
      ['istio-system', 'legacy'],
    ],
    [
      'an empty selector matches every namespace',
      [{}],
      ['istio-system', 'payments', 'checkout', 'legacy'],
    ],
    [
      'an unknown operator: unknown, so every namespace',
      [{ matchExpressions: [{ key: 'env', operator: 'Like', values: ['p'] }] }],
      undefined,
    ],
    ['a selector that is not an object: unknown', ['team=payments'], undefined],
  ])('%s', (_name, selectors, expected) => {
    expect(discoveredNamespaces(selectors, namespaces)).toEqual(expected);
  });
});
