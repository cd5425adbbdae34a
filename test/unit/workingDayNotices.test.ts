import { describe, expect, it } from 'vitest';
import routineChecklist from '../../db/seeds/checklist.station-routine.v1.json';
import example from '../../db/seeds/station-application.example.json';
import type { TimelineEntry } from '../../domain/case';
import { checklistItemsSchema } from '../../domain/checklist';
import { initialInspection } from '../../domain/inspection';
import { inspectionMailsFor, stationMailsFor, statedDue } from '../../domain/notices';
import { defaultPolicy, policyWith } from '../../domain/policy';
import { initialState } from '../../domain/stationApproval';

/** Resubmission, rectification and triage in working days: policy takes them, and a notice prints the due time the case recorded. */
const AT = '2026-09-30T02:00:00.000Z';
// What the runtime records on the entry once the calendar answered (the 3rd working day after 30 September is 10 October).
const DUE = '2026-10-10T15:59:59.999Z';
const entry = (action: string, data: Record<string, unknown> = {}): TimelineEntry => ({
  seq: 2,
  at: AT,
  action,
  actorId: 'rev-1',
  actorRole: 'reviewer',
  data,
});
const application = initialState({ id: 'app-1', applicantId: 'admin-1', application: structuredClone(example), at: AT });

describe('working-day periods a notice states as a date', () => {
  it('are accepted in policy for resubmission, rectification and complaint triage, and still refused for a validity', () => {
    const policy = policyWith({
      stationApproval: { deadlines: { resubmission: 'P3WD' } },
      inspection: { deadlines: { rectification: 'P2WD' } },
      complaint: { triage: 'P1WD' },
    });
    expect([policy.stationApproval.deadlines.resubmission, policy.inspection.deadlines.rectification, policy.complaint.triage]).toEqual([
      'P3WD',
      'P2WD',
      'P1WD',
    ]);
    expect(() => policyWith({ stationApproval: { licenceValidity: 'P3WD' } })).toThrow(/ISO-8601/);
    expect(() => policyWith({ complaint: { extension: 'P3WD' } })).toThrow(/ISO-8601/);
  });

  it('print the due time recorded on the entry in the resubmission mails, whatever the period', () => {
    const policy = policyWith({ stationApproval: { deadlines: { resubmission: 'P3WD' } } }).stationApproval;
    const incomplete = stationMailsFor(entry('completeness_failed', { gaps: ['site_certificate'], dueAt: DUE }), application, policy);
    const returned = stationMailsFor(entry('review_return', { reasons: ['场地证明已过期'], dueAt: DUE }), application, policy);
    expect(incomplete[0].notice.text).toContain(`resubmit it by ${DUE}`);
    expect(returned[0].notice.text).toContain(`Please resubmit by ${DUE}.`);
  });

  it('print the recorded due time in the rectification order', () => {
    const template = { id: 'station-routine', version: 1, items: checklistItemsSchema.parse(routineChecklist) };
    const inspection = initialInspection({
      id: 'S1-adhoc',
      kind: 'ad_hoc',
      station: {
        id: 1,
        name: 'Station',
        organisation: 'Works',
        provinceCode: '440000',
        cityCode: '440600',
        adminId: 'admin-1',
        adminEmail: 'a@example.com',
        affiliations: [],
      },
      template,
      previousTeamIds: [],
      startedBy: { id: 'sup-1', roles: ['supervisor'] },
      at: AT,
    });
    const [order] = inspectionMailsFor(entry('rectification_ordered', { items: [template.items[0].id], dueAt: DUE }), inspection, 'P2WD');
    expect(order.to).toEqual(['a@example.com']);
    expect(order.notice.text).toContain(`report by ${DUE}.`);
  });

  it('count an ISO period from the entry for entries recorded before due times were stated, and never guess working days', () => {
    expect(statedDue(entry('review_return'), 'P30D')).toBe('2026-10-30T02:00:00.000Z');
    expect(statedDue(entry('review_return', { dueAt: DUE }), 'P30D')).toBe(DUE);
    expect(statedDue(entry('review_return'), 'P3WD')).toBeNull();
    const text = stationMailsFor(entry('review_return', { reasons: [] }), application, {
      ...defaultPolicy.stationApproval,
      deadlines: { ...defaultPolicy.stationApproval.deadlines, resubmission: 'P3WD' },
    })[0].notice.text;
    expect(text).toContain('Please resubmit by the due date shown on the application.');
  });
});
