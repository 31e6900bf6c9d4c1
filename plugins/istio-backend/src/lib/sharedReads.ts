import { LRUCache } from 'lru-cache';

/** Values a {@link SharedReads} keeps at most, by default. */
export const SHARED_READS_MAX = 500;

/**
 * Shares reads of one kind of value between requests in this process: one read per key
 * at a time, and a successful result is reused for `ttlMs` (0: shared only while in
 * flight). A failure is never kept, so the next caller reads again. What is kept is
 * bounded twice: expired values are dropped whenever a read completes, and at most
 * `maxKept` values are kept, the least recently used dropped first (keys that vary per
 * request must not grow it for the whole `ttlMs`).
 *
 * In process rather than through the cache service: the values are whole cluster-wide
 * lists (thousands of Services) and a namespace's objects, kept as objects, never
 * serialised.
 */
export class SharedReads<V> {
  private readonly done: LRUCache<string, { value: V; at: number }>;
  // Bounded by the reads running at once (admission bounds the requests).
  private readonly inFlight = new Map<string, Promise<V>>();

  constructor(
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
    maxKept: number = SHARED_READS_MAX,
  ) {
    // Freshness is checked here, measured from when the read started; the LRU only
    // bounds the count.
    this.done = new LRUCache({ max: maxKept });
  }

  /**
   * The value of `key`: reused while fresh, shared while being read, else read. A value
   * `keep` refuses is shared with the callers waiting for it, but not kept.
   */
  get(
    key: string,
    read: () => Promise<V>,
    keep: (value: V) => boolean = () => true,
  ): Promise<V> {
    const kept = this.done.get(key);
    if (kept && this.now() - kept.at < this.ttlMs)
      return Promise.resolve(kept.value);
    const pending = this.inFlight.get(key);
    if (pending) return pending;
    const started = this.now();
    const reading = read().then(
      value => {
        this.inFlight.delete(key);
        this.sweep();
        if (this.ttlMs > 0 && keep(value))
          this.done.set(key, { value, at: started });
        return value;
      },
      error => {
        this.inFlight.delete(key);
        throw error;
      },
    );
    this.inFlight.set(key, reading);
    return reading;
  }

  /** Forgets what is kept for `key` (a read in flight still completes for its callers). */
  forget(key: string): void {
    this.done.delete(key);
  }

  /** How many values are kept (expired ones included until the next sweep). */
  keptSize(): number {
    return this.done.size;
  }

  /** Drops expired values, e.g. the Sidecars of an older store revision. */
  private sweep(): void {
    const now = this.now();
    const expired: string[] = [];
    // forEach leaves the order of use as it is: a sweep is not a use.
    this.done.forEach((kept, key) => {
      if (now - kept.at >= this.ttlMs) expired.push(key);
    });
    for (const key of expired) this.done.delete(key);
  }
}
