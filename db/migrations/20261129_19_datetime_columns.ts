import type { Knex } from 'knex';

const NULL = 'NULL';
const NOT_NULL = 'NOT NULL';
const NOW = 'NOT NULL DEFAULT CURRENT_TIMESTAMP(3)';

/** Every date-time column, by table: nullability and default as the TIMESTAMP(3) column had them. */
const COLUMNS: Record<string, Record<string, string>> = {
  users: { created_at: NOW },
  station_applications: { due_at: NULL, submitted_at: NOT_NULL, updated_at: NOT_NULL },
  stations: { licensed_at: NOT_NULL, valid_until: NOT_NULL, next_inspection_due_at: NULL },
  events: { at: NOT_NULL },
  outbox: { created_at: NOW, sent_at: NULL },
  idempotency_keys: { claimed_at: NOT_NULL },
  checklist_templates: { created_at: NOW },
  inspections: { due_at: NULL, created_at: NOT_NULL, updated_at: NOT_NULL },
  campaigns: { created_at: NOT_NULL, updated_at: NOT_NULL },
  appraisal_sessions: { registered_at: NOT_NULL },
  examiners: { updated_at: NOW },
  qualifications: { issued_at: NULL, expires_at: NULL, created_at: NOT_NULL, updated_at: NOT_NULL },
  conduct_records: { recorded_at: NOT_NULL },
  complaints: { due_at: NULL, closed_at: NULL, appeal_until: NULL, created_at: NOT_NULL, updated_at: NOT_NULL },
  invalid_certificates: { invalidated_at: NOT_NULL },
  examiner_imports: { created_at: NOT_NULL },
};

/**
 * TIMESTAMP ends on 2038-01-19: a later expiry or deadline could not be stored. DATETIME(3) reaches 9999 and holds
 * UTC, as every connection now writes and reads it. The conversion renders each TIMESTAMP in the session's time
 * zone, so the session is set to UTC first: every existing row keeps its instant. Indexes stay as they are.
 */
export async function up(knex: Knex): Promise<void> {
  await retype(knex, 'DATETIME(3)');
}

/** Back to TIMESTAMP(3): refused (out of range) while any row holds a date past 2038-01-19. */
export async function down(knex: Knex): Promise<void> {
  await retype(knex, 'TIMESTAMP(3)');
}

async function retype(knex: Knex, type: string): Promise<void> {
  await knex.raw("SET time_zone = '+00:00'");
  for (const [table, columns] of Object.entries(COLUMNS)) {
    const changes = Object.entries(columns).map(([column, rest]) => `MODIFY \`${column}\` ${type} ${rest}`);
    await knex.raw(`ALTER TABLE \`${table}\` ${changes.join(', ')}`);
  }
}
