import type { QueryDefinition, UpdateDefinition } from '@temporalio/common';
import { allHandlersFinished, condition, setHandler, upsertSearchAttributes } from '@temporalio/workflow';
import {
  SYSTEM,
  isUnresolvedDeadline,
  record,
  resolvedPeriod,
  type CaseRecord,
  type CaseRules,
  type CaseSave,
  type Deadline,
  type StepPolicy,
  type TimelineEntry,
} from '../domain/case';
import { deadlineNotices, type Notice } from '../domain/notices';
import type { ActionResult, ActionUpdates, CaseRequest, CaseView } from './caseMessages';
import { holdWithDeadlines, remindAndEscalate } from './deadlines';
import { CaseType, Region } from './searchAttributes';
import { calendar, mail, now, setActionHandlers, setRecordedHandler, store, upsertCaseSearchAttributes } from './support';

type State = CaseRecord & { id: string; status: string };

export interface CaseOptions<S extends State, A extends { type: string }, Policy, P, V> {
  rules: CaseRules<S, A, Policy, P>;
  policy: Policy;
  state: S;
  workflowId: string;
  messages: { state: QueryDefinition<V>; recorded: UpdateDefinition<V, []>; actions: ActionUpdates<A, V> };
  /** Search attributes set once at the start. */
  search: { caseType: string; region?: string };
  /** Writes the row and the new events (a store activity of the process). */
  save: (save: CaseSave<P>) => Promise<void>;
  /** Fields of the view beyond the case and who must act next. */
  extraView?: () => Omit<V, keyof CaseView<S>>;
  /** What a new timeline entry calls for besides its mail (an inspection telling the station's programme). */
  onEntry?: (entry: S['timeline'][number]) => void;
  /** A run continued as new: its entries are already written and mailed. */
  continued?: boolean;
  /** The province whose calendar working-day periods count in (default: the search region; none: the national calendar). */
  calendarProvince?: () => string | null | undefined;
}

/**
 * One case's state and its messages, the same for every process: the state query, the action updates
 * (validated by the rules' check, so a refused action never enters history), the early-return update,
 * writing the row with only new events, the mail each new entry calls for, the due time of the current
 * step, and waiting for mail and handlers at the end. Built before the workflow's first await.
 */
export function caseRuntime<S extends State, A extends { type: string }, Policy, P, V extends CaseView<S>>(options: CaseOptions<S, A, Policy, P, V>) {
  const { rules, policy, workflowId } = options;
  let state = options.state;
  let deadline = rules.deadline(undefined, state, undefined, policy, Date.now());
  // The entry that set the current period, and that period (once resolved, its resolution): the entry states its due time.
  let setBy: { seq: number; period: Deadline } | undefined;
  // Entries up to these sequence numbers are written and mailed (a continued run starts past them).
  let written = options.continued ? state.version : 0;
  let mailed = written;
  let recorded = false;
  let holds = 0;
  const outgoing: Promise<unknown>[] = [];

  const view = (): V => {
    const pending = rules.pendingOn(state);
    // An unresolved working-day period has no due time yet (its dueAt is its start): shown once resolved.
    const due = deadline && !isUnresolvedDeadline(deadline) ? deadline : undefined;
    return { ...state, pending: pending && { ...pending, ...due }, ...options.extraView?.() } as V;
  };
  setHandler(options.messages.state, view);
  setRecordedHandler(options.messages.recorded, () => recorded, view);
  type Request = CaseRequest<A, A['type']>;
  const toAction = (type: A['type'], request: Request) => ({ ...request.payload, type }) as unknown as A;
  const result = (): ActionResult<V> => {
    const { timeline: _timeline, ...rest } = view();
    return rest;
  };
  setActionHandlers<A['type'], Request, ActionResult<V>>(options.messages.actions, {
    validate: (type, request) => rules.check(state, toAction(type, request), request.actor, policy, now()),
    apply: async (type, request) => {
      change(rules.apply(state, toAction(type, request), { actor: request.actor, at: now(), requestId: request.requestId }, policy));
      // Only a working-day period starting now takes this step, so the answer carries its due time.
      if (deadline && isUnresolvedDeadline(deadline)) await resolveDeadline();
      // The case as this action left it: a later change while the write runs is the next answer's.
      const answer = result();
      await persist();
      return answer;
    },
  });
  upsertSearchAttributes([
    { key: CaseType, value: options.search.caseType },
    ...(options.search.region ? [{ key: Region, value: options.search.region }] : []),
  ]);

  /**
   * Every change of the case goes through here. One that moves the case to another step starts that step's
   * due time at once, so the write carrying the change carries the pending step and its due time together.
   */
  function change(next: S): void {
    const period = rules.deadline(state, next, deadline, policy, Date.now());
    if (period !== deadline) setBy = period && next.version > state.version ? { seq: next.version, period } : undefined;
    deadline = period;
    state = next;
  }

  /** A change the process makes by itself (not a person's action), recorded on the timeline. */
  function system(changes: Partial<S>, action: string, data?: Record<string, unknown>): void {
    change(record({ ...state, ...changes }, action, { actor: SYSTEM, at: now() }, data));
  }

  /**
   * A working-day period's due time from the calendar in force when it starts (an activity, so recorded in history: a
   * later correction of the calendar moves only periods that start after it). ISO periods never come here.
   */
  async function resolve(period: Deadline): Promise<Deadline> {
    const provinceCode = (options.calendarProvince ? options.calendarProvince() : options.search.region) ?? '';
    const resolved = resolvedPeriod(period, await calendar.workingDayDue({ from: period.dueAt, days: period.workingDays!, provinceCode }));
    if (setBy?.period === period) setBy = { ...setBy, period: resolved };
    return resolved;
  }

  /**
   * Records the resolved due time on the entry that set the current period, where the rules state it (`statesDue`), before
   * that entry is mailed or written: its mail and any document print this due time, never one worked out again.
   */
  function stateDue(): void {
    const by = setBy;
    if (!by || by.seq <= mailed || deadline !== by.period || isUnresolvedDeadline(by.period)) return;
    const dueAt = by.period.dueAt;
    const states = (e: TimelineEntry) => e.seq === by.seq && rules.statesDue?.includes(e.action);
    state = { ...state, timeline: state.timeline.map((e) => (states(e) ? { ...e, data: { ...e.data, dueAt } } : e)) };
    setBy = undefined;
  }

  /** Resolves the current period if it is an unresolved working-day one, unless a change replaced it meanwhile. */
  async function resolveDeadline(): Promise<void> {
    const period = deadline;
    if (!period || !isUnresolvedDeadline(period)) return;
    const resolved = await resolve(period);
    if (deadline === period) deadline = resolved;
  }

  /** Mails and effects of the new entries, then the row, the new events and the search attributes (idempotent by version). */
  async function persist(): Promise<void> {
    // Never written unresolved: a change during the call may have begun another working-day period.
    while (deadline && isUnresolvedDeadline(deadline)) await resolveDeadline();
    stateDue();
    for (const entry of state.timeline.filter((e) => e.seq > mailed)) {
      for (const m of rules.mailsFor(entry, state, policy)) notify(m.key, m.to, m.notice);
      options.onEntry?.(entry);
    }
    mailed = state.version;
    const pending = rules.pendingOn(state);
    upsertCaseSearchAttributes(state.status, pending, deadline);
    const events = state.timeline.filter((e) => e.seq > written);
    written = state.version;
    const at = (i: number) => state.timeline.at(i)?.at ?? now();
    await options.save({ case: rules.project(state), pending, deadline: deadline ?? null, createdAt: at(0), updatedAt: at(-1), events });
  }

  /** Mail goes out beside the process, never holding up a step or a deadline; finish() waits for it. */
  function notify(stepKey: string, to: string[], notice: Notice): void {
    beside(mail.sendMail({ workflowId, stepKey, to, subject: notice.subject, text: notice.text }));
  }

  function beside(work: Promise<unknown>): void {
    outgoing.push(work);
  }

  /**
   * Holds the case while it is in a status, one policy period at a time. Each miss takes the case's own
   * consequence (which ends the wait), or is recorded, reminds the holder and escalates one level up the
   * jurisdiction tree. Returns at once if the case has moved on; writes what the wait itself changed.
   */
  async function holdStatus(from: S['status']): Promise<void> {
    const hold = ++holds;
    const steps = rules.hold!;
    const stepPolicy = policy as unknown as StepPolicy;
    const key = steps.deadlines[from]!;
    await holdWithDeadlines({
      held: () => state.status === from,
      period: stepPolicy.deadlines[key],
      current: () => deadline,
      resolve,
      onPeriod: async (next) => {
        deadline = next;
        await persist();
        recorded = true; // the case has reached a waiting step
      },
      onMissed: async (level, dueAt) => {
        const pending = rules.pendingOn(state)!;
        const consequence = steps.missed(state, pending, dueAt, now());
        if (consequence) {
          change(consequence);
          return 'stop';
        }
        const holderIds = pending.userIds.length ? pending.userIds : [pending.role];
        system({}, 'deadline_missed', { action: pending.action, dueAt, escalationLevel: level, holders: holderIds });
        const holders = steps.holders(state, pending);
        const label = steps.label(state);
        await remindAndEscalate({
          stepKey: `${hold}-${key}`,
          level,
          pending,
          holderEmails: 'emails' in holders ? holders.emails : await store.emailsForRole(holders.role, holders.at),
          region: steps.region(state),
          supervisorsAt: (jurisdiction) => store.emailsForRole('supervisor', jurisdiction),
          escalation: stepPolicy.escalation,
          notices: {
            reminder: deadlineNotices.reminder(label, pending.action, dueAt),
            escalation: deadlineNotices.escalation(label, pending.action, level, holderIds.join(', ')),
          },
          notify,
        });
        return 'continue';
      },
    });
    await persist();
  }

  /** Writes the case, then lets outstanding mail and handlers finish (before the run ends or continues as new). */
  async function settle(): Promise<void> {
    await persist();
    await Promise.all(outgoing);
    await condition(allHandlersFinished);
  }

  return {
    get state(): S {
      return state;
    },
    get deadline(): Deadline | undefined {
      return deadline;
    },
    set deadline(next: Deadline | undefined) {
      deadline = next;
    },
    /** The 201 of the API's start may answer from now on. */
    markRecorded: () => {
      recorded = true;
    },
    view,
    result,
    change,
    system,
    persist,
    resolve,
    resolveDeadline,
    notify,
    beside,
    holdStatus,
    settle,
    async finish(): Promise<V> {
      await settle();
      return view();
    },
  };
}
