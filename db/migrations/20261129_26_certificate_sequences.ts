import type { Knex } from 'knex';

/** The next sequence of certificate numbers per issuing province, year and level, taken under a row lock. */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('certificate_sequences', (t) => {
    t.string('province_code', 2).notNullable();
    t.smallint('year').notNullable();
    t.tinyint('level').notNullable();
    t.integer('next_sequence').notNullable();
    t.primary(['province_code', 'year', 'level']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('certificate_sequences');
}
