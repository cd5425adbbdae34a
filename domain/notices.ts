import type { ApplicationState } from './stationApproval';

/** The texts of the mails the station approval process sends; pure so the workflow composes them. */
export interface Notice {
  subject: string;
  text: string;
}

const ref = (s: ApplicationState) => `application ${s.id} (${s.application.stationName})`;
const lines = (items: string[]) => items.map((i) => `  - ${i}`).join('\n');

export const stationNotices = {
  incomplete: (s: ApplicationState, deadline: string): Notice => ({
    subject: `Station application ${s.id}: documents incomplete`,
    text: `Your ${ref(s)} is incomplete. Please resubmit it by ${deadline} with:\n${lines(s.gaps)}\n\nWithout a resubmission by then the application is withdrawn.`,
  }),
  returned: (s: ApplicationState, deadline: string): Notice => ({
    subject: `Station application ${s.id}: returned for changes`,
    text: `The reviewer returned your ${ref(s)} for these reasons:\n${lines(s.reviewReasons)}\n\nPlease resubmit by ${deadline}.`,
  }),
  assigned: (s: ApplicationState, task: string): Notice => ({
    subject: `Station application ${s.id}: ${task}`,
    text: `You have been assigned to ${task} for ${ref(s)} by ${s.application.organisation.name}.`,
  }),
  reminder: (s: ApplicationState, action: string, dueAt: string): Notice => ({
    subject: `Reminder: ${action} overdue on station application ${s.id}`,
    text: `The step "${action}" on ${ref(s)} was due at ${dueAt} and has not been taken. Please act now.`,
  }),
  escalation: (s: ApplicationState, action: string, level: number, holders: string): Notice => ({
    subject: `Escalation (level ${level}): station application ${s.id} is overdue`,
    text: `The step "${action}" on ${ref(s)}, held by ${holders}, missed its deadline. It is escalated to you (level ${level}).`,
  }),
  outcome: (s: ApplicationState): Notice => {
    if (s.status === 'approved' && s.licence) {
      return {
        subject: `Station application ${s.id}: approved, licence ${s.licence.licenceNumber}`,
        text: `Your ${ref(s)} is approved. Licence ${s.licence.licenceNumber}, valid until ${s.licence.validUntil}, covers:\n${lines(
          s.licence.scope.map((e) => `${e.occupationCode} up to level ${e.highestLevel}`),
        )}${s.decision?.reasons.length ? `\n\nNotes:\n${lines(s.decision.reasons)}` : ''}`,
      };
    }
    if (s.status === 'rejected') {
      const reasons = s.decision?.reasons ?? s.reviewReasons;
      return { subject: `Station application ${s.id}: rejected`, text: `Your ${ref(s)} is rejected for these reasons:\n${lines(reasons)}` };
    }
    return { subject: `Station application ${s.id}: withdrawn`, text: `Your ${ref(s)} is withdrawn: ${s.withdrawnReason ?? ''}` };
  },
};
