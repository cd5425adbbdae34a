import path from 'node:path';
import { type Browser, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import example from '../../db/seeds/station-application.example.json';
import { DEMO_USERS } from '../../db/seeds/demo';
import { expectAccessible } from '../support/axe';
import { eventually, startHarness, type Harness } from '../support/harness';
import { goodScores, licenseStation } from '../support/fixtures';
import { SCREENSHOTS, consolePage, launchBrowser, signIn, type ConsolePage } from '../support/browser';

/**
 * Each role's job through the console alone, asserting what the person sees: the case's content beside the form,
 * people chosen from pickers that say why others may not serve, decisions confirmed, refusals in Chinese.
 */

let h: Harness;
let browser: Browser;
/** A station of 南海机械厂 (admin-1), whose people and affiliates recuse from it. */
let stationId: number;

beforeAll(async () => {
  browser = await launchBrowser();
  // Machinery occupations (6-18 …) need the machinery industry authority's concurrence before the decision.
  h = await startHarness({ stationApproval: { concurrenceOccupations: ['6-18'] } }, { development: true });
  stationId = await licenseStation(h);
});
/** Script errors on any page: a journey that passes with one still failed its user. */
const pageErrors: string[] = [];
afterEach(() => {
  expect(pageErrors.splice(0)).toEqual([]);
});
afterAll(async () => {
  await browser?.close();
  await h?.close();
});

const nameOf = (id: string) => DEMO_USERS.find((u) => u.id === id)!.name;
const caseUrl = (process: string, id: string | number) => `${h.baseUrl}/console/#/cases/${process}/${id}`;
/** Keeps a screenshot of the page as the person sees it, and checks it with axe (no serious or critical violation). */
async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(SCREENSHOTS, `journey-${name}.png`), fullPage: true });
  await expectAccessible(page, name);
}

/** A fresh browser signed in as a demo user; every confirmation it is asked is accepted and kept. */
async function signedIn(userId: string): Promise<ConsolePage> {
  const person = await consolePage(browser, userId, pageErrors);
  await signIn(person.page, h.baseUrl, userId);
  return person;
}

const status = (page: Page, value: string) => page.locator(`[data-status="${value}"]`).waitFor();
const timelineText = async (page: Page) => (await page.locator('.timeline tbody').textContent()) ?? '';

describe('journeys through the console', () => {
  let applicationId: string;

  it('a station administrator files an application, answers a return by resubmitting, and once licensed registers a session; supervisors assign through pickers, the industry authority concurs, a supervisor approves a reduced scope', async () => {
    const admin = await signedIn('admin-1');
    await admin.page.getByRole('link', { name: '申请鉴定所/站许可' }).click();
    const form = admin.page.locator('#apply-station');
    await form.getByLabel('申请单位名称').fill(example.organisation.name);
    await form.getByLabel('统一社会信用代码').fill('12345');
    await form.getByLabel('鉴定所/站名称').fill('南海机械技能鉴定站');
    await form.getByLabel('所在省份（代码）').fill(example.region.provinceCode);
    await form.getByLabel('所在城市（代码）').fill(example.region.cityCode);
    await form.getByLabel('地址', { exact: true }).fill(example.address);
    await form.locator('#apply-station-scope_0_occupationCode').fill('6-18-01-01');
    await form.locator('#apply-station-scope_0_highestLevel').selectOption({ label: '高级' });
    await form.getByRole('button', { name: '添加一行' }).first().click();
    await form.locator('#apply-station-scope_1_occupationCode').fill('6-18-02-04');
    await form.locator('#apply-station-scope_1_highestLevel').selectOption({ label: '中级' });
    await form.getByLabel('考评员（用户编号，逗号分隔）').fill(example.staff.examinerIds.join(', '));
    await form.getByLabel('质量督导员姓名').fill('马琳');
    for (const [i, document] of example.documents.entries()) await form.locator(`#apply-station-documents_${i}_reference`).fill(document.reference);
    await form.getByLabel('联系邮箱').fill(example.contactEmail);
    await form.getByLabel('申报的关联单位（每行一个）').fill(example.declaredAffiliations.join('\n'));
    await form.getByRole('button', { name: '提交申请' }).click();
    // The API refuses the credit code: in Chinese, next to the field, and nothing is filed.
    const creditError = admin.page.locator('#apply-station-organisation_creditCode-error');
    await creditError.filter({ hasText: '统一社会信用代码' }).waitFor();
    expect(await creditError.textContent()).toMatch(/[\u4e00-\u9fff]/);
    expect(await creditError.textContent()).not.toMatch(/must|Invalid/);
    await expect(form.getByLabel('统一社会信用代码').getAttribute('aria-invalid')).resolves.toBe('true');
    await shot(admin.page, 'apply-refused');
    await form.getByLabel('统一社会信用代码').fill(example.organisation.creditCode);
    await form.getByRole('button', { name: '提交申请' }).click();
    await admin.page.waitForURL(/#\/cases\/station-application\//);
    applicationId = decodeURIComponent(admin.page.url().split('/').pop()!);
    await eventually(async () => (await h.api('GET', `/v1/station-applications/${applicationId}`, { as: 'sup-1' })).body.record.status === 'awaiting_reviewer');

    // The supervisor chooses the reviewer from the eligible people, by name.
    const sup = await signedIn('sup-1');
    await sup.page.goto(caseUrl('station-application', applicationId));
    const reviewers = sup.page.locator('#action-assignReviewer');
    await expect(reviewers.locator('[data-candidate="rev-2"]').textContent()).resolves.toContain(nameOf('rev-2'));
    // The reviewer sees the application itself beside the form: scope with levels, documents, staff, affiliations.
    const application = await sup.page.locator('section.details').first().textContent();
    for (const shown of ['6-18-01-01', '高级', '6-18-02-04', '中级', '营业执照', 'scan/business-licence.pdf', '马琳', '南海机械厂培训中心'])
      expect(application).toContain(shown);
    await reviewers.getByLabel(nameOf('rev-2'), { exact: false }).check();
    await reviewers.locator('button[type=submit]').click();
    await status(sup.page, 'in_review');

    const returned = await h.api('POST', `/v1/station-applications/${applicationId}/review`, {
      as: 'rev-2',
      body: { outcome: 'return', reasons: ['营业执照扫描件不清晰，请重新上传'] },
    });
    expect(returned.status, JSON.stringify(returned.body)).toBe(200);

    // The applicant sees why it came back, and corrects the application as it stands.
    await admin.page.reload();
    await status(admin.page, 'returned');
    await expect(admin.page.locator('[data-reasons="review"]').textContent()).resolves.toContain('营业执照扫描件不清晰');
    expect(await timelineText(admin.page)).toContain(`${nameOf('rev-2')}（审查人）退回申请：营业执照扫描件不清晰，请重新上传`);
    const resubmit = admin.page.locator('#action-resubmit');
    await expect(resubmit.locator('#action-resubmit-application_documents_0_reference').inputValue()).resolves.toBe('scan/business-licence.pdf');
    await expect(resubmit.getByLabel('鉴定所/站名称').inputValue()).resolves.toBe('南海机械技能鉴定站');
    await shot(admin.page, 'application-returned');
    await resubmit.locator('#action-resubmit-application_documents_0_reference').fill('scan/business-licence-clear.pdf');
    await resubmit.getByRole('button', { name: '补正材料' }).click();
    await status(admin.page, 'in_review');
    expect(await timelineText(admin.page)).toContain(`${nameOf('admin-1')}（鉴定所/站管理员）补正后重新提交申请`);
    const passed = await h.api('POST', `/v1/station-applications/${applicationId}/review`, { as: 'rev-2', body: { outcome: 'pass' } });
    expect(passed.status, JSON.stringify(passed.body)).toBe(200);

    // Assessors from the picker: those of the applicant's organisation or its declared affiliate are shown with 回避.
    await sup.page.reload();
    await status(sup.page, 'awaiting_assessors');
    const assessors = sup.page.locator('#action-assignAssessors');
    for (const recused of ['insp-3', 'insp-4']) {
      const row = assessors.locator(`[data-candidate="${recused}"]`);
      await expect(row.getAttribute('data-eligible')).resolves.toBe('false');
      await expect(row.textContent()).resolves.toContain('回避');
      await expect(row.locator('input').isDisabled()).resolves.toBe(true);
    }
    await assessors.locator('button[type=submit]').click();
    await assessors.locator('#action-assignAssessors-assessorIds-error', { hasText: '请至少选择一人' }).waitFor();
    await shot(sup.page, 'assessor-picker');
    await assessors.locator('[data-candidate="insp-1"] input').check();
    await assessors.locator('[data-candidate="insp-2"] input').check();
    await assessors.locator('button[type=submit]').click();
    await status(sup.page, 'on_site');
    for (const assessor of ['insp-1', 'insp-2']) {
      const scored = await h.api('POST', `/v1/station-applications/${applicationId}/assessments`, { as: assessor, body: { scores: goodScores } });
      expect(scored.status, JSON.stringify(scored.body)).toBe(200);
    }

    // The industry authority concurs from its own console; a regional supervisor is offered no concurrence.
    await sup.page.reload();
    await status(sup.page, 'awaiting_concurrence');
    expect(await sup.page.locator('#action-concur').count()).toBe(0);
    const industry = await signedIn('sup-mach');
    await industry.page.locator(`tr[data-case="station-application/${applicationId}"] a`).click();
    const concur = industry.page.locator('#action-concur');
    await concur.getByLabel('结论').selectOption({ label: '同意' });
    await concur.locator('button[type=submit]').click();
    await status(industry.page, 'awaiting_decision');
    expect(industry.confirmations).toEqual([expect.stringContaining('进入审批决定')]);
    expect(await timelineText(industry.page)).toContain(`${nameOf('sup-mach')}（监管人员）代表 机械行业 同意`);

    // Another supervisor (not the reviewer) approves with a reduced scope, seeing each assessor's scores first.
    const decider = await signedIn('sup-2');
    await decider.page.goto(caseUrl('station-application', applicationId));
    await status(decider.page, 'awaiting_decision');
    await expect(decider.page.locator('tr[data-item="organisation_management"]').textContent()).resolves.toContain('90');
    const decide = decider.page.locator('#action-decide');
    await decide.locator('button[type=submit]').click();
    await decide.locator('#action-decide-outcome-error', { hasText: '请选择一项' }).waitFor();
    expect(decider.confirmations).toEqual([]);
    await decide.getByLabel('结论').selectOption({ label: '缩小范围批准' });
    await decide.getByLabel('理由（每行一条）').fill('6-18-02-04 设备不足，暂不许可');
    await decide.locator('li.row').nth(1).getByRole('button', { name: '删除此行' }).click();
    await decide.locator('button[type=submit]').click();
    await status(decider.page, 'approved');
    expect(decider.confirmations).toEqual([expect.stringContaining('许可证只包括您保留的职业和等级')]);
    const decision = decider.page.locator('section.details', { hasText: '审批决定' });
    await expect(decision.textContent()).resolves.toContain('许可范围（缩小后）');
    await expect(decision.locator('table').textContent()).resolves.not.toContain('6-18-02-04');
    await shot(decider.page, 'application-approved');

    // Licensed, the administrator registers a session on the station's page, within the reduced scope.
    const licensed = await eventually(
      async () => (await h.api('GET', `/v1/station-applications/${applicationId}`, { as: 'sup-1' })).body.record.stationId ?? undefined,
    );
    await eventually(async () => (await h.api('GET', `/v1/stations/${licensed}`, { as: 'sup-1' })).body.programme ?? undefined);
    await admin.page.goto(caseUrl('station', licensed));
    const session = admin.page.locator('#action-registerSession');
    await session.waitFor();
    await expect(session.getByLabel('职业代码').locator('option').allTextContents()).resolves.toEqual(['请选择…', '车工（6-18-01-01）']);
    await session.getByLabel('职业代码').selectOption('6-18-01-01');
    await session.getByLabel('等级').selectOption({ label: '高级' });
    await session.getByLabel('日期').fill('2027-06-01');
    await session.getByLabel('鉴定地点地址').fill('二号车间');
    for (const examiner of ['exam-1', 'exam-2']) await session.locator(`[data-field="examinerIds"] [data-candidate="${examiner}"] input`).check();
    await session.getByLabel('预计考生人数').fill('20');
    await session.locator('button[type=submit]').click();
    // Registered, the administrator lands on the session's own page, its roster to enter.
    await admin.page.waitForURL(/#\/cases\/session\//);
    await admin.page.locator('[data-status="roster_open"]').waitFor();
    const registered = admin.page.locator('section.details', { hasText: '场次情况' });
    await expect(registered.textContent()).resolves.toContain('2027-06-01');
    await expect(registered.textContent()).resolves.toContain(nameOf('exam-1'));
    await shot(admin.page, 'session-registered');

    // On the station's page a supervisor dispatches a quality supervisor to the session (those elsewhere shown as such)…
    await sup.page.goto(caseUrl('station', licensed));
    const dispatch = sup.page.locator('#action-dispatchQualitySupervisor');
    await expect(dispatch.locator('[data-candidate="qs-xm"]').textContent()).resolves.toContain('超出辖区');
    await dispatch.getByLabel('鉴定场次编号').selectOption({ index: 1 });
    await dispatch.locator('[data-candidate="qs-fs"] input').check();
    await dispatch.locator('button[type=submit]').click();
    await sup.page.locator('tr[data-session]', { hasText: nameOf('qs-fs') }).waitFor();
    // …and starts an ad-hoc inspection, landing on it with the team to choose.
    const start = sup.page.locator('#action-startInspection');
    await start.getByLabel('原因').fill('群众反映考场秩序混乱');
    await start.locator('button[type=submit]').click();
    await sup.page.waitForURL(/#\/cases\/inspection\//);
    await expect(sup.page.locator('#action-assignTeam [data-field="inspectorIds"] [data-candidate="insp-4"]').textContent()).resolves.toContain('回避');
    await expect(sup.page.locator('section.details').first().textContent()).resolves.toContain('群众反映考场秩序混乱');
    for (const p of [admin, sup, industry, decider]) await p.page.context().close();
  });

  it('an examiner applies for admission, corrected in Chinese where the API refuses a field', async () => {
    const { page } = await signedIn('exam-2');
    await page.getByRole('link', { name: '申请考评员资格' }).click();
    const form = page.locator('#apply-qualification');
    await form.getByLabel('职业代码').fill('6-18-02-04');
    await form.getByLabel('等级').selectOption({ label: '中级' });
    await form.getByLabel('培训学时').fill('48');
    await form.getByLabel('考核成绩').fill('82');
    await form.getByLabel('身份证号').fill('4406');
    await form.locator('button[type=submit]').click();
    const refused = page.locator('#apply-qualification-nationalId-error');
    await refused.filter({ hasText: '身份证号' }).waitFor();
    expect(await refused.textContent()).not.toMatch(/must|Invalid/);
    await form.getByLabel('身份证号').fill('440605198807154321');
    await form.locator('button[type=submit]').click();
    await page.waitForURL(/#\/cases\/qualification\//);
    await status(page, 'applied');
    await expect(page.locator('section.details').first().textContent()).resolves.toContain('培训 48 学时，考核成绩 82 分');
    expect(await timelineText(page)).toContain(`${nameOf('exam-2')}（考评员）申请考评员资格（焊工（6-18-02-04），中级）`);
    await shot(page, 'qualification-applied');

    // From their register entry, the examiner records the training they completed.
    await page.getByRole('link', { name: nameOf('exam-2') }).click();
    const training = page.locator('#action-recordTraining');
    await training.getByLabel('学时').fill('16');
    await training.getByLabel('课程').fill('职业技能鉴定考务规范');
    await training.getByLabel('完成日期').fill('2026-10-20');
    await training.locator('button[type=submit]').click();
    await page.locator('section.details', { hasText: '培训记录' }).filter({ hasText: '职业技能鉴定考务规范' }).waitFor();
    expect(await timelineText(page)).toContain(`${nameOf('exam-2')}（考评员）登记培训 16 学时（职业技能鉴定考务规范）`);
    await page.context().close();
  });

  it('the handler reveals the complainant, assigns an investigator through a picker, and the investigator records a finding with a suspension date', async () => {
    const filed = await h.api('POST', '/v1/public/complaints', {
      body: {
        category: 'examiner_misconduct',
        stationId,
        examinerId: 'exam-2',
        happenedOn: '2026-01-15',
        description: '考评员在鉴定现场向考生暗示答案，并收取费用。',
        evidence: '现场录音一段',
        contact: { name: '张三', email: 'zhang.san@example.com', phone: '13800000000' },
      },
    });
    expect(filed.status, JSON.stringify(filed.body)).toBe(201);
    const complaintId = await eventually(
      async () =>
        (await h.api('GET', '/v1/complaints?status=received', { as: 'handler-1' })).body.items.find(
          (c: { trackingNumber: string }) => c.trackingNumber === filed.body.trackingNumber,
        )?.id,
    );

    const handler = await signedIn('handler-1');
    await handler.page.goto(caseUrl('complaint', complaintId));
    await status(handler.page, 'received');
    // Triage starts from what the complainant named; the severity is chosen on purpose.
    const triage = handler.page.locator('#action-triage');
    await expect(triage.getByLabel('鉴定所/站编号').inputValue()).resolves.toBe(String(stationId));
    await expect(triage.getByLabel('考评员编号').inputValue()).resolves.toBe('exam-2');
    await expect(triage.getByLabel('严重程度').inputValue()).resolves.toBe('');
    await triage.getByLabel('严重程度').selectOption({ label: '严重' });
    await triage.locator('button[type=submit]').click();
    await status(handler.page, 'triaged');

    await handler.page.locator('#action-revealIdentity').locator('button[type=submit]').click();
    const identity = handler.page.locator('section.details', { hasText: '投诉人身份' });
    await identity.waitFor();
    await expect(identity.textContent()).resolves.toContain('张三');
    await expect(identity.textContent()).resolves.toContain('zhang.san@example.com');
    expect(handler.confirmations).toEqual([expect.stringContaining('记录在案')]);
    expect(await timelineText(handler.page)).toContain(`${nameOf('handler-1')}（投诉受理人）查看了投诉人身份`);
    await shot(handler.page, 'complaint-identity');

    const investigators = handler.page.locator('#action-assignInvestigator');
    await expect(investigators.locator('[data-candidate="insp-4"]').textContent()).resolves.toContain('回避');
    await investigators.locator('[data-candidate="insp-1"] input').check();
    await investigators.locator('button[type=submit]').click();
    await status(handler.page, 'investigating');
    expect(await timelineText(handler.page)).toContain(`指派${nameOf('insp-1')}为调查人`);

    // The investigator reads the complaint itself, then records the finding.
    const investigator = await signedIn('insp-1');
    await investigator.page.locator(`tr[data-case="complaint/${complaintId}"] a`).click();
    await expect(investigator.page.locator('[data-description]').textContent()).resolves.toBe('考评员在鉴定现场向考生暗示答案，并收取费用。');
    await expect(investigator.page.locator('[data-evidence]').textContent()).resolves.toBe('现场录音一段');
    const finding = investigator.page.locator('#action-submitFinding');
    await finding.getByLabel('调查结论').selectOption({ label: '属实' });
    await finding.getByLabel('暂停考评员资格', { exact: true }).check();
    await finding.locator('button[type=submit]').click();
    await finding.locator('#action-submitFinding-suspendUntil-error', { hasText: '请填写暂停截止日期' }).waitFor();
    await finding.getByLabel('暂停考评员资格至').fill('2027-03-01');
    await finding.locator('button[type=submit]').click();
    // No reasons: the API refuses the field, in Chinese beside it; nothing is recorded.
    const reasonsError = finding.locator('#action-submitFinding-reasons-error');
    await reasonsError.filter({ hasText: /\S/ }).waitFor();
    expect(await reasonsError.textContent()).toMatch(/[\u4e00-\u9fff]/);
    expect(await reasonsError.textContent()).not.toMatch(/needs|reasons/);
    await finding.getByLabel('理由（每行一条）').fill('两名考生证言一致');
    await finding.locator('button[type=submit]').click();
    await status(investigator.page, 'closed');
    expect(investigator.confirmations.at(-1)).toContain('结论为属实');
    const recorded = investigator.page.locator('section.details', { hasText: '调查结论' });
    await expect(recorded.textContent()).resolves.toContain('属实');
    await expect(recorded.textContent()).resolves.toContain('暂停考评员资格至 2027');
    expect(await timelineText(investigator.page)).toContain(`${nameOf('insp-1')}（检查员）作出调查结论：属实：两名考生证言一致`);
    await shot(investigator.page, 'complaint-finding');
    const suspended = (await h.api('GET', `/v1/complaints/${complaintId}`, { as: 'sup-1' })).body.live.finding.actions;
    expect(suspended).toEqual([{ type: 'suspend_examiner', until: new Date('2027-03-01T00:00:00+08:00').toISOString() }]);
    for (const p of [handler, investigator]) await p.page.context().close();
  });
});
