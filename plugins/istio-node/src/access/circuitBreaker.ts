import {
  isConnectionClosed,
  statusOf,
  toSourceError,
  type SourceError,
} from './errors';

/**
 * A read refused at once because its cluster stopped answering (see
 * `CircuitBreaker`); carries the failure that opened the circuit.
 *
 * @public
 */
export class ClusterNotAnsweringError extends Error {
  constructor(readonly failure: SourceError, readonly since: Date) {
    super(`${failure.message}; no answer since ${since.toISOString()}`);
    this.name = 'ClusterNotAnsweringError';
  }
}

/**
 * Failures that mean nobody answered (timed out, refused, does not resolve), as opposed
 * to an answer that said no. A connection closed under a request is not silence: the
 * server was there (busy servers drop kept-alive connections).
 */
function isSilence(error: unknown): SourceError | undefined {
  if (isConnectionClosed(error)) return undefined;
  const failure = toSourceError('kubernetes', error);
  return failure.errorType === 'Timeout' || failure.errorType === 'Unreachable'
    ? failure
    : undefined;
}

/**
 * Stops sending reads to a cluster that does not answer (timed out, refused, does not
 * resolve): while open, reads fail at once with that failure, and one probe at a time,
 * in the background, checks whether the cluster answers again. Any HTTP answer closes
 * it. So a hanging cluster costs every request nothing after the first timeout, instead
 * of a full timeout each — the other clusters' answers are never held up by it.
 *
 * It opens only when nothing at all was answered while the failed request was out: a
 * busy cluster that drops one request but answers others stays in use.
 */
export class CircuitBreaker {
  private openSince?: number;
  private failure?: SourceError;
  private lastAnswerAt = -Infinity;
  private probing?: Promise<void>;

  constructor(
    private readonly probe: () => Promise<unknown>,
    private readonly now: () => number = Date.now,
    /** How long the read that starts a probe waits for it: a cluster that is back goes on at once. */
    private readonly probeGraceMs = 100,
  ) {}

  /** Runs `request`, or refuses it while the circuit is open. */
  async run<T>(request: () => Promise<T>): Promise<T> {
    if (this.openSince !== undefined) {
      const started = this.startProbe();
      if (started) {
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([
          started,
          new Promise(resolve => {
            timer = setTimeout(resolve, this.probeGraceMs);
          }),
        ]);
        clearTimeout(timer);
      }
      this.refuseIfOpen();
    }
    const sentAt = this.now();
    try {
      const value = await request();
      this.answered();
      return value;
    } catch (error) {
      this.record(error, sentAt);
      throw error;
    }
  }

  /**
   * Throws {@link ClusterNotAnsweringError} while the circuit is open: for a request
   * {@link CircuitBreaker.run} let through that then waited (for a free connection
   * slot) while the cluster stopped answering — it is refused rather than sent.
   */
  refuseIfOpen(): void {
    if (this.openSince !== undefined && this.failure)
      throw new ClusterNotAnsweringError(
        this.failure,
        new Date(this.openSince),
      );
  }

  private record(error: unknown, sentAt: number): void {
    const silence = isSilence(error);
    if (silence) {
      if (this.lastAnswerAt >= sentAt) return;
      this.openSince ??= this.now();
      this.failure = silence;
    } else if (statusOf(error) !== undefined) {
      this.answered();
    }
  }

  private answered(): void {
    this.lastAnswerAt = this.now();
    this.openSince = undefined;
    this.failure = undefined;
  }

  /** Starts a probe unless one is out; the new probe, or undefined. */
  private startProbe(): Promise<void> | undefined {
    if (this.probing) return undefined;
    const sentAt = this.now();
    const probing = this.probe()
      .then(
        () => this.answered(),
        error => this.record(error, sentAt),
      )
      .finally(() => {
        this.probing = undefined;
      });
    this.probing = probing;
    return probing;
  }
}
