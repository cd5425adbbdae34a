import type { Knex } from 'knex';
import { dropSummaryTriggers, rebuildSummaries, removeSummaries, replaceSummaryTriggers } from '../queries/statistics';

/**
 * Certificates issued and revoked per day (stat_daily) and by status (stat_current): triggers on certificates keep them in
 * the transaction of each write; the certificates already there (imported ones too) are counted once, after the triggers.
 */
/** CREATE TRIGGER commits implicitly: the rebuild opens its own transaction rather than run in the migration's. */
export const config = { transaction: false };

export async function up(knex: Knex): Promise<void> {
  await replaceSummaryTriggers(knex, 'certificates');
  await rebuildSummaries(knex, 'certificates');
}

export async function down(knex: Knex): Promise<void> {
  await dropSummaryTriggers(knex, 'certificates');
  await removeSummaries(knex, 'certificates');
}
