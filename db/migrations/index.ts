import type { Knex } from 'knex';
import * as usersAndStationApproval from './20261125_01_users_and_station_approval';
import * as idempotencyKeys from './20261125_02_idempotency_keys';
import * as inspectionsProgrammeSessions from './20261125_03_inspections_programme_sessions';
import * as examinerQualifications from './20261125_04_examiner_qualifications';
import * as complaints from './20261125_05_complaints';
import * as auditTrailAppendOnly from './20261125_06_audit_trail_append_only';
import * as registerEntryOperationIds from './20261125_07_register_entry_operation_ids';
import * as jurisdictions from './20261125_08_jurisdictions';
import * as usersActive from './20261129_09_users_active';
import * as examinerRegistrationRegion from './20261129_10_examiner_registration_region';
import * as examinerImportRecords from './20261129_11_examiner_import_records';
import * as checklistTemplateJurisdictions from './20261129_13_checklist_template_jurisdictions';
import * as idempotencyKeysCaseSensitive from './20261129_16_idempotency_keys_case_sensitive';
import * as rateLimitWindows from './20261129_17_rate_limit_windows';
import * as idempotencyKeysClaimedAt from './20261129_18_idempotency_keys_claimed_at';
import * as datetimeColumns from './20261129_19_datetime_columns';
import * as examinerSuspendedUntil from './20261129_20_examiner_suspended_until';
import * as sessionCaseColumns from './20261129_21_session_case_columns';
import * as sessionCandidates from './20261129_22_session_candidates';
import * as candidateIdentities from './20261129_23_candidate_identities';
import * as sessionTablesAccess from './20261129_24_session_tables_access';
import * as certificates from './20261129_25_certificates';
import * as certificateSequences from './20261129_26_certificate_sequences';
import * as blankForms from './20261129_27_blank_forms';
import * as blankFormStocktakes from './20261129_28_blank_form_stocktakes';
import * as certificateImports from './20261129_29_certificate_imports';
import * as certificateImportRejections from './20261129_30_certificate_import_rejections';
import * as certificateTablesAccess from './20261129_31_certificate_tables_access';
import * as warnings from './20261129_32_warnings';
import * as warningRuleIndexes from './20261129_33_warning_rule_indexes';
import * as warningTablesAccess from './20261129_34_warning_tables_access';
import * as statDaily from './20261129_35_stat_daily';
import * as statCurrent from './20261129_36_stat_current';
import * as sessionStatisticsTriggers from './20261129_37_session_statistics_triggers';
import * as certificateStatisticsTriggers from './20261129_38_certificate_statistics_triggers';
import * as blankFormStatisticsTriggers from './20261129_39_blank_form_statistics_triggers';
import * as statisticsTablesAccess from './20261129_40_statistics_tables_access';
import * as stationStatisticsTriggers from './20261130_41_station_statistics_triggers';
import * as qualificationStatisticsTriggers from './20261130_42_qualification_statistics_triggers';
import * as conductStatisticsTriggers from './20261130_43_conduct_statistics_triggers';
import * as inspectionStatisticsTriggers from './20261130_44_inspection_statistics_triggers';
import * as complaintStatisticsTriggers from './20261130_45_complaint_statistics_triggers';
import * as statisticsRangeIndexes from './20261130_46_statistics_range_indexes';
import * as licenceRenewals from './20261130_53_licence_renewals';
import * as licenceRenewalAccess from './20261130_54_licence_renewal_access';
import * as calendarVersions from './20261130_49_calendar_versions';
import * as nationalCalendarSeed from './20261130_50_national_calendar_seed';
import * as calendarTablesAccess from './20261130_51_calendar_tables_access';
import * as statutoryLimitMissed from './20261130_57_statutory_limit_missed';
import * as statutoryLimitMissedIndex from './20261130_58_statutory_limit_missed_index';
import * as sessionTimes from './20261130_60_session_times';
import * as sessionRecordColumns from './20261130_61_session_record_columns';

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
  '20261129_09_users_active': usersActive,
  '20261129_10_examiner_registration_region': examinerRegistrationRegion,
  '20261129_11_examiner_import_records': examinerImportRecords,
  '20261129_13_checklist_template_jurisdictions': checklistTemplateJurisdictions,
  '20261129_16_idempotency_keys_case_sensitive': idempotencyKeysCaseSensitive,
  '20261129_17_rate_limit_windows': rateLimitWindows,
  '20261129_18_idempotency_keys_claimed_at': idempotencyKeysClaimedAt,
  '20261129_19_datetime_columns': datetimeColumns,
  '20261129_20_examiner_suspended_until': examinerSuspendedUntil,
  '20261129_21_session_case_columns': sessionCaseColumns,
  '20261129_22_session_candidates': sessionCandidates,
  '20261129_23_candidate_identities': candidateIdentities,
  '20261129_24_session_tables_access': sessionTablesAccess,
  '20261129_25_certificates': certificates,
  '20261129_26_certificate_sequences': certificateSequences,
  '20261129_27_blank_forms': blankForms,
  '20261129_28_blank_form_stocktakes': blankFormStocktakes,
  '20261129_29_certificate_imports': certificateImports,
  '20261129_30_certificate_import_rejections': certificateImportRejections,
  '20261129_31_certificate_tables_access': certificateTablesAccess,
  '20261129_32_warnings': warnings,
  '20261129_33_warning_rule_indexes': warningRuleIndexes,
  '20261129_34_warning_tables_access': warningTablesAccess,
  '20261129_35_stat_daily': statDaily,
  '20261129_36_stat_current': statCurrent,
  '20261129_37_session_statistics_triggers': sessionStatisticsTriggers,
  '20261129_38_certificate_statistics_triggers': certificateStatisticsTriggers,
  '20261129_39_blank_form_statistics_triggers': blankFormStatisticsTriggers,
  '20261129_40_statistics_tables_access': statisticsTablesAccess,
  '20261130_41_station_statistics_triggers': stationStatisticsTriggers,
  '20261130_42_qualification_statistics_triggers': qualificationStatisticsTriggers,
  '20261130_43_conduct_statistics_triggers': conductStatisticsTriggers,
  '20261130_44_inspection_statistics_triggers': inspectionStatisticsTriggers,
  '20261130_45_complaint_statistics_triggers': complaintStatisticsTriggers,
  '20261130_46_statistics_range_indexes': statisticsRangeIndexes,
  '20261130_49_calendar_versions': calendarVersions,
  '20261130_50_national_calendar_seed': nationalCalendarSeed,
  '20261130_51_calendar_tables_access': calendarTablesAccess,
  '20261130_53_licence_renewals': licenceRenewals,
  '20261130_54_licence_renewal_access': licenceRenewalAccess,
  '20261130_57_statutory_limit_missed': statutoryLimitMissed,
  '20261130_58_statutory_limit_missed_index': statutoryLimitMissedIndex,
  '20261130_60_session_times': sessionTimes,
  '20261130_61_session_record_columns': sessionRecordColumns,
};

export const migrationSource: Knex.MigrationSource<string> = {
  getMigrations: async () => Object.keys(migrations),
  getMigrationName: (name) => name,
  getMigration: async (name) => migrations[name],
};
