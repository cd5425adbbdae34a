import type { Knex } from 'knex';
import { grantApplicationAccess } from '../grants';

/** The application account's rights on the session tables just created (rosters and sealed identities). */
export async function up(knex: Knex): Promise<void> {
  await grantApplicationAccess(knex);
}

/** Nothing to take back here: the tables' own migrations drop them. */
export async function down(): Promise<void> {}
