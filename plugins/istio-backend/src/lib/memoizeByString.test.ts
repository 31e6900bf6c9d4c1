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

  it('holds at most max inputs', () => {
    const compute = jest.fn((s: string) => s.toUpperCase());
    const memo = memoizeByString(compute, 2);
    memo('a');
    memo('b');
    memo('c'); // full: starts over with c
    memo('a');
    expect(compute.mock.calls.map(([s]) => s)).toEqual(['a', 'b', 'c', 'a']);
    memo('c');
    expect(compute).toHaveBeenCalledTimes(4);
  });
});
