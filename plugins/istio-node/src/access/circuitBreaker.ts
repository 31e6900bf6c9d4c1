import { statusOf, toSourceError, type SourceError } from './errors';

/**
 * A read refused at once because its cluster stopped answering (see
 * {@link CircuitBreaker}); carries the failure that opened the circuit.
 *
 * @public
 */
export class ClusterNotAnsweringError extends Error {
  constructor(readonly failure: SourceError, readonly since: Date) {
    super(`${failure.message}; no answer since ${since.toISOString()}`);
    this.name = 'ClusterNotAnsweringError';
  }
}

/** Failures that mean nobody answered, as opposed to an answer that said no. */
function isSilence(error: unknown): SourceError | undefined {
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
 */
export class CircuitBreaker {
  private openSince?: number;
  private failure?: SourceError;
  private probing = false;

  constructor(
    private readonly probe: () => Promise<unknown>,
    private readonly now: () => number = Date.now,
  ) {}

  /** Runs `request`, or refuses it at once while the circuit is open. */
  async run<T>(request: () => Promise<T>): Promise<T> {
    if (this.openSince !== undefined && this.failure) {
      this.startProbe();
      throw new ClusterNotAnsweringError(
        this.failure,
        new Date(this.openSince),
      );
    }
    try {
      const value = await request();
      this.close();
      return value;
    } catch (error) {
      this.record(error);
      throw error;
    }
  }

  private record(error: unknown): void {
    const silence = isSilence(error);
    if (silence) {
      this.openSince ??= this.now();
      this.failure = silence;
    } else if (statusOf(error) !== undefined) {
      this.close();
    }
  }

  private close(): void {
    this.openSince = undefined;
    this.failure = undefined;
  }

  private startProbe(): void {
    if (this.probing) return;
    this.probing = true;
    this.probe()
      .then(
        () => this.close(),
        error => this.record(error),
      )
      .finally(() => {
        this.probing = false;
      });
  }
}
