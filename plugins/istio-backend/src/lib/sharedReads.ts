/**
 * Shares reads of one kind of value between requests in this process: one read per key
 * at a time, and a successful result is reused for `ttlMs` (0: shared only while in
 * flight). A failure is never kept, so the next caller reads again. Expired values are
 * dropped whenever a read completes, so what is kept is bounded by what was read within
 * the last `ttlMs`.
 *
 * In process rather than through the cache service: the values are whole cluster-wide
 * lists (thousands of Services) and a namespace's objects, kept as objects, never
 * serialised.
 */
export class SharedReads<V> {
  private readonly done = new Map<string, { value: V; at: number }>();
  private readonly inFlight = new Map<string, Promise<V>>();

  constructor(
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {}

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

  /** Drops expired values, e.g. the Sidecars of an older store revision. */
  private sweep(): void {
    const now = this.now();
    for (const [key, kept] of this.done)
      if (now - kept.at >= this.ttlMs) this.done.delete(key);
  }
}
