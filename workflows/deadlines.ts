import { condition, patched } from '@temporalio/workflow';
import { escalationRung, escalationTarget, isUnresolvedDeadline, periodFrom, type Deadline, type Pending } from '../domain/case';
import { escalationChain } from '../domain/jurisdiction';
import type { Notice } from '../domain/notices';

/** A period of a step that starts now, at the given escalation level (a working-day period unresolved: see periodFrom). */
export function periodFromNow(period: string, escalationLevel: number): Deadline {
  return periodFrom(Date.now(), period, escalationLevel);
}

/**
 * Waits while a step is held, one policy period at a time. The first period is the one the step began
 * with (`current`: set by the change that began the step, and written with it, so the case's row and
 * its live state agree); each period starts with onPeriod (persist the due time, mail the holder on the
 * first); each miss calls onMissed, which may end the wait, and the next period starts one level up. A working-day
 * period is resolved (`resolve`: the calendar activity) before it is written or waited on; an ISO one takes no extra step.
 */
export async function holdWithDeadlines(options: {
  held: () => boolean;
  period: string;
  current: () => Deadline | undefined;
  resolve: (deadline: Deadline) => Promise<Deadline>;
  onPeriod: (deadline: Deadline) => Promise<void>;
  onMissed: (level: number, dueAt: string) => Promise<'stop' | 'continue'>;
}): Promise<void> {
  for (let level = 0; options.held(); level++) {
    let deadline = (level === 0 && options.current()) || periodFromNow(options.period, level);
    if (isUnresolvedDeadline(deadline)) deadline = await options.resolve(deadline);
    await options.onPeriod(deadline);
    if (await condition(() => !options.held(), Math.max(1, Date.parse(deadline.dueAt) - Date.now()))) return;
    if ((await options.onMissed(level + 1, deadline.dueAt)) === 'stop') return;
  }
}

/**
 * After a miss: remind whoever holds the step, and tell the next rung of the escalation ladder, which
 * climbs the jurisdiction tree: the supervisors registered at the station's city, then its province,
 * then the national level (the duty mailbox where a level has nobody registered).
 */
export async function remindAndEscalate(options: {
  stepKey: string;
  level: number;
  pending: Pending;
  holderEmails: string[];
  region: { provinceCode: string; cityCode: string };
  supervisorsAt: (jurisdiction?: string) => Promise<string[]>;
  escalation: { maxLevel: number; dutyMailbox: string };
  notices: { reminder: Notice; escalation: Notice };
  notify: (stepKey: string, to: string[], notice: Notice) => void;
}): Promise<void> {
  const { stepKey, level, pending } = options;
  options.notify(`${stepKey}-reminder-${level}`, options.holderEmails, options.notices.reminder);
  // Cases that began before the tree escalate as they began: every supervisor, then the duty mailbox.
  if (!patched('escalate-up-jurisdictions')) {
    const target = escalationTarget(level, pending.role, options.escalation.maxLevel);
    if (!target) return;
    const to = target === 'supervisors' ? await options.supervisorsAt() : [options.escalation.dutyMailbox];
    options.notify(`${stepKey}-escalation-${level}`, to, options.notices.escalation);
    return;
  }
  const rung = escalationRung(level, pending.role, options.escalation.maxLevel);
  if (rung === null) return;
  const chain = escalationChain(options.region);
  const officials = await options.supervisorsAt(chain[Math.min(rung, chain.length) - 1]);
  options.notify(`${stepKey}-escalation-${level}`, officials.length ? officials : [options.escalation.dutyMailbox], options.notices.escalation);
}
