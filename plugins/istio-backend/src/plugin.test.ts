import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import request from 'supertest';
import { istioPlugin } from './plugin';

const config = {
  kubernetes: {
    serviceLocatorMethod: { type: 'multiTenant' },
    clusterLocatorMethods: [
      {
        type: 'config',
        clusters: [
          {
            name: 'demo',
            url: 'https://10.0.0.1:6443',
            authProvider: 'serviceAccount',
            serviceAccountToken: 'token-that-must-not-leak',
            caData: 'Q0EgZGF0YQ==',
          },
        ],
      },
    ],
  },
  istio: {
    clusters: [
      {
        name: 'demo',
        prometheus: { url: 'http://prometheus.internal:9090' },
        kiali: { url: 'https://kiali.example.com/kiali' },
      },
    ],
  },
};

async function start(
  permission:
    | AuthorizeResult.ALLOW
    | AuthorizeResult.DENY = AuthorizeResult.ALLOW,
) {
  const { server } = await startTestBackend({
    features: [
      istioPlugin,
      mockServices.rootConfig.factory({ data: config }),
      mockServices.permissions.factory({ result: permission }),
      catalogServiceMock.factory({ entities: [] }),
    ],
  });
  return server;
}

describe('istio backend plugin', () => {
  it('answers the health route without credentials', async () => {
    const server = await start();
    const res = await request(server).get('/api/istio/health');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok' });
  });

  it('rejects an unauthenticated call to a user route', async () => {
    const server = await start();
    const res = await request(server)
      .get('/api/istio/clusters')
      .set('Authorization', mockCredentials.none.header());
    expect(res.status).toBe(401);
  });

  it('rejects a service token on a user route', async () => {
    const server = await start();
    const res = await request(server)
      .get('/api/istio/clusters')
      .set('Authorization', mockCredentials.service.header());
    expect(res.status).toBe(403);
  });

  it('lists clusters with their links and no secrets', async () => {
    const server = await start();
    const res = await request(server)
      .get('/api/istio/clusters')
      .set('Authorization', mockCredentials.user.header());
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      items: [
        {
          name: 'demo',
          links: { kialiUrl: 'https://kiali.example.com/kiali' },
          prometheusConfigured: true,
          authProvider: 'serviceAccount',
        },
      ],
      unusable: [],
    });
    const text = JSON.stringify(res.body);
    for (const secret of [
      'token-that-must-not-leak',
      'Q0EgZGF0YQ==',
      '10.0.0.1',
      'prometheus.internal',
    ]) {
      expect(text).not.toContain(secret);
    }
  });

  it('answers 403 when the read permission is denied', async () => {
    const server = await start(AuthorizeResult.DENY);
    const res = await request(server)
      .get('/api/istio/clusters')
      .set('Authorization', mockCredentials.user.header());
    expect(res.status).toBe(403);
  });
});
