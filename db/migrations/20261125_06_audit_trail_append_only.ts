import type { Knex } from 'knex';
import { grantApplicationAccess } from '../grants';

/**
 * The audit trail records each change's status before and after; the application account may read
 * and append to it but neither update nor delete it.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('events', (t) => {
    t.string('status_before', 32).nullable();
    t.string('status_after', 32).nullable();
  });
  await grantApplicationAccess(knex);
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('events', (t) => {
    t.dropColumn('status_before');
    t.dropColumn('status_after');
  });
}
