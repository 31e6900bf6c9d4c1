import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { AppliedSidecarStore } from './AppliedSidecarStore';

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

describe('AppliedSidecarStore', () => {
  it.each(databases.eachSupportedId())(
    'records applies and returns the latest per namespace (%p)',
    async id => {
      const knex = await databases.init(id);
      const store = await AppliedSidecarStore.create(
        mockServices.database({ knex }),
      );
      expect(await store.latest('demo', 'istio-demo')).toBeUndefined();
      await store.record({
        cluster: 'demo',
        namespace: 'istio-demo',
        appliedBy: 'user:default/guest',
        appliedAt: new Date('2026-11-25T10:00:00Z'),
        beforeBytes: 230e6,
        pods: 6,
        sidecarNames: ['default'],
      });
      await store.record({
        cluster: 'demo',
        namespace: 'istio-demo',
        entityRef: 'component:default/reviews',
        appliedBy: 'user:default/guest',
        appliedAt: new Date('2026-11-25T11:00:00Z'),
        beforeBytes: 40e6,
        pods: 3,
        sidecarNames: ['reviews-v1', 'reviews-v2'],
      });
      await store.record({
        cluster: 'other',
        namespace: 'istio-demo',
        appliedBy: 'user:default/x',
        appliedAt: new Date('2026-11-25T12:00:00Z'),
        beforeBytes: 1,
        pods: 1,
        sidecarNames: ['default'],
      });
      expect(await store.latest('demo', 'istio-demo')).toEqual({
        cluster: 'demo',
        namespace: 'istio-demo',
        entityRef: 'component:default/reviews',
        appliedBy: 'user:default/guest',
        appliedAt: new Date('2026-11-25T11:00:00Z'),
        beforeBytes: 40e6,
        pods: 3,
        sidecarNames: ['reviews-v1', 'reviews-v2'],
      });
    },
  );
});
