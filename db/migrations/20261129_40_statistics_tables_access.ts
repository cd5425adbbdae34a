import type { Knex } from 'knex';
import { grantApplicationAccess } from '../grants';

/**
 * The application account's rights on the summaries just created: it reads them for the figures; its writes to the base
 * tables reach them through the triggers, which run with their definer's (the schema owner's) rights.
 */
export async function up(knex: Knex): Promise<void> {
  await grantApplicationAccess(knex);
}

/** Nothing to take back here: the tables' own migrations drop them. */
export async function down(): Promise<void> {}
