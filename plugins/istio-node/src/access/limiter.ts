/**
 * Runs at most `max` tasks at once; the rest wait in order. A finished task hands its
 * slot to the next one only after its own outcome has been handled (on the next turn of
 * the event loop): a failure that shows the server stopped answering is known before a
 * waiting request is sent to it.
 */
export function createLimiter(max: number) {
  let active = 0;
  const waiting: Array<() => void> = [];
  return async function run<T>(task: () => Promise<T>): Promise<T> {
    if (active < max) active++;
    else await new Promise<void>(resolve => waiting.push(resolve));
    try {
      return await task();
    } finally {
      const next = waiting.shift();
      if (next) setImmediate(next);
      else active--;
    }
  };
}
