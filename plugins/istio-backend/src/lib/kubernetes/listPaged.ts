/** One page of a Kubernetes list, as client-node returns it. */
interface Page<T> {
  items: T[];
  metadata?: { _continue?: string };
}

/** Items per page: large enough for few round trips, small enough to parse in a blink. */
export const PAGE_SIZE = 500;

/**
 * Lists a whole collection page by page (`limit` / `continue`), keeping only
 * `keep(item)` of each item, so a list of 10,000 pods is never in memory whole — the
 * pager the API server offers for exactly this.
 */
export async function listPaged<T, R>(
  readPage: (options: {
    limit: number;
    _continue?: string;
  }) => Promise<Page<T>>,
  keep: (item: T) => R,
): Promise<R[]> {
  const kept: R[] = [];
  let next: string | undefined;
  do {
    const page = await readPage({
      limit: PAGE_SIZE,
      ...(next ? { _continue: next } : {}),
    });
    for (const item of page.items) kept.push(keep(item));
    next = page.metadata?._continue || undefined;
  } while (next);
  return kept;
}
