import { mockCredentials } from '@backstage/backend-test-utils';
import request from 'supertest';

/** What an apply request names (the dry run and the real apply send the same). */
export interface ApplyTarget {
  entityRef: string;
  cluster: string;
  namespace: string;
  extraHosts?: string[];
}

/**
 * Applies as the Service Mesh tab does: a dry run, then the real apply with the dry
 * run's digest. The dry run's answer is returned when it is refused.
 */
export async function approvedApply(
  server: Parameters<typeof request>[0],
  target: ApplyTarget,
  authorization: string = mockCredentials.user.header(),
): Promise<request.Response> {
  const post = (body: object) =>
    request(server)
      .post('/api/istio/sidecars')
      .set('Authorization', authorization)
      .send({ ...target, ...body });
  const dry = await post({ dryRun: true });
  if (dry.status !== 200) return dry;
  return post({ dryRun: false, digest: dry.body.digest });
}
