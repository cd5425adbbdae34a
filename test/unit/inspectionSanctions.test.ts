import { describe, expect, it } from 'vitest';
import routineChecklist from '../../db/seeds/checklist.station-routine.v1.json';
import { checklistItemsSchema } from '../../domain/checklist';
import { applyInspectionAction, initialInspection, rectificationMissed, type InspectionAction, type InspectionState } from '../../domain/inspection';
import { defaultPolicy } from '../../domain/policy';
import type { Actor, Person } from '../../domain/roles';

/** The sanctions ladder (warning → suspension → revocation): every rung, and the revocation above all, is on the trail. */
const policy = defaultPolicy.inspection;
const supervisor: Actor = { id: 'sup-1', roles: ['supervisor'] };
const inspector = (id: string): Person => ({
  id,
  name: id,
  email: `${id}@example.gov.cn`,
  roles: ['inspector'],
  organisation: 'Quality Institute',
  affiliations: [],
});
const template = { id: 'station-routine', version: 1, items: checklistItemsSchema.parse(routineChecklist) };
const fullMarks = Object.fromEntries(template.items.map((i) => [i.id, i.maxScore]));
let clock = Date.parse('2026-12-01T08:00:00Z');

function act(state: InspectionState, action: InspectionAction, actor: Actor): InspectionState {
  clock += 60_000;
  return applyInspectionAction(state, action, { actor, at: new Date(clock).toISOString() }, policy);
}

/** An inspection failed on a critical item, reviewed and waiting on the station's rectification. */
function inRectification(): InspectionState {
  let s = initialInspection({
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
    startedBy: supervisor,
    at: new Date(clock).toISOString(),
  });
  const team = [inspector('insp-1'), inspector('insp-2')];
  s = act(s, { type: 'assignTeam', team, leadId: 'insp-1', inactiveIds: [] }, supervisor);
  for (const p of team) s = act(s, { type: 'acknowledge' }, { id: p.id, roles: ['inspector'] });
  for (const p of team) s = act(s, { type: 'submitScores', scores: { ...fullMarks, 'org.records': 1 }, notes: '' }, { id: p.id, roles: ['inspector'] });
  s = act(s, { type: 'submitReport', summary: 'records missing' }, { id: 'insp-1', roles: ['inspector'] });
  return act(s, { type: 'review', outcome: 'rectify', reasons: ['records missing'] }, supervisor);
}

/** Each entry starts where the previous one left the case. */
function expectChained(s: InspectionState): void {
  s.timeline.slice(1).forEach((entry, i) => expect(entry.statusBefore, entry.action).toBe(s.timeline[i].statusAfter));
}

describe('sanctions ladder', () => {
  it('records the revocation as the change that revokes: its entry ends the case revoked', () => {
    let s = inRectification();
    for (let round = 0; round < 3; round++) {
      s = rectificationMissed(s, new Date((clock += 60_000)).toISOString(), new Date(clock).toISOString());
      s = act(s, { type: 'decideSanction', reasons: [`round ${round + 1} missed`] }, supervisor);
    }
    expect(s).toMatchObject({ status: 'revoked', outcome: 'revoked' });
    expect(s.sanctions.map((x) => x.level)).toEqual(['warning', 'suspension', 'revocation']);
    const last = s.timeline.at(-1)!;
    expect(last).toMatchObject({
      action: 'sanction_revocation',
      statusBefore: 'awaiting_sanction',
      statusAfter: 'revoked',
      actorId: 'sup-1',
      data: { reasons: ['round 3 missed'] },
    });
    expect(last.seq).toBe(s.version);
    expectChained(s);
  });

  it('records a warning and a suspension with the new rectification round that follows each', () => {
    let s = inRectification();
    s = rectificationMissed(s, new Date((clock += 60_000)).toISOString(), new Date(clock).toISOString());
    s = act(s, { type: 'decideSanction', reasons: ['missed'] }, supervisor);
    expect(s.timeline.slice(-2).map((e) => [e.action, e.statusAfter])).toEqual([
      ['sanction_warning', 'awaiting_sanction'],
      ['rectification_ordered', 'rectification'],
    ]);
    expect(s.timeline.at(-1)!.statusAfter).toBe(s.status);
    expectChained(s);
  });
});
