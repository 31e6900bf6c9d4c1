import { MiddlewareFactory } from '@backstage/backend-defaults/rootHttpRouter';
import { mockServices } from '@backstage/backend-test-utils';
import express from 'express';
import request from 'supertest';
import { createAdmission } from './admission';

/** An app whose only route waits until the test lets it answer. */
function appWith(limits: { maxConcurrent: number; maxQueued: number }) {
  const gates: Array<() => void> = [];
  let running = 0;
  let maxRunning = 0;
  const app = express();
  app.get('/work', createAdmission(limits), async (_req, res) => {
    running++;
    maxRunning = Math.max(maxRunning, running);
    await new Promise<void>(resolve => gates.push(resolve));
    running--;
    res.json({ ok: true });
  });
  app.use(
    MiddlewareFactory.create({
      config: mockServices.rootConfig(),
      logger: mockServices.logger.mock(),
    }).error(),
  );
  return { app, gates, maxRunning: () => maxRunning };
}

/** Polls until `ready()` holds: arrival order is up to the machine's load. */
async function until(ready: () => boolean) {
  while (!ready()) await new Promise(resolve => setTimeout(resolve, 10));
}

describe('createAdmission', () => {
  it('runs a bounded number at once, queues a bounded number, refuses the rest with 503', async () => {
    const { app, gates, maxRunning } = appWith({
      maxConcurrent: 2,
      maxQueued: 3,
    });
    const server = app.listen(0, '127.0.0.1');
    try {
      let refusedSoFar = 0;
      const answers = Array.from({ length: 10 }, () =>
        request(server)
          .get('/work')
          .then(r => {
            if (r.status === 503) refusedSoFar++;
            return r;
          }),
      );
      // 2 running and 3 queued; the other 5 are refused without waiting for anyone.
      await until(() => gates.length === 2 && refusedSoFar === 5);
      // Let the admitted ones finish one by one: each frees its slot for a queued one.
      for (let served = 0; served < 5; served++) {
        await until(() => gates.length > 0);
        gates.shift()!();
      }
      const responses = await Promise.all(answers);
      const statuses = responses.map(r => r.status).sort();
      expect(statuses.filter(s => s === 200)).toHaveLength(5);
      expect(statuses.filter(s => s === 503)).toHaveLength(5);
      const refused = responses.find(r => r.status === 503)!;
      expect(refused.headers['retry-after']).toBe('1');
      expect(refused.body.error.name).toBe('ServiceUnavailableError');
      expect(maxRunning()).toBe(2);
    } finally {
      server.close();
    }
  });

  it('frees the slot of every answered request, so later bursts are served', async () => {
    const { app, gates } = appWith({ maxConcurrent: 1, maxQueued: 0 });
    const server = app.listen(0, '127.0.0.1');
    try {
      for (let round = 0; round < 3; round++) {
        const answer = request(server)
          .get('/work')
          .then(r => r);
        await until(() => gates.length === 1);
        gates.shift()!();
        expect((await answer).status).toBe(200);
      }
    } finally {
      server.close();
    }
  });
});
