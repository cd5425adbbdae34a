import { condition, patched, setHandler, workflowInfo } from '@temporalio/workflow';
import { record } from '../domain/case';
import { initialSession, needsQualitySupervisor, pickSample, sessionRules } from '../domain/session';
import { caseRuntime } from './caseRuntime';
import { candidateIdentityReveal, sessionRecorded, sessionState, sessionUpdates, type SessionInput, type SessionView } from './session.messages';
import { certificates, now, starter, store } from './support';

/**
 * An appraisal session (鉴定场次), `session:<id>`, from registration to approved results: the real-name roster
 * until it locks → the session day → the examiners' scores and the quality supervisor's visit report → the
 * station's submission, with its fraud signals (a serious one holds approval and opens a complaint by itself) →
 * the reviewer's sample re-check and decision (approve, or return for correction) → a certificate for each who passed.
 */
export async function session(input: SessionInput): Promise<SessionView> {
  const { policy } = input;
  const { workflowId } = workflowInfo();
  const c = caseRuntime({
    rules: sessionRules,
    policy,
    state: initialSession({ ...input, at: now() }),
    workflowId,
    messages: { state: sessionState, recorded: sessionRecorded, actions: sessionUpdates },
    search: { caseType: 'session', region: input.station.provinceCode },
    save: (save) => store.saveSession(save),
  });
  const status = () => c.state.status;
  // A new handler adds nothing to the history of a run that never receives its update, so it needs no patch: runs
  // started before it take reveals too. The case's own trail (its single writer) records the reveal, saved first.
  setHandler(candidateIdentityReveal, async ({ by, role, requestId, candidateId, name }) => {
    c.change(record(c.state, 'candidate_identity_revealed', { actor: { id: by, roles: [role] }, role, at: now(), requestId }, { candidateId, name }));
    await c.persist();
  });
  // Drawn inside the workflow: Math.random here is seeded by the run, so replay draws the same.
  if (needsQualitySupervisor(input.session, input.stationRisk, policy, Math.random)) c.system({ supervisionRequired: true }, 'supervision_required');
  await c.persist();
  c.markRecorded();

  // 1. The real-name roster (实名制) is open until its deadline, then locks.
  await condition(() => status() !== 'roster_open', Math.max(0, Date.parse(c.state.rosterLocksAt) - Date.now()));
  if (status() === 'roster_open') c.system({ status: 'roster_locked' }, 'roster_locked', { candidates: c.state.candidates.length });
  await c.persist();

  // 2. The session is held; scoring begins when its day ends.
  await condition(() => status() === 'cancelled', Math.max(0, Date.parse(c.state.endsAt) - Date.now()));
  if (status() === 'roster_locked') c.system({ status: 'scoring' }, 'session_ended');

  // 3. Scores and submission; 4. the review, until approved (a return goes back to scoring).
  while (status() === 'scoring' || status() === 'under_review') {
    await c.holdStatus('scoring');
    if (status() !== 'under_review') continue;
    c.system(
      {
        recheck: {
          sample: pickSample(
            c.state.candidates.map((x) => x.id),
            policy.recheckShare,
            Math.random,
          ),
          entries: {},
        },
      },
      'recheck_sample_drawn',
    );
    if (c.state.signals.some((x) => x.serious) && !c.state.complaintId) await openComplaint();
    await c.holdStatus('under_review');
  }
  // Sessions approved before certificates existed replay as they ran (patch 'certificates-on-approval').
  if (status() === 'approved' && patched('certificates-on-approval')) await issueCertificates();
  return c.finish();

  /** One certificate per passing candidate, issued in the register once (see activities/certificates.ts). */
  async function issueCertificates(): Promise<void> {
    const report = await certificates.issueSessionCertificates({ sessionId: input.id });
    if (report.applied) c.system({}, 'certificates_issued', report.result);
    else c.system({}, 'certificates_not_issued', { reason: report.reason });
    await c.persist();
  }

  /** A serious fraud signal opens a complaint case by itself (source: system), once, and brings the station's next inspection forward. */
  async function openComplaint(): Promise<void> {
    const signals = c.state.signals.filter((x) => x.serious);
    const report = await starter.openSessionComplaint({
      sessionId: input.id,
      stationId: input.station.id,
      signals,
      policy: input.complaintPolicy,
      inspectionPolicy: input.inspectionPolicy,
    });
    if (report.applied) c.system({ complaintId: String(report.result.complaintId) }, 'complaint_opened', report.result);
    else c.system({}, 'complaint_open_failed', { reason: report.reason });
    await c.persist();
  }
}
