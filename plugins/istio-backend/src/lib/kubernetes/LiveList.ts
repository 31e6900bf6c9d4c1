import type { LoggerService } from '@backstage/backend-plugin-api';
import {
  makeInformer,
  type Informer,
  type KubeConfig,
  type KubernetesListObject,
  type KubernetesObject,
  type ObjectCache,
} from '@kubernetes/client-node';

/** Timings of a {@link LiveList}. */
export interface LiveListTimings {
  /** Wait before listing again after the watch failed. */
  retryMs: number;
  /** List afresh at least this often, in case a watch went quiet without failing. */
  relistMs: number;
}

const DEFAULT_TIMINGS: LiveListTimings = { retryMs: 5_000, relistMs: 300_000 };

/**
 * A live copy of one cluster-wide collection (e.g. every Service of a 2,000-service
 * mesh), kept by list + watch with client-node's informer, so requests read it in
 * memory instead of listing it each time.
 *
 * {@link LiveList.current} is undefined until a list has landed and whenever the watch
 * failed: callers then read the cluster directly, so a broken watch never passes off
 * stale objects as current. Each (re)start builds a new informer, which lists first.
 */
export class LiveList<T extends KubernetesObject, P> {
  private informer?: Informer<T> & ObjectCache<T>;
  private synced = false;
  private changes = 0;
  private projected?: { at: number; value: P };
  private timer?: NodeJS.Timeout;
  private stopped = true;

  constructor(
    private readonly options: {
      kubeConfig: KubeConfig;
      /** API path of the collection, e.g. `/api/v1/services`. */
      path: string;
      list: () => Promise<KubernetesListObject<T>>;
      /** What callers get: computed once per change, not per request. */
      project: (items: readonly T[]) => P;
      logger: LoggerService;
      timings?: Partial<LiveListTimings>;
    },
  ) {}

  /** Starts listing and watching; safe to call again. */
  start(): void {
    this.stopped = false;
    this.restart();
  }

  /** Stops watching and forgets the copy. */
  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.synced = false;
    this.projected = undefined;
    this.informer?.stop().catch(() => {});
    this.informer = undefined;
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
   * Lists afresh with a new informer. The copy in use (if any) keeps serving until the
   * new one has landed; a failed one is already out of use.
   */
  private restart(): void {
    if (this.stopped) return;
    clearTimeout(this.timer);
    const timings = { ...DEFAULT_TIMINGS, ...this.options.timings };
    const informer = makeInformer(
      this.options.kubeConfig,
      this.options.path,
      async () => {
        const list = await this.options.list();
        // The informer stores the list right after this resolves, in the same turn.
        setImmediate(() => this.adopt(informer));
        return list;
      },
    );
    const changed = () => {
      if (this.informer === informer) this.changes++;
    };
    informer.on('add', changed);
    informer.on('update', changed);
    informer.on('delete', changed);
    informer.on('error', error => {
      informer.stop().catch(() => {});
      if (this.stopped) return;
      if (this.informer === informer) {
        this.synced = false;
        this.informer = undefined;
      }
      this.options.logger.warn(
        'Watching a cluster list failed; listing again',
        {
          path: this.options.path,
          error: (error as Error)?.name ?? 'unknown',
        },
      );
      clearTimeout(this.timer);
      this.timer = setTimeout(() => this.restart(), timings.retryMs);
    });
    informer.start().catch(() => {
      // Reported through the 'error' event above.
    });
    this.timer = setTimeout(() => this.restart(), timings.relistMs);
  }

  /** Puts a freshly listed informer in use, retiring the previous one. */
  private adopt(informer: Informer<T> & ObjectCache<T>): void {
    if (this.stopped) {
      informer.stop().catch(() => {});
      return;
    }
    if (this.informer && this.informer !== informer)
      this.informer.stop().catch(() => {});
    this.informer = informer;
    this.changes++;
    this.synced = true;
  }
}
