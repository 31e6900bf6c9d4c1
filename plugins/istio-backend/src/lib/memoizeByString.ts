/**
 * Memoises a pure function of a string, for inputs repeated across thousands of pods
 * (images, the injector's status annotation): each distinct input is computed once
 * instead of once per pod. Holds at most `max` inputs (and starts over when full), so
 * it never grows with the clusters it has seen. Results are shared: never change them.
 */
export function memoizeByString<R>(
  compute: (input: string) => R,
  max = 1000,
): (input: string) => R {
  const results = new Map<string, R>();
  return input => {
    if (results.has(input)) return results.get(input) as R;
    if (results.size >= max) results.clear();
    const result = compute(input);
    results.set(input, result);
    return result;
  };
}
