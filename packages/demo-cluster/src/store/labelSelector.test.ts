import {
  matchesLabels,
  parseLabelSelector,
  SelectorError,
} from './labelSelector';

const labels = {
  app: 'reviews',
  version: 'v2',
  'backstage.io/kubernetes-id': 'reviews',
};

describe('label selectors', () => {
  it.each([
    ['', true],
    ['app=reviews', true],
    ['app==reviews', true],
    ['app=details', false],
    ['app!=details', true],
    ['version in (v2, v3)', true],
    ['version notin (v2,v3)', false],
    ['backstage.io/kubernetes-id=reviews,version', true],
    ['!version', false],
    ['!missing', true],
    ['app=reviews,version in (v1)', false],
  ])('%s → %s', (selector, expected) => {
    expect(matchesLabels(parseLabelSelector(selector), labels)).toBe(expected);
  });

  it.each([
    'app=re views',
    'app in (a',
    '=x',
    'a=b=c',
    `app=${'x'.repeat(64)}`,
    'bad key=1',
  ])('rejects %s', selector => {
    expect(() => parseLabelSelector(selector)).toThrow(SelectorError);
  });
});
