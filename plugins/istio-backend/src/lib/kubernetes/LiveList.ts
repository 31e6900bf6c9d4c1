import type { LoggerService } from '@backstage/backend-plugin-api';
import {
  ListWatch,
  type KubeConfig,
  type KubernetesListObject,
  type KubernetesObject,
} from '@kubernetes/client-node';
import { BoundedWatch, type BoundedWatchTimings } from './BoundedWatch';

/** Timings of a {@link LiveList}. */
export interface LiveListTimings extends BoundedWatchTimings {
  /** Wait before listing again after the watch failed; doubles while failures repeat. */
  retryMs: number;
  /**
   * Longest wait between lists while failures repeat (e.g. RBAC allows `list` but not
   * `watch`: each round lists the whole collection).
   */
  maxRetryMs: number;
}

const DEFAULT_TIMINGS: LiveListTimings = {
  retryMs: 5_000,
  maxRetryMs: 300_000,
  // Each watch is ended by the server after this long and resumed from its
  // resourceVersion (no list); one quiet past it counts as broken.
  timeoutSeconds: 300,
  answerTimeoutMs: 10_000,
};

/**
 * A live copy of one cluster-wide collection (e.g. every Service of a 2,000-service
 * mesh), kept by list + watch with client-node's informer, so requests read it in
 * memory instead of listing it each time.
 *
 * {@link LiveList.current} is undefined until a list has landed and whenever the watch
 * failed: callers then read the cluster directly, so a broken watch never passes off
 * stale objects as current. After a failure a new informer lists afresh; the failed
 * one is stopped and nothing it says is heard any more.
 */
export class LiveList<T extends KubernetesObject, P> {
  private informer?: ListWatch<T>;
  private synced = false;
  private changes = 0;
  private projected?: { at: number; value: P };
  /** An informer listing, not yet in use. */
  private starting?: ListWatch<T>;
  private timer?: NodeJS.Timeout;
  private stopped = true;
  /** Failures since a copy was last in use for a while (the back-off's exponent). */
  private failuresInARow = 0;
  private adoptedAt = 0;

  constructor(
    private readonly options: {
      kubeConfig: KubeConfig;
      /**
       * API path of the collection, e.g. `/api/v1/services`; a function is asked again
       * each time the list is made afresh (an Istio kind's path names the version the
       * cluster was last found to serve).
       */
      path: string | (() => string);
      list: () => Promise<KubernetesListObject<T>>;
      /** What callers get: computed once per change, not per request. */
      project: (items: readonly T[]) => P;
      logger: LoggerService;
      timings?: Partial<LiveListTimings>;
    },
  ) {}

  /** Starts listing and watching; does nothing when already started. */
  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.restart();
  }

  /** Stops watching and forgets the copy. */
  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.synced = false;
    this.projected = undefined;
    for (const informer of [this.informer, this.starting])
      informer?.stop().catch(() => {});
    this.informer = undefined;
    this.starting = undefined;
  }

  /**
   * Takes the copy out of use and lists afresh: for when this process has just changed
   * the collection, so nothing is answered from a copy the watch has not caught up with.
   */
  relist(): void {
    if (this.stopped) return;
    this.synced = false;
    this.restart();
  }

  /** The projection of the current copy, or undefined when it is not known to be current. */
  current(): P | undefined {
    if (!this.synced || !this.informer) return undefined;
    if (this.projected?.at !== this.changes)
      this.projected = {
        at: this.changes,
        value: this.options.project(this.informer.list()),
      };
    return this.projected.value;
  }

  /**
   * Lists afresh with a new informer and watches from there. A failure of the informer
   * in use takes it out of use and starts another after `retryMs`; an informer that
   * is no longer the one in use or being started is ignored, so stopping it (which
   * client-node reports as an error) never starts another.
   */
  private restart(): void {
    if (this.stopped) return;
    clearTimeout(this.timer);
    // One list at a time: an informer still listing is replaced, never left running
    // (taken out first, so what it reports on stopping is not heard).
    const replaced = this.starting;
    this.starting = undefined;
    replaced?.stop().catch(() => {});
    const timings = { ...DEFAULT_TIMINGS, ...this.options.timings };
    const { path } = this.options;
    const watched = typeof path === 'function' ? path() : path;
    const informer: ListWatch<T> = new ListWatch(
      watched,
      new BoundedWatch(this.options.kubeConfig, timings),
      async () => {
        const list = await this.options.list();
        // client-node's informer, stopped while it lists, still watches once the list
        // is in: one replaced meanwhile fails here instead, and nothing is heard of it.
        if (this.starting !== informer)
          throw new Error('Replaced while listing');
        // The informer stores the list right after this resolves, in the same turn.
        setImmediate(() => this.adopt(informer));
        return list;
      },
      false,
    );
    this.starting = informer;
    const live = () =>
      !this.stopped &&
      (this.informer === informer || this.starting === informer);
    const changed = () => {
      if (this.informer === informer) this.changes++;
    };
    informer.on('add', changed);
    informer.on('update', changed);
    informer.on('delete', changed);
    informer.on('error', error => {
      if (!live()) return;
      const inUseFor =
        this.informer === informer ? Date.now() - this.adoptedAt : 0;
      informer.stop().catch(() => {});
      if (this.informer === informer) {
        this.synced = false;
        this.informer = undefined;
      }
      if (this.starting === informer) this.starting = undefined;
      this.options.logger.warn(
        'Watching a cluster list failed; listing again',
        {
          path: watched,
          error: (error as Error)?.name ?? 'unknown',
        },
      );
      clearTimeout(this.timer);
      // A list already under way (after relist) takes over; otherwise list again later,
      // backing off while failures repeat, unless the copy had been in use a good while.
      if (inUseFor > timings.maxRetryMs) this.failuresInARow = 0;
      const delay = Math.min(
        timings.retryMs * 2 ** this.failuresInARow,
        timings.maxRetryMs,
      );
      this.failuresInARow++;
      if (!this.starting) {
        // A retry alone does not keep the process (or a test worker) alive.
        this.timer = setTimeout(() => this.restart(), delay).unref();
      }
    });
    informer.start().catch(() => {
      // Reported through the 'error' event above.
    });
  }

  /**
   * Puts a freshly listed informer in use, retiring the previous one (if any). One
   * that failed since its list landed (no longer starting nor in use) stays out.
   */
  private adopt(informer: ListWatch<T>): void {
    if (this.starting !== informer && this.informer !== informer) return;
    if (this.starting === informer) this.starting = undefined;
    if (this.stopped) {
      informer.stop().catch(() => {});
      return;
    }
    const previous = this.informer;
    this.informer = informer;
    this.adoptedAt = Date.now();
    this.changes++;
    this.synced = true;
    if (previous && previous !== informer) previous.stop().catch(() => {});
  }
}
