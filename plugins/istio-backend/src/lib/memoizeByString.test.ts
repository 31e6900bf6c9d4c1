import { memoizeByString } from './memoizeByString';

describe('memoizeByString', () => {
  it('computes each distinct input once, undefined results included', () => {
    const compute = jest.fn((s: string) =>
      s === 'none' ? undefined : s.length,
    );
    const memo = memoizeByString(compute);
    expect([memo('abc'), memo('abc'), memo('none'), memo('none')]).toEqual([
      3,
      3,
      undefined,
      undefined,
    ]);
    expect(compute).toHaveBeenCalledTimes(2);
  });

  it('holds at most max inputs, dropping the least recently used', () => {
    const compute = jest.fn((s: string) => s.toUpperCase());
    const memo = memoizeByString(compute, 2);
    memo('a');
    memo('b');
    memo('a'); // a is now used more recently than b
    memo('c'); // full: drops b
    memo('a');
    expect(compute.mock.calls.map(([s]) => s)).toEqual(['a', 'b', 'c']);
    memo('b');
    expect(compute.mock.calls.map(([s]) => s)).toEqual(['a', 'b', 'c', 'b']);
  });

  it('computes each input once without a bound when max is Infinity', () => {
    const compute = jest.fn((s: string) => s.length);
    const memo = memoizeByString(compute, Infinity);
    for (let n = 0; n < 3_000; n++) memo(`image-${n % 1_500}`);
    expect(compute).toHaveBeenCalledTimes(1_500);
  });
});
