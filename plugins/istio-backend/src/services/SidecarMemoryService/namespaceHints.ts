import { LRUCache } from 'lru-cache';

const keyOf = (cluster: string, labelSelector: string) =>
  JSON.stringify([cluster, labelSelector]);

/** Selections whose namespaces are remembered at most, in this process. */
export const NAMESPACE_HINTS_MAX = 1000;

/** An entity found in more namespaces than this gets no head start (no wide fan-out on a guess). */
export const MAX_HINTED_NAMESPACES = 3;

/**
 * Where each entity's pods were last found, per cluster and label selector. An entity
 * without a namespace annotation would otherwise have its namespace read only once its
 * pods are listed; with a hint, the namespaces it ran in last time are read alongside.
 * Only a head start: the answer is still built from the pods listed now, and a namespace
 * guessed wrong costs one namespace read that goes unused.
 */
export class NamespaceHints {
  private readonly last: LRUCache<string, readonly string[]>;

  constructor(max = NAMESPACE_HINTS_MAX) {
    this.last = new LRUCache({ max });
  }

  /** The namespaces to read ahead for a selection; empty when there is no hint. */
  get(cluster: string, labelSelector: string): readonly string[] {
    return this.last.get(keyOf(cluster, labelSelector)) ?? [];
  }

  /** Records where a selection's pods were just found (none, or too many, forgets it). */
  remember(
    cluster: string,
    labelSelector: string,
    namespaces: readonly string[],
  ): void {
    const key = keyOf(cluster, labelSelector);
    if (namespaces.length === 0 || namespaces.length > MAX_HINTED_NAMESPACES) {
      this.last.delete(key);
    } else {
      this.last.set(key, [...namespaces]);
    }
  }
}
