import type { Knex } from 'knex';

/**
 * An import's rejected rows, by line, with every reason (at most policy.certificate.importRejectionsKept per import:
 * the counts by reason cover them all). The number as sent, cut to the column; the holder's identity is not kept.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('certificate_import_rejections', (t) => {
    t.string('import_id', 40).notNullable().references('certificate_imports.id').onDelete('CASCADE');
    t.integer('line').notNullable();
    t.string('number', 40).notNullable();
    t.json('reasons').notNullable();
    t.primary(['import_id', 'line']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('certificate_import_rejections');
}
