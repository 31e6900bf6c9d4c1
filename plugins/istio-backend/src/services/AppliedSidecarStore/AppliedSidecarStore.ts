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
}

const TABLE = 'applied_sidecars';

/**
 * Records of applied Sidecars, in the plugin's database so every backend replica sees
 * them (SQLite in the demo, PostgreSQL in production).
 */
export class AppliedSidecarStore {
  static async create(database: DatabaseService): Promise<AppliedSidecarStore> {
    const knex = await database.getClient();
    if (!database.migrations?.skip) {
      await knex.migrate.latest({
        directory: resolvePackagePath(
          '@istio-backstage/plugin-istio-backend',
          'migrations',
        ),
      });
    }
    return new AppliedSidecarStore(knex);
  }

  private constructor(private readonly knex: Knex) {}

  async record(applied: AppliedSidecar): Promise<void> {
    await this.knex(TABLE).insert({
      cluster: applied.cluster,
      namespace: applied.namespace,
      entity_ref: applied.entityRef ?? null,
      applied_by: applied.appliedBy,
      applied_at: applied.appliedAt,
      before_bytes: Math.round(applied.beforeBytes),
      pods: applied.pods,
      sidecar_names: applied.sidecarNames.join(','),
    });
  }

  /**
   * Changes whenever a Sidecar is recorded, on any replica: answers computed before an
   * apply are not reused after it.
   */
  async revision(): Promise<string> {
    const row = await this.knex(TABLE).max({ id: 'id' }).first();
    return String(row?.id ?? 0);
  }

  /** The most recent apply in a namespace, if any. */
  async latest(
    cluster: string,
    namespace: string,
  ): Promise<AppliedSidecar | undefined> {
    const row = await this.knex(TABLE)
      .where({ cluster, namespace })
      .orderBy('applied_at', 'desc')
      .orderBy('id', 'desc')
      .first();
    if (!row) return undefined;
    return {
      cluster: row.cluster,
      namespace: row.namespace,
      ...(row.entity_ref ? { entityRef: row.entity_ref } : {}),
      appliedBy: row.applied_by,
      appliedAt: new Date(row.applied_at),
      beforeBytes: Number(row.before_bytes),
      pods: Number(row.pods),
      sidecarNames: String(row.sidecar_names).split(',').filter(Boolean),
    };
  }
}
