import type { Knex } from 'knex';

/**
 * An appraisal session becomes a case (issue 17): its workflow writes status, who must act next and by when, whether
 * a quality supervisor is required, its fraud signals and the complaint a serious one opened, and its counts, onto
 * the register row the station's programme inserts at registration. Rows registered before sessions were processes
 * have no workflow: they stay `registered`.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('appraisal_sessions', (t) => {
    t.string('status', 24).notNullable().defaultTo('registered').index();
    t.integer('version').notNullable().defaultTo(0);
    t.string('pending_action', 32).nullable();
    t.string('pending_role', 32).nullable();
    t.json('pending_user_ids').nullable();
    t.datetime('due_at', { precision: 3 }).nullable().index();
    t.integer('escalation_level').notNullable().defaultTo(0);
    t.boolean('supervision_required').notNullable().defaultTo(false);
    t.json('signals').nullable();
    t.integer('serious_signals').notNullable().defaultTo(0);
    t.string('complaint_id', 40).nullable();
    t.integer('candidates').notNullable().defaultTo(0);
    t.integer('passed').notNullable().defaultTo(0);
    t.datetime('updated_at', { precision: 3 }).nullable();
    // Registration asks which examiners already sit at a session that day.
    t.index(['session_date', 'status']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('appraisal_sessions', (t) => {
    t.dropIndex(['session_date', 'status']);
    t.dropIndex(['status']);
    t.dropIndex(['due_at']);
    t.dropColumns(
      'status',
      'version',
      'pending_action',
      'pending_role',
      'pending_user_ids',
      'due_at',
      'escalation_level',
      'supervision_required',
      'signals',
      'serious_signals',
      'complaint_id',
      'candidates',
      'passed',
      'updated_at',
    );
  });
}
