import type { Db } from '../db/connect';
import { saveLicenceRenewalSnapshot } from '../db/queries/licenceRenewals';
import { stationLicence } from '../db/queries/stations';
import type { CaseSave } from '../domain/case';
import type { RenewalRow } from '../domain/licenceRenewal';

/** The licence's life: the station's licence as issued, and the renewal's row (MySQL, under the store's policy). */
export function createLicenceActivities({ db }: { db: Db }) {
  return {
    async stationLicence(stationId: number): Promise<{ number: string; validUntil: string; emails: string[] }> {
      return stationLicence(db, stationId);
    },

    async saveLicenceRenewal(save: CaseSave<RenewalRow>): Promise<void> {
      await saveLicenceRenewalSnapshot(db, save);
    },
  };
}

export type LicenceActivities = ReturnType<typeof createLicenceActivities>;
