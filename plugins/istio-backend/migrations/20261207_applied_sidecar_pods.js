// @ts-check

/**
 * What a measured saving is compared against: the pods whose memory was measured before
 * the apply, and the fingerprint of each Sidecar as written (in `sidecar_names` order).
 * Null for records made before they were kept: no saving is claimed from those.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('applied_sidecars', table => {
    table.text('pod_names').nullable();
    table.text('sidecar_digests').nullable();
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('applied_sidecars', table => {
    table.dropColumn('pod_names');
    table.dropColumn('sidecar_digests');
  });
};
