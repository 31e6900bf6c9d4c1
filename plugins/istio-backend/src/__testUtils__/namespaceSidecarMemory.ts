import { mockCredentials } from '@backstage/backend-test-utils';
import type { IstioSidecarMemoryResponse } from '@istio-backstage/plugin-istio-common';
import request from 'supertest';
import type { startIstioBackend } from './startIstioBackend';

/** The sidecar-memory answer for one namespace of the `demo` cluster, asked as a user. */
export async function namespaceSidecarMemory(
  server: Awaited<ReturnType<typeof startIstioBackend>>,
  namespace: string,
): Promise<IstioSidecarMemoryResponse['items'][number]> {
  const res = await request(server)
    .get(`/api/istio/sidecar-memory?cluster=demo&namespace=${namespace}`)
    .set('Authorization', mockCredentials.user.header());
  expect(res.status).toBe(200);
  return (res.body as IstioSidecarMemoryResponse).items[0];
}
