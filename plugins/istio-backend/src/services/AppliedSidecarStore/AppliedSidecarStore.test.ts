import {
  mockServices,
  TestDatabases,
  type TestDatabaseId,
} from '@backstage/backend-test-utils';
import {
  AppliedSidecarStore,
  type AppliedSidecar,
} from './AppliedSidecarStore';

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

  it.each(databases.eachSupportedId())(
    'keeps the pods measured and each Sidecar as written; older records have neither (%p)',
    async id => {
      const knex = await databases.init(id);
      const store = await AppliedSidecarStore.create(
        mockServices.database({ knex }),
      );
      const applied: AppliedSidecar = {
        cluster: 'demo',
        namespace: 'istio-demo',
        appliedBy: 'user:default/guest',
        appliedAt: new Date('2026-11-25T10:00:00Z'),
        beforeBytes: 230e6,
        pods: 2,
        sidecarNames: ['reviews-v1', 'reviews-v2'],
        podNames: ['reviews-v1-abc', 'reviews-v2-def'],
        sidecarDigests: { 'reviews-v1': 'a1', 'reviews-v2': 'b2' },
      };
      await store.record(applied);
      expect(await store.latest('demo', 'istio-demo')).toEqual(applied);

      // A record written before the columns existed.
      await knex('applied_sidecars').insert({
        cluster: 'demo',
        namespace: 'older',
        applied_by: 'user:default/guest',
        applied_at: new Date('2026-11-25T10:00:00Z'),
        before_bytes: 1,
        pods: 1,
        sidecar_names: 'default',
      });
      const older = await store.latest('demo', 'older');
      expect(older?.sidecarNames).toEqual(['default']);
      expect(older).not.toHaveProperty('podNames');
      expect(older).not.toHaveProperty('sidecarDigests');
    },
  );

  describe('retention', () => {
    const DAY = 24 * 60 * 60 * 1000;
    const start = new Date('2026-11-25T10:00:00Z');
    const applyAt = (at: Date, namespace = 'istio-demo'): AppliedSidecar => ({
      cluster: 'demo',
      namespace,
      appliedBy: 'user:default/guest',
      appliedAt: at,
      beforeBytes: 1e6,
      pods: 1,
      sidecarNames: ['default'],
    });
    const daysAfter = (days: number) => new Date(start.getTime() + days * DAY);

    it.each(databases.eachSupportedId())(
      'deletes records past the default 90 days when a Sidecar is recorded (%p)',
      async id => {
        const knex = await databases.init(id);
        let clock = start;
        const store = await AppliedSidecarStore.create(
          mockServices.database({ knex }),
          { now: () => clock },
        );
        await store.record(applyAt(start, 'old'));
        await store.record(applyAt(daysAfter(10), 'recent'));
        clock = daysAfter(95);
        await store.record(applyAt(daysAfter(95), 'newest'));
        expect(
          (
            await knex('applied_sidecars').select('namespace').orderBy('id')
          ).map(r => r.namespace),
        ).toEqual(['recent', 'newest']);
        expect(await store.latest('demo', 'old')).toBeUndefined();
        expect((await store.latest('demo', 'recent'))?.appliedAt).toEqual(
          daysAfter(10),
        );
      },
    );

    it.each(databases.eachSupportedId())(
      'prunes at start with the configured retention, keeping the newest record for the revision (%p)',
      async id => {
        const knex = await databases.init(id);
        const database = mockServices.database({ knex });
        const first = await AppliedSidecarStore.create(database, {
          now: () => start,
        });
        await first.record(applyAt(start, 'a'));
        await first.record(applyAt(daysAfter(1), 'b'));
        await first.record(applyAt(daysAfter(2), 'c'));
        const revision = await first.revision();

        const later = await AppliedSidecarStore.create(database, {
          retentionDays: 7,
          now: () => daysAfter(30),
        });
        // All three are past 7 days; the newest stays so the revision stands.
        const [{ n }] = await knex('applied_sidecars').count({ n: '*' });
        expect(Number(n)).toBe(1);
        expect(await later.revision()).toBe(revision);
        // Kept for the revision only: past the retention, it is not shown.
        expect(await later.latest('demo', 'c')).toBeUndefined();
        expect(await later.prune()).toBe(0);
      },
    );

    it('keeps a record exactly as old as the retention', async () => {
      const knex = await databases.init('SQLITE_3');
      let clock = start;
      const store = await AppliedSidecarStore.create(
        mockServices.database({ knex }),
        { retentionDays: 1, now: () => clock },
      );
      await store.record(applyAt(start, 'edge'));
      await store.record(applyAt(start, 'newest'));
      clock = daysAfter(1);
      expect(await store.prune()).toBe(0);
      clock = new Date(daysAfter(1).getTime() + 1);
      expect(await store.prune()).toBe(1);
    });

    it.each([0, -1, Number.NaN])(
      'refuses a retention of %p days',
      async retentionDays => {
        const knex = await databases.init('SQLITE_3');
        await expect(
          AppliedSidecarStore.create(mockServices.database({ knex }), {
            retentionDays,
          }),
        ).rejects.toThrow(/retentionDays is .*; it must be a number above 0/);
      },
    );
  });
});
