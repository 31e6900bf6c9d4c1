import { CircuitBreaker, ClusterNotAnsweringError } from './circuitBreaker';
import { toSourceError } from './errors';

const timeout = () =>
  Object.assign(new Error('The operation was aborted'), {
    name: 'TimeoutError',
  });
const refused = () =>
  Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
const forbidden = () => Object.assign(new Error('Forbidden'), { code: 403 });

/** A probe the test answers by hand. */
function manualProbe() {
  const calls: Array<{
    resolve: () => void;
    reject: (error: unknown) => void;
  }> = [];
  const probe = jest.fn(
    () =>
      new Promise<void>((resolve, reject) => calls.push({ resolve, reject })),
  );
  return { probe, calls };
}
const settle = () => new Promise(resolve => setImmediate(resolve));

describe('CircuitBreaker', () => {
  it('passes reads through while the cluster answers, refusals included', async () => {
    const { probe } = manualProbe();
    const breaker = new CircuitBreaker(probe);
    await expect(breaker.run(async () => 'pods')).resolves.toBe('pods');
    await expect(
      breaker.run(async () => {
        throw forbidden();
      }),
    ).rejects.toMatchObject({ code: 403 });
    // A 403 is an answer: the next read still goes out.
    const read = jest.fn(async () => 'services');
    await expect(breaker.run(read)).resolves.toBe('services');
    expect(read).toHaveBeenCalled();
    expect(probe).not.toHaveBeenCalled();
  });

  it('after a timeout refuses reads at once with that failure, and probes one at a time', async () => {
    const { probe, calls } = manualProbe();
    const breaker = new CircuitBreaker(probe, () => Date.UTC(2026, 10, 26));
    await expect(
      breaker.run(async () => {
        throw timeout();
      }),
    ).rejects.toThrow('aborted');

    const read = jest.fn(async () => 'never sent');
    const refusals = await Promise.allSettled([
      breaker.run(read),
      breaker.run(read),
      breaker.run(read),
    ]);
    expect(read).not.toHaveBeenCalled();
    for (const refusal of refusals) {
      expect(refusal.status).toBe('rejected');
      const error = (refusal as PromiseRejectedResult).reason;
      expect(error).toBeInstanceOf(ClusterNotAnsweringError);
      expect(toSourceError('kubernetes:pods', error)).toEqual({
        source: 'kubernetes:pods',
        errorType: 'Timeout',
        message:
          'no answer within the time limit (the cluster has not answered since 2026-11-26T00:00:00.000Z; checked again in the background)',
      });
    }
    expect(probe).toHaveBeenCalledTimes(1);

    // The probe times out too: still open, and the next refusal probes again.
    calls[0].reject(timeout());
    await settle();
    await expect(breaker.run(read)).rejects.toBeInstanceOf(
      ClusterNotAnsweringError,
    );
    expect(probe).toHaveBeenCalledTimes(2);

    // The cluster answers the probe: reads go out again.
    calls[1].resolve();
    await settle();
    await expect(breaker.run(read)).resolves.toBe('never sent');
    expect(read).toHaveBeenCalledTimes(1);
  });

  it('refuses a read let through before the circuit opened once it is open', async () => {
    const { probe } = manualProbe();
    const breaker = new CircuitBreaker(probe);
    expect(() => breaker.refuseIfOpen()).not.toThrow();
    // Let through, then waiting (for a connection slot) while another read times out.
    const waiting = breaker.run(async () => {
      await settle();
      breaker.refuseIfOpen();
      return 'sent';
    });
    await expect(
      breaker.run(async () => {
        throw timeout();
      }),
    ).rejects.toThrow('aborted');
    await expect(waiting).rejects.toBeInstanceOf(ClusterNotAnsweringError);
    expect(() => breaker.refuseIfOpen()).toThrow(ClusterNotAnsweringError);
    expect(probe).not.toHaveBeenCalled();
  });

  it('stays closed when the cluster answered other reads while the failed one was out', async () => {
    const { probe } = manualProbe();
    let clock = 0;
    const breaker = new CircuitBreaker(probe, () => clock);
    let timeOut!: () => void;
    const slow = breaker.run(
      () =>
        new Promise((_resolve, reject) => (timeOut = () => reject(timeout()))),
    );
    clock = 100;
    await breaker.run(async () => 'a busy cluster still answers');
    clock = 5_000;
    timeOut();
    await expect(slow).rejects.toThrow('aborted');
    const read = jest.fn(async () => 'sent');
    await expect(breaker.run(read)).resolves.toBe('sent');
    expect(probe).not.toHaveBeenCalled();
  });

  it('does not open on a connection closed under a read: the server was there', async () => {
    const { probe } = manualProbe();
    const breaker = new CircuitBreaker(probe);
    await expect(
      breaker.run(async () => {
        throw Object.assign(new Error('socket hang up'), {
          code: 'ECONNRESET',
        });
      }),
    ).rejects.toThrow('hang up');
    await expect(breaker.run(async () => 'sent')).resolves.toBe('sent');
    expect(probe).not.toHaveBeenCalled();
  });

  it('lets the read that starts a probe go on when the cluster answers the probe at once', async () => {
    const probe = jest.fn(async () => 'v1.30.0');
    const breaker = new CircuitBreaker(probe);
    await expect(
      breaker.run(async () => {
        throw timeout();
      }),
    ).rejects.toThrow('aborted');
    await expect(breaker.run(async () => 'back')).resolves.toBe('back');
    expect(probe).toHaveBeenCalledTimes(1);
  });

  it('opens on a refused connection too, and closes when the probe gets any HTTP answer', async () => {
    const { probe, calls } = manualProbe();
    const breaker = new CircuitBreaker(probe);
    await expect(
      breaker.run(async () => {
        throw refused();
      }),
    ).rejects.toThrow('ECONNREFUSED');
    const refusal = await breaker.run(async () => 'x').catch(e => e);
    expect(toSourceError('kubernetes:pods', refusal).errorType).toBe(
      'Unreachable',
    );
    calls[0].reject(forbidden());
    await settle();
    await expect(breaker.run(async () => 'back')).resolves.toBe('back');
  });
});
