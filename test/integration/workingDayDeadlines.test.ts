import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import example from '../../db/seeds/station-application.example.json';
import { calendarInForce } from '../../db/queries/calendars';
import { addWorkingDays, nthWorkingDayAfter, type WorkingCalendar } from '../../domain/workingDays';
import { checklistScores, guangzhouApplication, licenseStation } from '../support/fixtures';
import { eventually, startHarness, type Harness } from '../support/harness';
import { pdfText } from '../support/pdf';

/**
 * Resubmission, rectification and complaint triage in working days (issue 20): the date a mail or a printed notice states
 * is the due time the case holds, resolved on the calendar in force; the public intake writes a working-day triage due
 * time on the same calendar. The next working day is published as a day off first, so every period here spans a holiday.
 */
let h: Harness;
let original: WorkingCalendar;
let calendar: WorkingCalendar;
beforeAll(async () => {
  h = await startHarness({
    stationApproval: { deadlines: { resubmission: 'P3WD' } },
    inspection: { deadlines: { rectification: 'P2WD' } },
    complaint: { triage: 'P1WD' },
  });
  original = await calendarInForce(h.db, '');
  // A holiday just ahead: the nation makes the next working day a day off (a correction of its year).
  const holiday = nthWorkingDayAfter(original, new Date().toISOString(), 1);
  const y = Number(holiday.slice(0, 4));
  const current = (await h.api('GET', `/v1/calendars/${y}`, { as: 'sup-1' })).body.national.current ?? { holidays: [], workdays: [] };
  const published = await h.api('POST', `/v1/calendars/${y}`, {
    as: 'sup-1',
    body: {
      scope: 'national',
      holidays: [...current.holidays, holiday],
      workdays: current.workdays.filter((d: string) => d !== holiday),
      reason: '临时假日（测试）',
    },
  });
  expect(published.status, JSON.stringify(published.body)).toBe(201);
  calendar = await calendarInForce(h.db, '440000');
  expect(calendar.holidays.has(holiday)).toBe(true);
}, 300_000);
afterAll(async () => h?.close());

type Entry = { action: string; at: string; data?: Record<string, any> };
const timeline = async (path: string) => (await h.api('GET', `${path}/timeline`, { as: 'sup-1' })).body.items as Entry[];
const entry = (path: string, action: string) => eventually(async () => (await timeline(path)).find((e) => e.action === action));
const mail = (subject: string) => eventually(async () => h.mails.find((m) => m.subject.includes(subject)));
const chineseDate = (iso: string) =>
  new Intl.DateTimeFormat('zh-CN', { timeZone: 'Asia/Shanghai', year: 'numeric', month: 'long', day: 'numeric' }).format(new Date(iso));

describe('deadlines a notice states, in working days', () => {
  it('tells a returned applicant the end of the 3rd working day after the return, past the holiday, as the case holds it', async () => {
    const created = await h.api('POST', '/v1/station-applications', { as: 'admin-1', body: example });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const id = created.body.id as string;
    const path = `/v1/station-applications/${id}`;
    expect((await h.api('POST', `${path}/reviewer`, { as: 'sup-1', body: { reviewerId: 'rev-2' } })).status).toBe(200);
    const returned = await h.api('POST', `${path}/review`, { as: 'rev-2', body: { outcome: 'return', reasons: ['场地证明已过期'] } });
    expect(returned.status, JSON.stringify(returned.body)).toBe(200);

    const at = (await entry(path, 'review_return')).at;
    const due = addWorkingDays(calendar, at, 3);
    expect(Date.parse(due)).toBeGreaterThan(Date.parse(addWorkingDays(original, at, 3)));
    expect(returned.body.pending).toMatchObject({ action: 'resubmit', workingDays: 3, calendarVersion: calendar.version, dueAt: due });
    const sent = await mail(`Station application ${id}: returned for changes`);
    expect(sent.text).toContain(`Please resubmit by ${due}.`);
    expect((await entry(path, 'review_return')).data).toMatchObject({ dueAt: due });
    expect((await h.api('GET', path, { as: 'admin-1' })).body.record.pending.dueAt).toBe(due);
  });

  it('prints the same rectification date, two working days on, in the order’s mail and in the rectification notice', async () => {
    const stationId = await licenseStation(h, 'admin-2', guangzhouApplication);
    const started = await h.api('POST', '/v1/inspections', { as: 'sup-1', body: { stationId, reason: 'spot check' } });
    expect(started.status, JSON.stringify(started.body)).toBe(201);
    const id = started.body.id as string;
    const path = `/v1/inspections/${id}`;
    const act = async (step: string, as: string, body: unknown = {}) => {
      const res = await h.api('POST', `${path}/${step}`, { as, body });
      expect(res.status, `${step} as ${as}: ${JSON.stringify(res.body)}`).toBe(200);
      return res.body;
    };
    await act('team', 'sup-1', { inspectorIds: ['insp-1', 'insp-2'], leadId: 'insp-1' });
    await act('acknowledge', 'insp-1');
    await act('acknowledge', 'insp-2');
    await act('scores', 'insp-1', { scores: checklistScores({ 'process.scope': 2 }) });
    await act('scores', 'insp-2', { scores: checklistScores({ 'process.scope': 3 }) });
    await act('report', 'insp-1', { summary: 'sessions outside the licence' });
    const ordered = await act('review', 'sup-1', { outcome: 'rectify', reasons: ['立即停止超范围鉴定'] });

    const at = (await entry(path, 'rectification_ordered')).at;
    const due = addWorkingDays(calendar, at, 2);
    expect(ordered.pending).toMatchObject({ action: 'submitRectification', workingDays: 2, dueAt: due });
    const sent = await mail(`Inspection ${id}: rectification order`);
    expect(sent.text).toContain(`Rectify them and report by ${due}.`);

    const res = await fetch(`${h.baseUrl}${path}/rectification-notice.pdf`, { headers: { authorization: `Bearer ${await h.token('admin-2')}` } });
    expect(res.status).toBe(200);
    const text = pdfText(new Uint8Array(await res.arrayBuffer()));
    expect(text).toContain(`请于${chineseDate(due)}前完成整改`);
    // The date an ISO reading of the order would give (its day plus two calendar days) is not the one printed.
    expect(chineseDate(due)).not.toBe(chineseDate(new Date(Date.parse(at) + 2 * 86_400_000).toISOString()));
  });

  it('writes a publicly filed complaint’s triage due time at the end of the next working day, the same the workflow holds', async () => {
    const filed = await h.api('POST', '/v1/public/complaints', {
      body: { category: 'examiner_misconduct', happenedOn: '2026-11-01', description: 'The examiner left the room during the practical test.' },
    });
    expect(filed.status, JSON.stringify(filed.body)).toBe(201);
    // The API wrote the row before it answered.
    const row = await h.db('complaints').where({ tracking_number: filed.body.trackingNumber }).first('id', 'due_at');
    const received = (await timeline(`/v1/complaints/${row.id}`)).find((e) => e.action === 'received')!;
    const national = await calendarInForce(h.db, '');
    const due = addWorkingDays(national, received.at, 1);
    expect(Date.parse(due)).toBeGreaterThan(Date.parse(addWorkingDays(original, received.at, 1)));
    expect(new Date(row.due_at).toISOString()).toBe(due);
    // The workflow resolves the same period on the same calendar, and its first save leaves the row as it was.
    // (A query may find the case a moment before the calendar activity has answered: the pending step, not yet its due time.)
    const live = await eventually(async () => {
      const pending = (await h.api('GET', `/v1/complaints/${row.id}`, { as: 'sup-1' })).body.live?.pending;
      return pending?.calendarVersion === undefined ? undefined : pending;
    });
    expect(live).toMatchObject({ action: 'triage', workingDays: 1, calendarVersion: national.version, dueAt: due });
    expect(new Date((await h.db('complaints').where({ id: row.id }).first('due_at')).due_at).toISOString()).toBe(due);
  });
});
