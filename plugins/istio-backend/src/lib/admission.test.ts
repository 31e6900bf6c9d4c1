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

const settle = () => new Promise(resolve => setTimeout(resolve, 50));

describe('createAdmission', () => {
  it('runs a bounded number at once, queues a bounded number, refuses the rest with 503', async () => {
    const { app, gates, maxRunning } = appWith({
      maxConcurrent: 2,
      maxQueued: 3,
    });
    const server = app.listen(0, '127.0.0.1');
    try {
      const answers = Array.from({ length: 10 }, () =>
        request(server)
          .get('/work')
          .then(r => r),
      );
      await settle();
      // 2 running and 3 queued; let the admitted ones finish one by one.
      expect(gates).toHaveLength(2);
      for (let served = 0; served < 5; served++) {
        gates.shift()!();
        await settle();
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
        await settle();
        gates.shift()!();
        expect((await answer).status).toBe(200);
      }
    } finally {
      server.close();
    }
  });
});
