import { ParentClosePolicy, patched, startChild, workflowInfo } from '@temporalio/workflow';
import { durationMs } from '../domain/duration';
import { completenessGaps, initialState, licensedScope, stationApprovalRules, type ScopeEntry } from '../domain/stationApproval';
import { caseRuntime } from './caseRuntime';
import { stationProgramme } from './stationProgramme';
import { stationWorkflowId } from './stationProgramme.messages';
import { now, store } from './support';
import {
  stationApprovalState,
  stationApprovalUpdates,
  submissionRecorded,
  type StationApprovalInput,
  type StationApprovalView,
} from './stationApproval.messages';

/**
 * Station approval (鉴定所/站 审批), one workflow per application:
 * completeness check → reviewer assignment → document review (with returns) → on-site assessment
 * by recusal-checked assessors → final decision by a supervisor other than the reviewer → licence.
 * The applicant may withdraw at any time before the decision. Every wait has a policy deadline;
 * a missed deadline reminds the holder and escalates (an applicant's withdraws the application).
 */
export async function stationApproval(input: StationApprovalInput): Promise<StationApprovalView> {
  const { policy } = input;
  const { workflowId } = workflowInfo();
  const c = caseRuntime({
    rules: stationApprovalRules,
    policy,
    state: initialState({ ...input, at: now() }),
    workflowId,
    messages: { state: stationApprovalState, recorded: submissionRecorded, actions: stationApprovalUpdates },
    search: { caseType: 'station_application', region: input.application.region.provinceCode },
    save: (save) => store.saveStationApplication({ ...save, workflowId }),
  });
  const status = () => c.state.status;
  await c.persist();

  // 1. Completeness check (完整性审查): the applicant fills the gaps before the resubmission deadline.
  while (status() === 'submitted') {
    const gaps = completenessGaps(c.state.application, policy);
    if (gaps.length === 0) {
      c.system({ status: 'awaiting_reviewer' }, 'completeness_passed');
      break;
    }
    c.system({ status: 'incomplete', gaps }, 'completeness_failed', { gaps });
    await c.holdStatus('incomplete');
  }

  // 2. A supervisor assigns the document reviewer.
  await c.holdStatus('awaiting_reviewer');

  // 3. Document review (书面审查): pass, reject, or return to the applicant until resubmitted.
  while (status() === 'in_review' || status() === 'returned') {
    await c.holdStatus('in_review');
    await c.holdStatus('returned');
  }

  // 4. On-site assessment (现场评估) by at least two recusal-checked assessors.
  await c.holdStatus('awaiting_assessors');
  await c.holdStatus('on_site');

  // 5. Where the policy asks for it, the industry authority holding the occupations concurs (行业意见);
  // only such cases ever wait here, so cases begun before this step replay unchanged.
  if (status() === 'awaiting_concurrence') await c.holdStatus('awaiting_concurrence');

  // 6. Final decision by a supervisor who was not the reviewer; approval issues the licence.
  // A case that ended earlier (rejected, withdrawn) passes through the steps above without waiting.
  await c.holdStatus('awaiting_decision');
  if (status() === 'approved') await issueLicence();
  return c.finish();

  async function issueLicence(): Promise<void> {
    const licensedAt = now();
    const validUntil = new Date(Date.parse(licensedAt) + durationMs(policy.licenceValidity)).toISOString();
    const scope = licensedScope(c.state);
    const issued = await store.issueStationLicence({
      applicationId: c.state.id,
      adminId: c.state.applicantId,
      application: c.state.application,
      scope,
      licensedAt,
      validUntil,
    });
    c.system({ licence: { ...issued, validUntil, scope } }, 'licence_issued', { ...issued, validUntil });
    // Cases approved before programmes existed end without one (patched: running histories replay unchanged).
    if (patched('start-station-programme')) await startProgramme(issued.stationId, scope);
  }

  /** The licensed station's supervision programme, which outlives this case. */
  async function startProgramme(stationId: number, scope: ScopeEntry[]): Promise<void> {
    const a = c.state.application;
    const station = {
      id: stationId,
      name: a.stationName,
      organisation: a.organisation.name,
      provinceCode: a.region.provinceCode,
      cityCode: a.region.cityCode,
      adminId: c.state.applicantId,
      adminEmail: a.contactEmail,
      affiliations: a.declaredAffiliations,
      scope,
    };
    await startChild(stationProgramme, {
      workflowId: stationWorkflowId(stationId),
      parentClosePolicy: ParentClosePolicy.ABANDON,
      args: [{ station, policy: input.programmePolicy, inspectionPolicy: input.inspectionPolicy }],
    });
  }
}
