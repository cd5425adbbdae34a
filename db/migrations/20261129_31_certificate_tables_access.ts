import type { Knex } from 'knex';
import { grantApplicationAccess } from '../grants';

/** The application account's rights on the certificate tables just created (register, sequences, blank stock, imports). */
export async function up(knex: Knex): Promise<void> {
  await grantApplicationAccess(knex);
}

/** Nothing to take back here: the tables' own migrations drop them. */
export async function down(): Promise<void> {}
