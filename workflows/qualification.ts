import { condition, continueAsNew, setHandler, workflowInfo } from '@temporalio/workflow';
import { durationMs } from '../domain/duration';
import {
  initialQualification,
  isQualificationFinal,
  lapse,
  nextReminder,
  qualificationRules,
  reinstate,
  reminded,
  type QualificationAction,
} from '../domain/qualification';
import { caseRuntime } from './caseRuntime';
import {
  qualificationRecorded,
  qualificationSanction,
  qualificationState,
  qualificationUpdates,
  type QualificationInput,
  type QualificationView,
} from './qualification.messages';
import { now, store } from './support';

/**
 * An examiner's qualification (考评员资格), one workflow for its whole life, continuing as new at
 * each renewal: admission (准入) by a reviewer → active → renewal reminders at policy offsets before
 * expiry → the examiner's renewal → a reviewer (and, with violations, a supervisor) approves, returns
 * or rejects → renewed (next cycle), or lapsed at expiry (退出). A supervisor, or another process, may
 * suspend (it lifts itself at its end, pausing the renewal clock) or revoke.
 */
export async function qualification(input: QualificationInput): Promise<QualificationView> {
  const { policy } = input;
  const c = caseRuntime({
    rules: qualificationRules,
    policy,
    state: input.state ?? initialQualification({ ...input, actor: input.startedBy, at: now() }),
    workflowId: workflowInfo().workflowId,
    messages: { state: qualificationState, recorded: qualificationRecorded, actions: qualificationUpdates },
    search: { caseType: 'qualification' },
    save: (save) => store.saveQualification({ ...save, nationalId: input.nationalId }),
    continued: !!input.state,
  });
  const startCycle = c.state.cycle;
  setHandler(qualificationSanction, (sanction) => {
    const s = c.state;
    if (isQualificationFinal(s.status) || s.status === 'applied') return;
    const ctx = { actor: { id: sanction.source, roles: [] }, at: now() };
    const action: QualificationAction =
      sanction.kind === 'suspend' ? { type: 'suspend', until: sanction.until, reasons: sanction.reasons } : { type: 'revoke', reasons: sanction.reasons };
    c.change(qualificationRules.apply(s, action, ctx, policy));
  });
  await c.persist();
  c.markRecorded();

  // Admission: the reviewer decides (the applicant may wait; the wait is re-armed each validity period).
  while (c.state.status === 'applied') await condition(() => c.state.status !== 'applied', durationMs(policy.validity));

  // The cycle: reminders, the renewal decision, suspension's end, expiry.
  while (!isQualificationFinal(c.state.status)) {
    if (c.state.cycle > startCycle) {
      // Renewed: a fresh history for the next cycle.
      await c.settle();
      return continueAsNew<typeof qualification>({ ...input, state: { ...c.state, timeline: c.state.timeline.slice(-20) } });
    }
    const version = c.state.version;
    if (await condition(() => c.state.version !== version, Math.max(0, nextWake() - Date.now()))) {
      await c.persist();
      continue;
    }
    const at = Date.now();
    const s = c.state;
    if (s.status === 'suspended') {
      if (at >= Date.parse(s.suspension!.until)) c.change(reinstate(s, now()));
    } else if (at >= Date.parse(s.expiresAt!)) {
      c.change(lapse(s, now()));
    } else {
      const reminder = nextReminder(s, policy);
      if (reminder && at >= reminder.at) c.change(reminded(s, reminder.offset, now()));
    }
    await c.persist();
  }
  return c.finish();

  /** When the cycle must next act by itself: the next reminder, the suspension's end, or expiry. */
  function nextWake(): number {
    const s = c.state;
    if (s.status === 'suspended') return Date.parse(s.suspension!.until);
    const reminder = nextReminder(s, policy);
    return Math.min(reminder?.at ?? Infinity, Date.parse(s.expiresAt!));
  }
}
