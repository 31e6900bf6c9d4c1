// The router's order of checks: a caller the permission policy refuses is answered
// 403 before taking an admission slot, so refused callers can never crowd out others.
import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { MiddlewareFactory } from '@backstage/backend-defaults/rootHttpRouter';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import type { BackstageCredentials } from '@backstage/backend-plugin-api';
import type { ClusterAccess } from '@istio-backstage/plugin-istio-node';
import express from 'express';
import request from 'supertest';
import { createRouter } from './router';
import type { EntityMeshService } from './services/EntityMeshService';
import type { MeshConfigService } from './services/MeshConfigService';
import type { SidecarApplyService } from './services/SidecarApplyService';
import type { SidecarMemoryService } from './services/SidecarMemoryService';

/** The user every permission is refused to. */
const REFUSED = 'user:default/refused';

const userOf = (credentials?: BackstageCredentials) =>
  (credentials?.principal as { userEntityRef?: string } | undefined)
    ?.userEntityRef;

/** An app whose only admission slot is taken by a sidecar-memory read that waits. */
async function appWithOneSlot(deny: string[]) {
  let release = () => {};
  let entered = () => {};
  const held = new Promise<void>(resolve => {
    release = resolve;
  });
  const holding = new Promise<void>(resolve => {
    entered = resolve;
  });
  const sidecarMemory: SidecarMemoryService = {
    async getSidecarMemory() {
      entered();
      await held;
      return { items: [], errors: [] };
    },
  };
  const router = await createRouter({
    httpAuth: mockServices.httpAuth(),
    permissions: mockServices.permissions.mock({
      authorize: async (requests, options) =>
        requests.map(r => ({
          result:
            deny.includes(r.permission.name) ||
            userOf(options?.credentials) === REFUSED
              ? AuthorizeResult.DENY
              : AuthorizeResult.ALLOW,
        })),
    }),
    clusters: {} as ClusterAccess,
    meshConfig: {} as MeshConfigService,
    sidecarMemory,
    sidecarApply: {
      authorize: async () => {
        throw Object.assign(new Error('Not allowed'), {
          name: 'NotAllowedError',
        });
      },
    } as unknown as SidecarApplyService,
    entityMesh: {
      getEntityMesh: async () => {
        throw new Error('never admitted in these tests');
      },
    } as EntityMeshService,
    admission: { maxConcurrent: 1, maxQueued: 0 },
  });
  const middleware = MiddlewareFactory.create({
    config: mockServices.rootConfig(),
    logger: mockServices.logger.mock(),
  });
  const app = express().use(router).use(middleware.error());
  return { app, release, holding };
}

describe('the router', () => {
  it('answers a refused caller 403 while every admission slot is taken; an allowed one 503', async () => {
    const slot = await appWithOneSlot(['istio.namespace.read']);
    const { app, release } = slot;
    const first = request(app)
      .get('/sidecar-memory?entityRef=component:default/productpage')
      .then(r => r);
    await slot.holding;

    const refusedRead = await request(app).get(
      '/sidecar-memory?cluster=demo&namespace=payments',
    );
    const refusedApply = await request(app).post('/sidecars').send({
      entityRef: 'component:default/productpage',
      cluster: 'demo',
      namespace: 'istio-demo',
      dryRun: true,
    });
    const admittedLater = await request(app).get(
      '/sidecar-memory?entityRef=component:default/reviews',
    );
    release();

    expect([
      refusedRead.status,
      refusedApply.status,
      admittedLater.status,
      (await first).status,
    ]).toEqual([403, 403, 503, 200]);
  });

  it('checks the caller, then the entity ref, of /entity before it takes a slot', async () => {
    const slot = await appWithOneSlot([]);
    const { app, release } = slot;
    const first = request(app)
      .get('/sidecar-memory?entityRef=component:default/productpage')
      .then(r => r);
    await slot.holding;

    const refused = await request(app)
      .get('/entity?entityRef=component:default/productpage')
      .set('Authorization', mockCredentials.user.header(REFUSED));
    const malformed = await request(app).get('/entity?entityRef=component:');
    const unknownKey = await request(app).get(
      '/entity?entityRef=component:default/productpage&cluster=demo',
    );
    const admittedLater = await request(app).get(
      '/entity?entityRef=component:default/productpage',
    );
    release();

    expect([
      refused.status,
      malformed.status,
      unknownKey.status,
      admittedLater.status,
      (await first).status,
    ]).toEqual([403, 400, 400, 503, 200]);
  });
});
