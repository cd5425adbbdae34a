import type { Knex } from 'knex';
import { dropSummaryTriggers, rebuildSummaries, removeSummaries, replaceSummaryTriggers } from '../queries/statistics';

/**
 * Blank forms by status (in a province's stock, at a station, printed, voided) in stat_current: triggers on blank_forms keep
 * them in the transaction of each write; the forms already there are counted once, after the triggers.
 */
/** CREATE TRIGGER commits implicitly: the rebuild opens its own transaction rather than run in the migration's. */
export const config = { transaction: false };

export async function up(knex: Knex): Promise<void> {
  await replaceSummaryTriggers(knex, 'blank_forms');
  await rebuildSummaries(knex, 'blank_forms');
}

export async function down(knex: Knex): Promise<void> {
  await dropSummaryTriggers(knex, 'blank_forms');
  await removeSummaries(knex, 'blank_forms');
}
