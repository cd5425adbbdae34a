import type { Knex } from 'knex';
import { dropSummaryTriggers, rebuildSummaries, removeSummaries, replaceSummaryTriggers } from '../queries/statistics';

/**
 * Complaints open by category and by severity (stat_current), and per day those received, closed within or outside their
 * SLA, with a finding and substantiated (stat_daily): triggers on complaints keep them in the transaction of each
 * write; the complaints already there are counted once, after the triggers.
 */
/** CREATE TRIGGER commits implicitly: the rebuild opens its own transaction rather than run in the migration's. */
export const config = { transaction: false };

export async function up(knex: Knex): Promise<void> {
  await replaceSummaryTriggers(knex, 'complaints');
  await rebuildSummaries(knex, 'complaints');
}

export async function down(knex: Knex): Promise<void> {
  await dropSummaryTriggers(knex, 'complaints');
  await removeSummaries(knex, 'complaints');
}
