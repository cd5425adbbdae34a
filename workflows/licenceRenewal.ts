import { getExternalWorkflowHandle, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { LicenceActivities } from '../activities';
import { initialRenewal, licenceRenewalRules } from '../domain/licenceRenewal';
import type { ProgrammeEvent } from '../domain/programme';
import { caseRuntime } from './caseRuntime';
import {
  licenceRenewalRecorded,
  licenceRenewalState,
  licenceRenewalUpdates,
  type LicenceRenewalInput,
  type LicenceRenewalView,
} from './licenceRenewal.messages';
import { programmeEvent, stationWorkflowId } from './stationProgramme.messages';
import { now } from './support';

/** The renewal's row, under the store's policy (short, retried until MySQL answers). */
const store = proxyActivities<LicenceActivities>({
  startToCloseTimeout: '10s',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '30s' },
});

/**
 * A station licence's renewal (续期申请): filed by the station's administrator → a supervisor approves or rejects under
 * the policy's decision deadline (reminded and escalated up the jurisdictions when missed). The station's programme
 * hears of the filing (a renewal pending keeps the station active past validUntil) and of the decision (an approval
 * moves validUntil on, and revives a lapsed station from the decision date).
 */
export async function licenceRenewal(input: LicenceRenewalInput): Promise<LicenceRenewalView> {
  const { policy } = input;
  const { workflowId } = workflowInfo();
  const c = caseRuntime({
    rules: licenceRenewalRules,
    policy,
    state: initialRenewal({ ...input, at: now() }),
    workflowId,
    messages: { state: licenceRenewalState, recorded: licenceRenewalRecorded, actions: licenceRenewalUpdates },
    search: { caseType: 'licence_renewal', region: input.station.provinceCode },
    save: (save) => store.saveLicenceRenewal(save),
  });
  await c.persist();
  await tellProgramme({ type: 'renewal_filed', renewalId: c.state.id, licence: input.licence, at: c.state.timeline[0].at });

  await c.holdStatus('awaiting_decision');

  const decision = c.state.decision!;
  await tellProgramme({
    type: 'renewal_decided',
    renewalId: c.state.id,
    outcome: decision.outcome === 'approve' ? 'approved' : 'rejected',
    ...(decision.validUntil ? { validUntil: decision.validUntil } : {}),
    at: decision.at,
  });
  return c.finish();

  /** Signals the station's programme; one that has ended (a revoked station) is recorded on the renewal instead. */
  async function tellProgramme(event: ProgrammeEvent): Promise<void> {
    try {
      await getExternalWorkflowHandle(stationWorkflowId(input.station.id)).signal(programmeEvent, event);
      c.system({}, 'programme_told', { event: event.type });
    } catch (error) {
      c.system({}, 'programme_told_failed', { event: event.type, reason: error instanceof Error ? error.message : String(error) });
    }
    await c.persist();
  }
}
