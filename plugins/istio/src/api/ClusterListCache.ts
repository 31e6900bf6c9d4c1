import type { IstioClustersResponse } from '@istio-backstage/plugin-istio-common';

/** How long the cluster list is reused before it is read again. */
export const DEFAULT_CLUSTERS_CACHE_TTL_MS = 5 * 60 * 1000;

/**
 * The backend's cluster list, read once and reused for a while: it changes rarely, and
 * every request that may carry user tokens needs it. Concurrent readers share one
 * request; a failed read is not kept, so the next reader tries again.
 */
export class ClusterListCache {
  private value?: { response: IstioClustersResponse; readAt: number };
  private pending?: Promise<IstioClustersResponse>;

  constructor(
    private readonly load: () => Promise<IstioClustersResponse>,
    private readonly ttlMs: number = DEFAULT_CLUSTERS_CACHE_TTL_MS,
    private readonly now: () => number = Date.now,
  ) {}

  /** Keeps a list the backend answered with another request, as if just read. */
  set(response: IstioClustersResponse): void {
    this.value = { response, readAt: this.now() };
  }

  get(): Promise<IstioClustersResponse> {
    if (this.value && this.now() - this.value.readAt < this.ttlMs)
      return Promise.resolve(this.value.response);
    if (!this.pending) {
      this.pending = this.load()
        .then(response => {
          this.value = { response, readAt: this.now() };
          return response;
        })
        .finally(() => {
          this.pending = undefined;
        });
    }
    return this.pending;
  }
}
