import type { Knex } from 'knex';
import * as usersAndStationApproval from './20261125_01_users_and_station_approval';
import * as idempotencyKeys from './20261125_02_idempotency_keys';
import * as inspectionsProgrammeSessions from './20261125_03_inspections_programme_sessions';
import * as examinerQualifications from './20261125_04_examiner_qualifications';
import * as complaints from './20261125_05_complaints';
import * as auditTrailAppendOnly from './20261125_06_audit_trail_append_only';
import * as registerEntryOperationIds from './20261125_07_register_entry_operation_ids';
import * as jurisdictions from './20261125_08_jurisdictions';

/**
 * The migrations in order. A static list (rather than a folder scan) lets the same TypeScript
 * migrations run under tsx, vitest and a compiled build alike.
 */
const migrations: Record<string, Knex.Migration> = {
  '20261125_01_users_and_station_approval': usersAndStationApproval,
  '20261125_02_idempotency_keys': idempotencyKeys,
  '20261125_03_inspections_programme_sessions': inspectionsProgrammeSessions,
  '20261125_04_examiner_qualifications': examinerQualifications,
  '20261125_05_complaints': complaints,
  '20261125_06_audit_trail_append_only': auditTrailAppendOnly,
  '20261125_07_register_entry_operation_ids': registerEntryOperationIds,
  '20261125_08_jurisdictions': jurisdictions,
};

export const migrationSource: Knex.MigrationSource<string> = {
  getMigrations: async () => Object.keys(migrations),
  getMigrationName: (name) => name,
  getMigration: async (name) => migrations[name],
};
