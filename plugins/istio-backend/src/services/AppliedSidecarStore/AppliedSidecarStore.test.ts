import {
  mockServices,
  TestDatabases,
  type TestDatabaseId,
} from '@backstage/backend-test-utils';
import { AppliedSidecarStore } from './AppliedSidecarStore';

// Each PostgreSQL the environment provides (`npm test` starts one on loopback and sets
// its variable). Without one only SQLite runs: listing a Postgres id with no variable
// would make TestDatabases try Docker under CI=true.
const postgresIds = Object.entries(process.env).flatMap(([name, value]) => {
  const match =
    /^BACKSTAGE_TEST_DATABASE_POSTGRES(\d+)_CONNECTION_STRING$/.exec(name);
  return match && value ? [`POSTGRES_${match[1]}` as TestDatabaseId] : [];
});
const databases = TestDatabases.create({ ids: ['SQLITE_3', ...postgresIds] });

describe('AppliedSidecarStore', () => {
  it('runs against SQLite and every PostgreSQL the environment provides', () => {
    // Fails when a variable names a PostgreSQL version TestDatabases does not know.
    expect(databases.eachSupportedId().flat()).toEqual([
      'SQLITE_3',
      ...postgresIds,
    ]);
  });

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
