import { MiddlewareFactory } from '@backstage/backend-defaults/rootHttpRouter';
import { mockServices } from '@backstage/backend-test-utils';
import express from 'express';
import request from 'supertest';
import { sendItemList } from './sendItemList';

/** An app serving whatever `answer` holds, behind Backstage's compression middleware. */
function appServing(answer: { items: object[]; errors: unknown[] }) {
  const app = express();
  app.use(
    MiddlewareFactory.create({
      config: mockServices.rootConfig(),
      logger: mockServices.logger.mock(),
    }).compression(),
  );
  app.get('/list', (req, res) => sendItemList(req, res, answer));
  return app;
}

const bigItem = (cluster: string) => ({
  cluster,
  namespaces: Array.from({ length: 500 }, (_, i) => ({
    name: `team-${i}`,
    note: 'ünïcödé ✓',
  })),
});

describe('sendItemList', () => {
  it('sends the same JSON as res.json would, with its length and type', async () => {
    const answer = {
      items: [bigItem('a'), bigItem('b')],
      errors: [{ cluster: 'c', errorType: 'Timeout', message: 'no answer' }],
    };
    const response = await request(appServing(answer))
      .get('/list')
      .set('Accept-Encoding', 'identity');
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe(
      'application/json; charset=utf-8',
    );
    expect(response.body).toEqual(answer);
    expect(Number(response.headers['content-length'])).toBe(
      Buffer.byteLength(JSON.stringify(answer)),
    );
  });

  it('sends an empty list as valid JSON', async () => {
    const response = await request(appServing({ items: [], errors: [] })).get(
      '/list',
    );
    expect(response.body).toEqual({ items: [], errors: [] });
  });

  it('is compressed for a client that accepts gzip', async () => {
    const answer = { items: [bigItem('a')], errors: [] };
    const response = await request(appServing(answer))
      .get('/list')
      .set('Accept-Encoding', 'gzip');
    expect(response.headers['content-encoding']).toBe('gzip');
    expect(response.body).toEqual(answer);
  });

  it('serialises an item once: the kept JSON is sent again for the same object', async () => {
    const item: { cluster: string; readAt: string } = {
      cluster: 'a',
      readAt: '2026-11-26T04:00:00.000Z',
    };
    const answer = { items: [item], errors: [] as unknown[] };
    const app = appServing(answer);
    await request(app).get('/list');
    item.readAt = 'changed after it was sent';
    expect((await request(app).get('/list')).body.items[0].readAt).toBe(
      '2026-11-26T04:00:00.000Z',
    );
    // A new answer object is a new item: it is serialised anew.
    answer.items = [{ ...item }];
    expect((await request(app).get('/list')).body.items[0].readAt).toBe(
      'changed after it was sent',
    );
  });

  it('answers 304 to a matching If-None-Match, and changes its ETag with the answer', async () => {
    const answer = { items: [bigItem('a')], errors: [] as unknown[] };
    const app = appServing(answer);
    const first = await request(app).get('/list');
    const etag = first.headers.etag;
    expect(etag).toMatch(/^W\/"[0-9a-f]+-[\w-]+"$/);

    const again = await request(app).get('/list').set('If-None-Match', etag);
    expect(again.status).toBe(304);
    expect(again.text).toBe('');

    answer.errors = [{ cluster: 'b', errorType: 'Timeout' }];
    const changed = await request(app).get('/list').set('If-None-Match', etag);
    expect(changed.status).toBe(200);
    expect(changed.headers.etag).not.toBe(etag);
    expect(changed.body.errors).toEqual(answer.errors);
  });
});
