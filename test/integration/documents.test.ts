import { PDFDocument } from 'pdf-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_USERS } from '../../db/seeds/demo';
import { eventually, startHarness, type Harness } from '../support/harness';
import { checklistScores, guangzhouApplication, licenseStation } from '../support/fixtures';
import { flat, pdfFonts, pdfText } from '../support/pdf';

/** The printable documents: the licensing decision (许可决定书) and the rectification notice (整改通知书), read back as text. */
let h: Harness;
let stationId: number;
let applicationId: string;
beforeAll(async () => {
  h = await startHarness();
  stationId = await licenseStation(h, 'admin-1');
  applicationId = (await h.api('GET', `/v1/stations/${stationId}`, { as: 'sup-1' })).body.applicationId;
});
afterAll(async () => h?.close());

/** GETs a document as a demo user: the status, headers and bytes (an error's JSON body when not a PDF). */
async function download(url: string, as: string) {
  const res = await fetch(h.baseUrl + url, { headers: { authorization: `Bearer ${await h.token(as)}` } });
  const bytes = new Uint8Array(await res.arrayBuffer());
  const json = res.headers.get('content-type')?.includes('json') ? JSON.parse(Buffer.from(bytes).toString('utf8')) : undefined;
  return { status: res.status, headers: res.headers, bytes, json };
}

const chineseDate = (iso: string) =>
  new Intl.DateTimeFormat('zh-CN', { timeZone: 'Asia/Shanghai', year: 'numeric', month: 'long', day: 'numeric' }).format(new Date(iso));
const organisationOf = (userId: string) => DEMO_USERS.find((u) => u.id === userId)!.organisation;

async function expectNotFound(url: string, as: string) {
  const res = await download(url, as);
  expect(res.status, `${url} as ${as}`).toBe(404);
  expect(res.json.error.code).toBe('not_found');
  return res.json;
}

describe('the licensing decision (许可决定书)', () => {
  it('prints an approval with the case number, the licence number and validity, the scope and the deciding authority', async () => {
    const res = await download(`/v1/station-applications/${applicationId}/decision.pdf`, 'admin-1');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/pdf');
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename="decision-${applicationId}.pdf"`);

    const pdf = await PDFDocument.load(res.bytes);
    expect(pdf.getPageCount()).toBe(1);
    expect(pdf.getTitle()).toBe(`职业技能鉴定所（站）许可决定书（${applicationId}）`);
    expect(pdf.getSubject()).toBe(applicationId);

    const { record } = (await h.api('GET', `/v1/station-applications/${applicationId}`, { as: 'sup-1' })).body;
    const timeline = (await h.api('GET', `/v1/station-applications/${applicationId}/timeline`, { as: 'sup-1' })).body.items as Array<{
      action: string;
      at: string;
      actorId: string;
    }>;
    const decided = timeline.find((e) => e.action === 'decision_approve')!;
    const text = pdfText(res.bytes);
    for (const expected of [
      '职业技能鉴定所（站）许可决定书',
      `案号：${applicationId}`,
      '准予许可',
      `许可证编号：${record.licenceNumber}`,
      `有效期：自${chineseDate(timeline.find((e) => e.action === 'licence_issued')!.at)}至${chineseDate(record.outcome.licence.validUntil)}`,
      record.application.organisation.name,
      record.application.organisation.creditCode,
      record.application.stationName,
      record.application.address,
      // The example's scope: 6-18-01-01 up to level 3, 6-18-02-04 up to level 4.
      '16-18-01-01高级（三级）',
      '26-18-02-04中级（四级）',
      flat(`${organisationOf(decided.actorId)}${chineseDate(decided.at)}`),
    ]) {
      expect(text).toContain(flat(expected));
    }
    expect(text).not.toContain('不予许可');
    // The font is embedded, and only the glyphs used (the whole font is megabytes).
    expect(pdfFonts(res.bytes)).toEqual([{ name: expect.any(String), embedded: true }]);
    expect(res.bytes.length).toBeLessThan(150_000);

    // Supervisors over the station's region print it too, and get the same document.
    const bySupervisor = await download(`/v1/station-applications/${applicationId}/decision.pdf`, 'sup-gd');
    expect(bySupervisor.status).toBe(200);
    expect(Buffer.from(bySupervisor.bytes).equals(Buffer.from(res.bytes))).toBe(true);
  });

  it('is 404 for another station administrator and outside the jurisdiction, exactly as for an unknown application', async () => {
    const url = `/v1/station-applications/${applicationId}/decision.pdf`;
    const unknown = await expectNotFound('/v1/station-applications/01ARZ3NDEKTSV4RRFFQ69G5FAV/decision.pdf', 'admin-1');
    const shape = (body: { error: { code: string; message: string; details: unknown[] } }) => ({
      code: body.error.code,
      message: body.error.message.replace(/\S+$/, ''),
      details: body.error.details,
    });
    for (const as of ['admin-2', 'sup-fj', 'sup-gz']) expect(shape(await expectNotFound(url, as))).toEqual(shape(unknown));
    // A reviewer's role does not print decisions at all.
    expect((await download(url, 'rev-2')).status).toBe(403);
  });

  it('is 409 before the decision, and prints a rejection with its reasons and the right of appeal', async () => {
    const created = await h.api('POST', '/v1/station-applications', { as: 'admin-2', body: guangzhouApplication });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const id = created.body.id as string;
    const url = `/v1/station-applications/${id}/decision.pdf`;
    const early = await download(url, 'admin-2');
    expect(early.status).toBe(409);
    expect(early.json.error.code).toBe('not_allowed');

    expect((await h.api('POST', `/v1/station-applications/${id}/reviewer`, { as: 'sup-1', body: { reviewerId: 'rev-2' } })).status).toBe(200);
    const reason = '考核场地证明与申请地址不符';
    const rejected = await h.api('POST', `/v1/station-applications/${id}/review`, { as: 'rev-2', body: { outcome: 'reject', reasons: [reason] } });
    expect(rejected.body.status).toBe('rejected');
    await eventually(async () => (await h.api('GET', `/v1/station-applications/${id}`, { as: 'admin-2' })).body.record.status === 'rejected');

    const res = await download(url, 'admin-2');
    expect(res.status).toBe(200);
    const text = pdfText(res.bytes);
    const decidedAt = (
      (await h.api('GET', `/v1/station-applications/${id}/timeline`, { as: 'admin-2' })).body.items as Array<{ action: string; at: string }>
    ).find((e) => e.action === 'review_reject')!.at;
    // Issued by the licensing authority (the supervisor who assigned the reviewer), not the reviewer's centre.
    const issuer = flat(`${organisationOf('sup-1')}${chineseDate(decidedAt)}`);
    for (const expected of [`案号：${id}`, '不予许可', `1.${reason}`, guangzhouApplication.stationName, '行政复议', issuer])
      expect(text).toContain(flat(expected));
    expect(text).not.toContain(flat(organisationOf('rev-2')));
    expect(text).not.toContain('许可证编号');
  });
});

describe('the rectification notice (整改通知书)', () => {
  const act = async (id: string, step: string, as: string, body: unknown = {}) => {
    const res = await h.api('POST', `/v1/inspections/${id}/${step}`, { as, body });
    expect(res.status, `${step} as ${as}: ${JSON.stringify(res.body)}`).toBe(200);
    return res.body;
  };

  it('is 409 until the order, then lists the failed items with their scores and the deadline, for the station and the team', async () => {
    const started = await h.api('POST', '/v1/inspections', { as: 'sup-1', body: { stationId, reason: 'spot check' } });
    expect(started.status, JSON.stringify(started.body)).toBe(201);
    const id = started.body.id as string;
    const url = `/v1/inspections/${id}/rectification-notice.pdf`;
    expect((await download(url, 'sup-1')).status).toBe(409);

    await act(id, 'team', 'sup-1', { inspectorIds: ['insp-1', 'insp-2'], leadId: 'insp-1' });
    await act(id, 'acknowledge', 'insp-1');
    await act(id, 'acknowledge', 'insp-2');
    await act(id, 'scores', 'insp-1', { scores: checklistScores({ 'process.scope': 2 }) });
    await act(id, 'scores', 'insp-2', { scores: checklistScores({ 'process.scope': 3 }) });
    await act(id, 'report', 'insp-1', { summary: 'sessions outside the licence' });
    expect((await download(url, 'admin-1')).status).toBe(409);
    const reason = '立即停止超范围鉴定，并对已组织的鉴定逐一核查';
    const ordered = await act(id, 'review', 'sup-1', { outcome: 'rectify', reasons: [reason] });
    expect(ordered.status).toBe('rectification');
    await eventually(async () => (await h.api('GET', `/v1/inspections/${id}`, { as: 'sup-1' })).body.record.status === 'rectification');

    const res = await download(url, 'admin-1');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/pdf');
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename="rectification-notice-${id}.pdf"`);
    const pdf = await PDFDocument.load(res.bytes);
    expect(pdf.getTitle()).toBe(`整改通知书（${id}）`);

    const { live } = (await h.api('GET', `/v1/inspections/${id}`, { as: 'sup-1' })).body;
    const failed = live.template.items.find((i: { id: string }) => i.id === 'process.scope');
    const station = (await h.api('GET', `/v1/stations/${stationId}`, { as: 'sup-1' })).body;
    const orderedAt = ((await h.api('GET', `/v1/inspections/${id}/timeline`, { as: 'sup-1' })).body.items as Array<{ action: string; at: string }>).find(
      (e) => e.action === 'rectification_ordered',
    )!.at;
    const text = pdfText(res.bytes);
    for (const expected of [
      '整改通知书',
      `案号：${id}`,
      station.name,
      `许可证编号：${station.licenceNumber}`,
      // The failed critical item, with the team's mean score out of its maximum.
      `1${failed.text}2.5/${failed.maxScore}是（关键项）`,
      `1.${reason}`,
      // The default policy gives 30 days.
      `请于${chineseDate(new Date(Date.parse(orderedAt) + 30 * 86_400_000).toISOString())}前完成整改`,
      flat(`${organisationOf('sup-1')}${chineseDate(orderedAt)}`),
    ]) {
      expect(text).toContain(flat(expected));
    }
    // Only the failed item is listed.
    const passed = live.template.items.find((i: { id: string }) => i.id === 'org.rules');
    expect(text).not.toContain(flat(passed.text));

    // The team member prints it; whoever may not see the inspection gets the unknown id's 404.
    expect((await download(url, 'insp-2')).status).toBe(200);
    for (const as of ['admin-2', 'sup-fj', 'insp-5']) await expectNotFound(url, as);
    await expectNotFound('/v1/inspections/no-such-inspection/rectification-notice.pdf', 'sup-1');
  });
});
