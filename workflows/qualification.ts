import { allHandlersFinished, condition, continueAsNew, setHandler, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import { durationMs } from '../domain/duration';
import { qualificationMailsFor, type Notice } from '../domain/notices';
import {
  applyQualificationAction,
  checkQualificationAction,
  initialQualification,
  isQualificationFinal,
  lapse,
  nextReminder,
  qualificationPendingOn,
  reinstate,
  reminded,
  type QualificationAction,
  type QualificationActionType,
  type QualificationState,
} from '../domain/qualification';
import {
  qualificationRecorded,
  qualificationSanction,
  qualificationState,
  qualificationUpdates,
  type QualificationInput,
  type QualificationRequest,
  type QualificationView,
} from './qualification.messages';
import { CaseType } from './searchAttributes';
import { mail, now, setActionHandlers, setRecordedHandler, store, upsertCaseSearchAttributes } from './support';

/**
 * An examiner's qualification (考评员资格), one workflow for its whole life, continuing as new at
 * each renewal: admission (准入) by a reviewer → active → renewal reminders at policy offsets before
 * expiry → the examiner's renewal → a reviewer (and, with violations, a supervisor) approves, returns
 * or rejects → renewed (next cycle), or lapsed at expiry (退出). A supervisor, or another process, may
 * suspend (it lifts itself at its end, pausing the renewal clock) or revoke.
 */
export async function qualification(input: QualificationInput): Promise<QualificationView> {
  const policy = input.policy;
  const { workflowId } = workflowInfo();
  let state: QualificationState = input.state ?? initialQualification({ ...input, actor: input.startedBy, at: now() });
  const startCycle = state.cycle;
  // Entries already handled (mails) before a continue-as-new are not handled again.
  let handled = input.state ? state.timeline.length : 0;
  let recorded = false;
  const outgoing: Promise<unknown>[] = [];

  const view = (): QualificationView => ({ ...state, pending: qualificationPendingOn(state) });
  setHandler(qualificationState, view);
  setRecordedHandler(qualificationRecorded, () => recorded, view);
  setActionHandlers<QualificationActionType, QualificationRequest<QualificationActionType>, QualificationView>(qualificationUpdates, {
    validate: (type, request) => checkQualificationAction(state, toAction(type, request), request.actor, policy, now()),
    apply: async (type, request) => {
      state = applyQualificationAction(state, toAction(type, request), { actor: request.actor, at: now(), requestId: request.requestId }, policy);
      await persist();
      return view();
    },
  });
  setHandler(qualificationSanction, (sanction) => {
    if (isQualificationFinal(state.status) || state.status === 'applied') return;
    const ctx = { actor: { id: sanction.source, roles: [] }, at: now() };
    const action: QualificationAction = sanction.kind === 'suspend' ? { type: 'suspend', until: sanction.until, reasons: sanction.reasons } : { type: 'revoke', reasons: sanction.reasons };
    state = applyQualificationAction(state, action, ctx, policy);
  });
  upsertSearchAttributes([{ key: CaseType, value: 'qualification' }]);
  await persist();
  recorded = true;

  // Admission: the reviewer decides (the applicant may wait; the wait is re-armed each validity period).
  while (state.status === 'applied') await condition(() => state.status !== 'applied', durationMs(policy.validity));

  // The cycle: reminders, the renewal decision, suspension's end, expiry.
  while (!isQualificationFinal(state.status)) {
    if (state.cycle > startCycle) {
      // Renewed: a fresh history for the next cycle.
      await persist();
      await Promise.all(outgoing);
      await condition(allHandlersFinished);
      return continueAsNew<typeof qualification>({ ...input, state: { ...state, timeline: state.timeline.slice(-20) } });
    }
    const version = state.version;
    const wakeAt = nextWake();
    if (await condition(() => state.version !== version, Math.max(0, wakeAt - Date.now()))) {
      await persist();
      continue;
    }
    const at = Date.now();
    if (state.status === 'suspended') {
      if (at >= Date.parse(state.suspension!.until)) state = reinstate(state, now());
    } else if (at >= Date.parse(state.expiresAt!)) {
      state = lapse(state, now());
    } else {
      const reminder = nextReminder(state, policy);
      if (reminder && at >= reminder.at) state = reminded(state, reminder.offset, now());
    }
    await persist();
  }
  await persist();
  await Promise.all(outgoing);
  await condition(allHandlersFinished);
  return view();

  /** When the cycle must next act by itself: the next reminder, the suspension's end, or expiry. */
  function nextWake(): number {
    if (state.status === 'suspended') return Date.parse(state.suspension!.until);
    const reminder = nextReminder(state, policy);
    return Math.min(reminder?.at ?? Infinity, Date.parse(state.expiresAt!));
  }

  async function persist(): Promise<void> {
    for (const entry of state.timeline.slice(handled)) {
      for (const m of qualificationMailsFor(entry, state)) notify(m.key, m.to, m.notice);
    }
    handled = state.timeline.length;
    upsertCaseSearchAttributes(state.status, qualificationPendingOn(state), undefined);
    await store.saveQualification(state, qualificationPendingOn(state), input.nationalId);
  }

  function notify(stepKey: string, to: string[], notice: Notice): void {
    outgoing.push(mail.sendMail({ workflowId, stepKey, to, subject: notice.subject, text: notice.text }));
  }
}

function toAction(type: QualificationActionType, request: QualificationRequest<QualificationActionType>): QualificationAction {
  return { ...request.payload, type } as QualificationAction;
}

