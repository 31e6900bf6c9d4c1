import { mockServices } from '@backstage/backend-test-utils';
import { createAnswerCache } from './answerCache';

const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms));

describe('createAnswerCache', () => {
  it('lets expired answers go on their own, not only when the count is reached', async () => {
    const answers = createAnswerCache<{ n: number }>({
      ttlMs: 50,
      maxLocal: 500,
    });
    for (let n = 0; n < 20; n++) await answers.set(`request ${n}`, { n });
    expect(answers.localSize()).toBe(20);
    await sleep(150);
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
});
