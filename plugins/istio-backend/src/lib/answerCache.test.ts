import { mockServices } from '@backstage/backend-test-utils';
import { createAnswerCache } from './answerCache';

describe('createAnswerCache', () => {
  afterEach(() => jest.useRealTimers());

  it('lets expired answers go on their own, not only when the count is reached', async () => {
    jest.useFakeTimers();
    let clock = 1_000;
    const answers = createAnswerCache<{ n: number }>({
      ttlMs: 50,
      maxLocal: 500,
      now: () => clock,
    });
    for (let n = 0; n < 20; n++) await answers.set(`request ${n}`, { n });
    expect(answers.localSize()).toBe(20);
    clock += 51;
    jest.advanceTimersByTime(51);
    expect(answers.localSize()).toBe(0);
  });

  it('keeps at most maxLocal answers in the process', async () => {
    const answers = createAnswerCache<{ n: number }>({
      ttlMs: 60_000,
      maxLocal: 3,
    });
    for (let n = 0; n < 10; n++) await answers.set(`request ${n}`, { n });
    expect(answers.localSize()).toBe(3);
    expect(await answers.get('request 9')).toEqual({ n: 9 });
    expect(await answers.get('request 0')).toBeUndefined();
  });

  it('reads through to the shared cache what another replica kept', async () => {
    const shared = mockServices.cache.mock();
    shared.get.mockResolvedValue({ n: 7 } as never);
    const answers = createAnswerCache<{ n: number }>({
      cache: shared,
      ttlMs: 15_000,
      maxLocal: 10,
    });
    expect(await answers.get('other replica')).toEqual({ n: 7 });
    expect(await answers.get('other replica')).toEqual({ n: 7 });
    // The second read came from this process's copy.
    expect(shared.get).toHaveBeenCalledTimes(1);
    await answers.set('mine', { n: 1 });
    expect(shared.set).toHaveBeenCalledWith('mine', { n: 1 }, { ttl: 15_000 });
  });

  it('keeps at most maxLocal answers under requests that are all different', async () => {
    const answers = createAnswerCache<{ n: number }>({
      ttlMs: 60_000,
      maxLocal: 500,
    });
    for (let n = 0; n < 5_000; n++)
      await answers.set(`extra host ${n}.example.com`, { n });
    expect(answers.localSize()).toBe(500);
    expect(await answers.get('extra host 4999.example.com')).toEqual({
      n: 4999,
    });
    expect(await answers.get('extra host 0.example.com')).toBeUndefined();
  });

  it('drops the least recently used answer first, not the oldest written', async () => {
    const answers = createAnswerCache<{ n: number }>({
      ttlMs: 60_000,
      maxLocal: 2,
    });
    await answers.set('a', { n: 1 });
    await answers.set('b', { n: 2 });
    await answers.get('a');
    await answers.set('c', { n: 3 });
    expect(await answers.get('a')).toEqual({ n: 1 });
    expect(await answers.get('b')).toBeUndefined();
  });
});
