import { MAX_HINTED_NAMESPACES, NamespaceHints } from './namespaceHints';

describe('NamespaceHints', () => {
  it('gives back where a selection was last found, per cluster and selector', () => {
    const hints = new NamespaceHints();
    hints.remember('demo', 'app=reviews', ['bookinfo']);
    expect(hints.get('demo', 'app=reviews')).toEqual(['bookinfo']);
    expect(hints.get('demo', 'app=ratings')).toEqual([]);
    expect(hints.get('other', 'app=reviews')).toEqual([]);
  });

  it('keys cluster and selector apart (no separator to collide on)', () => {
    const hints = new NamespaceHints();
    hints.remember('a|b', 'c', ['one']);
    expect(hints.get('a', 'b|c')).toEqual([]);
  });

  it('forgets a selection found nowhere, or in too many namespaces', () => {
    const hints = new NamespaceHints();
    hints.remember('demo', 'app=reviews', ['bookinfo']);
    hints.remember('demo', 'app=reviews', []);
    expect(hints.get('demo', 'app=reviews')).toEqual([]);

    hints.remember('demo', 'app=reviews', ['bookinfo']);
    const many = Array.from(
      { length: MAX_HINTED_NAMESPACES + 1 },
      (_, i) => `ns-${i}`,
    );
    hints.remember('demo', 'app=reviews', many);
    expect(hints.get('demo', 'app=reviews')).toEqual([]);
  });

  it('keeps its own copy, and at most `max` selections', () => {
    const hints = new NamespaceHints(2);
    const found = ['bookinfo'];
    hints.remember('demo', 'app=a', found);
    found.push('changed');
    expect(hints.get('demo', 'app=a')).toEqual(['bookinfo']);
    hints.remember('demo', 'app=b', ['b']);
    hints.remember('demo', 'app=c', ['c']);
    expect(hints.get('demo', 'app=a')).toEqual([]);
    expect(hints.get('demo', 'app=c')).toEqual(['c']);
  });
});
