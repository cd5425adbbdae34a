import type { Knex } from 'knex';
import { dropSummaryTriggers, rebuildSummaries, removeSummaries, replaceSummaryTriggers } from '../queries/statistics';

/**
 * Inspections open by status (stat_current: rectification orders open), and those concluded per day with their ratings
 * and sanctions (stat_daily): triggers on inspections keep them in the transaction of each write; the inspections
 * already there are counted once, after the triggers.
 */
/** CREATE TRIGGER commits implicitly: the rebuild opens its own transaction rather than run in the migration's. */
export const config = { transaction: false };

export async function up(knex: Knex): Promise<void> {
  await replaceSummaryTriggers(knex, 'inspections');
  await rebuildSummaries(knex, 'inspections');
}

export async function down(knex: Knex): Promise<void> {
  await dropSummaryTriggers(knex, 'inspections');
  await removeSummaries(knex, 'inspections');
}
