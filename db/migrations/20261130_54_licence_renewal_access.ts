import type { Knex } from 'knex';
import { grantApplicationAccess } from '../grants';

/** The application account's rights on the licence renewals table just created. */
export async function up(knex: Knex): Promise<void> {
  await grantApplicationAccess(knex);
}

/** Nothing to take back here: the table's own migration drops it. */
export async function down(): Promise<void> {}
