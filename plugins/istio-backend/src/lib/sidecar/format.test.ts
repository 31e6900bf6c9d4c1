import { formatCount, listNames, plural, shortHash } from './format';

describe('format', () => {
  it.each([
    [0, '0'],
    [999, '999'],
    [1000, '1,000'],
    [12345, '12,345'],
    [1234567.4, '1,234,567'],
    [-1234, '-1,234'],
  ])('formatCount(%s) = %s', (n, expected) => {
    expect(formatCount(n)).toBe(expected);
    expect(formatCount(n)).toBe(Math.round(n).toLocaleString('en-US'));
  });

  it('pluralizes', () => {
    expect(plural(1, 'request')).toBe('1 request');
    expect(plural(12345, 'request')).toBe('12,345 requests');
  });

  it('lists at most five names', () => {
    expect(listNames(['a', 'b'])).toBe('a, b');
    expect(listNames(['a', 'b', 'c', 'd', 'e', 'f', 'g'])).toBe(
      'a, b, c, d, e and 2 more',
    );
  });

  it('hashes stably', () => {
    expect(shortHash('abc')).toMatch(/^[0-9a-f]{8}$/);
    expect(shortHash('abc')).toBe(shortHash('abc'));
    expect(shortHash('abc')).not.toBe(shortHash('abd'));
  });
});
