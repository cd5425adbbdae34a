import type { Client } from '@temporalio/client';
import type { Db } from '../db/connect';
import type { Sealer } from '../platform/sealing';
import { createCalendarActivities } from './calendar';
import { createCertificateActivities } from './certificates';
import { createHousekeepingActivities } from './housekeeping';
import { createLicenceActivities } from './licence';
import { createMailActivities } from './mail';
import type { Mailer } from './mailer';
import { createQuarterlyReportActivities } from './quarterlyReport';
import { createStarterActivities } from './starter';
import { createStatisticsActivities } from './statistics';
import { createStoreActivities } from './store';
import { createWarningActivities } from './warnings';

export type { CalendarActivities } from './calendar';
export type { CertificateActivities } from './certificates';
export type { HousekeepingActivities } from './housekeeping';
export type { LicenceActivities } from './licence';
export type { MailActivities, MailOutcome, MailRequest } from './mail';
export type { QuarterlyReportActivities } from './quarterlyReport';
export type { StarterActivities } from './starter';
export type { StatisticsActivities } from './statistics';
export type { StoreActivities } from './store';
export type { WarningActivities } from './warnings';

export interface ActivityDeps {
  db: Db;
  mailer: Mailer;
  /** For effects that start or act on other workflows. */
  temporal: Client;
  sealer: Sealer;
}

/**
 * All I/O the workflows do, built over their dependencies (as in Temporal's dependency-injection sample),
 * in groups by what they touch: each group is proxied in the workflows with its own type and policy.
 */
export function createActivities(deps: ActivityDeps) {
  return {
    ...createStoreActivities(deps),
    ...createMailActivities(deps),
    ...createStarterActivities(deps),
    ...createHousekeepingActivities(deps.db),
    ...createCertificateActivities(deps),
    ...createQuarterlyReportActivities(deps),
    ...createStatisticsActivities(deps.db),
    ...createWarningActivities(deps),
    ...createLicenceActivities(deps),
    ...createCalendarActivities(deps),
  };
}
