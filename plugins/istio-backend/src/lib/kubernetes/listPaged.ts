import type { KubernetesApis } from '@istio-backstage/plugin-istio-node';

/** A Kubernetes list (or one page of it) as the server sends it. */
export interface WireList<T> {
  items?: T[];
  metadata?: { continue?: string };
}

/** Items per page: large enough for few round trips, small enough to parse in a blink. */
export const PAGE_SIZE = 500;

/**
 * Lists a whole collection page by page (`limit` / `continue`), keeping only
 * `keep(item)` of each item (an item it maps to `undefined` is dropped), so a list of
 * 10,000 pods is never in memory whole — the pager the API server offers for exactly
 * this. Pages are read as the server's plain JSON ({@link KubernetesApis.getJson}):
 * field names as in client-node's models, timestamps as strings.
 */
export async function listPaged<T, R>(
  apis: Pick<KubernetesApis, 'getJson'>,
  path: string,
  keep: (item: T) => R | undefined,
): Promise<R[]> {
  const kept: R[] = [];
  let next: string | undefined;
  do {
    const page = await apis.getJson<WireList<T>>(path, {
      limit: PAGE_SIZE,
      continue: next,
    });
    for (const item of page.items ?? []) {
      const value = keep(item);
      if (value !== undefined) kept.push(value);
    }
    next = page.metadata?.continue || undefined;
  } while (next);
  return kept;
}
