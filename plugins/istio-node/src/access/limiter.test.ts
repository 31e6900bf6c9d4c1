import { createLimiter } from './limiter';

const tick = () => new Promise(resolve => setImmediate(resolve));

describe('createLimiter', () => {
  it('runs at most max tasks at once, the rest in order', async () => {
    const limit = createLimiter(2);
    let running = 0;
    let most = 0;
    const order: number[] = [];
    await Promise.all(
      [0, 1, 2, 3, 4].map(i =>
        limit(async () => {
          running++;
          most = Math.max(most, running);
          await tick();
          order.push(i);
          running--;
        }),
      ),
    );
    expect(most).toBe(2);
    expect(order).toEqual([0, 1, 2, 3, 4]);
  });

  it("starts a waiting task only after the finished one's failure was handled", async () => {
    const limit = createLimiter(1);
    let failureSeen = false;
    const first = limit(async () => {
      throw new Error('no answer');
    }).catch(() => {
      failureSeen = true;
    });
    const second = limit(async () => failureSeen);
    await first;
    await expect(second).resolves.toBe(true);
  });

  it('frees the slot of a task when nothing waits', async () => {
    const limit = createLimiter(1);
    await limit(async () => 'a');
    await expect(limit(async () => 'b')).resolves.toBe('b');
  });
});
