// @ts-check

/**
 * Sidecars applied through Backstage, with the memory measured before, so the entity
 * page can show the measured saving later.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('applied_sidecars', table => {
    table.increments('id').primary();
    table.string('cluster', 63).notNullable();
    table.string('namespace', 63).notNullable();
    table.string('entity_ref', 300).nullable();
    table.string('applied_by', 300).notNullable();
    table.timestamp('applied_at', { useTz: true }).notNullable();
    table
      .bigInteger('before_bytes')
      .notNullable()
      .comment('Average istio-proxy working set per pod before');
    table.integer('pods').notNullable();
    table.text('sidecar_names').notNullable();
    table.index(
      ['cluster', 'namespace'],
      'applied_sidecars_cluster_namespace_idx',
    );
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('applied_sidecars');
};
