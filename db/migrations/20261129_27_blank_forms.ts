import type { Knex } from 'knex';

/**
 * Blank certificate forms (空白证书), one row per printed serial: received into a province's stock, given to a station
 * for a quarter, then printed on (the certificate names the serial) or voided with a reason. A serial is its series
 * (letter prefix and digit width) and its number in that series, so ranges are found and taken in order.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('blank_forms', (t) => {
    t.string('serial', 24).primary();
    t.string('series', 8).notNullable();
    t.bigInteger('seq').notNullable();
    t.string('province_code', 6).notNullable();
    t.string('receipt_id', 40).notNullable().index();
    t.string('batch', 100).nullable();
    t.integer('station_id').nullable();
    t.string('quarter', 6).nullable();
    t.string('distribution_id', 40).nullable().index();
    t.string('status', 12).notNullable();
    t.string('certificate_number', 16).nullable().unique();
    t.text('void_reason').nullable();
    t.string('voided_by', 64).nullable();
    t.datetime('updated_at', { precision: 3 }).notNullable();
    // A receipt's overlap check and a range's distribution look a series up by number.
    t.unique(['series', 'seq']);
    // The province's stock in serial order (the next N to give out).
    t.index(['province_code', 'status', 'series', 'seq']);
    // A station's forms per quarter by status: the reconciliation and the cap on distributions.
    t.index(['station_id', 'quarter', 'status']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('blank_forms');
}
