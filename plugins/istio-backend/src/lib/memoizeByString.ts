import { LRUCache } from 'lru-cache';

/**
 * Memoises a pure function of a string, for inputs repeated across thousands of pods
 * (images, the injector's status annotation): each distinct input is computed once
 * instead of once per pod. Holds at most `max` inputs, the least recently used dropped
 * first, so it never grows with the clusters it has seen (`Infinity` only for a memo
 * dropped with the read it serves). Results are shared: never change them.
 */
export function memoizeByString<R>(
  compute: (input: string) => R,
  max = 1000,
): (input: string) => R {
  if (max === Infinity) return unboundedMemo(compute);
  // Boxed: the LRU cannot hold undefined, and undefined is a result like any other.
  const results = new LRUCache<string, { result: R }>({ max });
  return input => {
    const kept = results.get(input);
    if (kept) return kept.result;
    const result = compute(input);
    results.set(input, { result });
    return result;
  };
}

/** A memo without bound, cheaper than an LRU (no order of use to keep). */
function unboundedMemo<R>(compute: (input: string) => R) {
  const results = new Map<string, R>();
  return (input: string): R => {
    if (results.has(input)) return results.get(input) as R;
    const result = compute(input);
    results.set(input, result);
    return result;
  };
}
