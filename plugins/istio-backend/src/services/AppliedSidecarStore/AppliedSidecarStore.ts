import {
  resolvePackagePath,
  type DatabaseService,
} from '@backstage/backend-plugin-api';
import type { Knex } from 'knex';

/** A Sidecar applied through Backstage and the memory before it. */
export interface AppliedSidecar {
  cluster: string;
  namespace: string;
  entityRef?: string;
  appliedBy: string;
  appliedAt: Date;
  /** Average istio-proxy working set per pod before the apply, bytes. */
  beforeBytes: number;
  pods: number;
  sidecarNames: string[];
  /**
   * The pods `beforeBytes` was measured on; absent in records made before they were
   * kept, which no "after" can then be shown to match.
   */
  podNames?: string[];
  /** Each applied Sidecar's spec fingerprint as written, by name; absent like `podNames`. */
  sidecarDigests?: Record<string, string>;
}

/** Names joined as one column: Kubernetes names never hold a comma. */
const joined = (names: readonly string[]) => names.join(',');
const split = (column: unknown) => String(column).split(',').filter(Boolean);

/** The digests in `sidecarNames` order, or null when the record has none. */
function digestsColumn(applied: AppliedSidecar): string | null {
  const digests = applied.sidecarDigests;
  return digests
    ? joined(applied.sidecarNames.map(name => digests[name] ?? ''))
    : null;
}

/** The digests by Sidecar name, from the column written by {@link digestsColumn}. */
function digestsOf(
  names: string[],
  column: unknown,
): Record<string, string> | undefined {
  if (column === null || column === undefined) return undefined;
  const digests = String(column).split(',');
  return Object.fromEntries(names.map((name, i) => [name, digests[i] ?? '']));
}

const TABLE = 'applied_sidecars';

/** Days a record is kept by default (`istio.apply.retentionDays`). */
export const APPLIED_RETENTION_DAYS = 90;

const DAY_MS = 24 * 60 * 60 * 1000;

/** Options of {@link AppliedSidecarStore.create}. */
export interface AppliedSidecarStoreOptions {
  /** Days a record is kept; older ones are deleted. Above 0; default {@link APPLIED_RETENTION_DAYS}. */
  retentionDays?: number;
  /** The clock records are aged by; for tests. */
  now?: () => Date;
}

/**
 * Records of applied Sidecars, in the plugin's database so every backend replica sees
 * them (SQLite in the demo, PostgreSQL in production). Records older than the retention
 * are deleted at start and whenever a Sidecar is recorded (the only time the table
 * grows), and never returned, so the table stays bounded without a scheduled task.
 */
export class AppliedSidecarStore {
  static async create(
    database: DatabaseService,
    options: AppliedSidecarStoreOptions = {},
  ): Promise<AppliedSidecarStore> {
    const retentionDays = options.retentionDays ?? APPLIED_RETENTION_DAYS;
    if (!(Number.isFinite(retentionDays) && retentionDays > 0))
      throw new Error(
        `AppliedSidecarStore: retentionDays is ${retentionDays}; it must be a number above 0`,
      );
    const knex = await database.getClient();
    if (!database.migrations?.skip) {
      await knex.migrate.latest({
        directory: resolvePackagePath(
          '@istio-backstage/plugin-istio-backend',
          'migrations',
        ),
      });
    }
    const store = new AppliedSidecarStore(
      knex,
      retentionDays * DAY_MS,
      options.now ?? (() => new Date()),
    );
    await store.prune();
    return store;
  }

  private constructor(
    private readonly knex: Knex,
    private readonly retentionMs: number,
    private readonly now: () => Date,
  ) {}

  /** Records an apply, then deletes the records past the retention. */
  async record(applied: AppliedSidecar): Promise<void> {
    await this.knex(TABLE).insert({
      cluster: applied.cluster,
      namespace: applied.namespace,
      entity_ref: applied.entityRef ?? null,
      applied_by: applied.appliedBy,
      applied_at: applied.appliedAt,
      before_bytes: Math.round(applied.beforeBytes),
      pods: applied.pods,
      sidecar_names: joined(applied.sidecarNames),
      pod_names: applied.podNames ? joined(applied.podNames) : null,
      sidecar_digests: digestsColumn(applied),
    });
    // The apply is recorded either way: old records left now go at the next prune.
    await this.prune().catch(() => 0);
  }

  /**
   * Deletes the records applied before the retention; returns how many. The newest
   * record stays whatever its age, so {@link AppliedSidecarStore.revision} never goes
   * back to a value answers were once kept under.
   */
  async prune(): Promise<number> {
    const newest = await this.knex(TABLE).max({ id: 'id' }).first();
    if (newest?.id === undefined || newest.id === null) return 0;
    return this.knex(TABLE)
      .where('applied_at', '<', this.cutoff())
      .andWhere('id', '<', newest.id)
      .delete();
  }

  /** Records applied before this are past the retention. */
  private cutoff(): Date {
    return new Date(this.now().getTime() - this.retentionMs);
  }

  /**
   * Changes whenever a Sidecar is recorded, on any replica: answers computed before an
   * apply are not reused after it.
   */
  async revision(): Promise<string> {
    const row = await this.knex(TABLE).max({ id: 'id' }).first();
    return String(row?.id ?? 0);
  }

  /** The most recent apply in a namespace within the retention, if any. */
  async latest(
    cluster: string,
    namespace: string,
  ): Promise<AppliedSidecar | undefined> {
    const row = await this.knex(TABLE)
      .where({ cluster, namespace })
      // The newest record outlives the retention (see prune); it is still past it.
      .andWhere('applied_at', '>=', this.cutoff())
      .orderBy('applied_at', 'desc')
      .orderBy('id', 'desc')
      .first();
    if (!row) return undefined;
    const sidecarNames = split(row.sidecar_names);
    const sidecarDigests = digestsOf(sidecarNames, row.sidecar_digests);
    return {
      cluster: row.cluster,
      namespace: row.namespace,
      ...(row.entity_ref ? { entityRef: row.entity_ref } : {}),
      appliedBy: row.applied_by,
      appliedAt: new Date(row.applied_at),
      beforeBytes: Number(row.before_bytes),
      pods: Number(row.pods),
      sidecarNames,
      ...(row.pod_names === null || row.pod_names === undefined
        ? {}
        : { podNames: split(row.pod_names) }),
      ...(sidecarDigests ? { sidecarDigests } : {}),
    };
  }
}
