import type { Knex } from 'knex';
import { dropSummaryTriggers, rebuildSummaries, removeSummaries, replaceSummaryTriggers } from '../queries/statistics';

/**
 * Stations by status, by rating (A–D, unrated) and demonstration (candidates, confirmed) in stat_current: triggers on
 * stations keep them in the transaction of each write; the stations already there are counted once, after the triggers.
 */
/** CREATE TRIGGER commits implicitly: the rebuild opens its own transaction rather than run in the migration's. */
export const config = { transaction: false };

export async function up(knex: Knex): Promise<void> {
  await replaceSummaryTriggers(knex, 'stations');
  await rebuildSummaries(knex, 'stations');
}

export async function down(knex: Knex): Promise<void> {
  await dropSummaryTriggers(knex, 'stations');
  await removeSummaries(knex, 'stations');
}
