import path from 'node:path';
import { type Browser, type BrowserContextOptions, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { expectAccessible } from '../support/axe';
import { eventually, startHarness, type Harness } from '../support/harness';
import { certificateNumber, fixtureCertificate, registerCertificates } from '../support/certificates';
import { licenseStation } from '../support/fixtures';
import { SCREENSHOTS, consolePage, launchBrowser, signIn, type ConsolePage } from '../support/browser';

/**
 * The journeys journeys.test.ts leaves out, through the console alone and asserting what each person sees: an
 * inspection's failed item to a verified rectification; the public on a phone filing, tracking, appealing and
 * checking a certificate; an examiner's renewal. People are named by id and role only (the demo names change).
 */

let h: Harness;
let browser: Browser;
/** A station of admin-1, in sup-1's jurisdiction. */
let stationId: number;

beforeAll(async () => {
  browser = await launchBrowser();
  // Qualifications valid ten minutes, reminded from the first: a renewal is due as soon as one is admitted.
  h = await startHarness(
    { qualification: { validity: 'PT10M', reminderOffsets: ['PT9M59S'], renewal: { minTrainingHours: 24, minSessions: 0, violationsNeedingSupervisor: 2 } } },
    { development: true },
  );
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

const caseUrl = (process: string, id: string | number) => `${h.baseUrl}/console/#/cases/${process}/${id}`;
/** Keeps a screenshot of the page as the person sees it, and checks it with axe (no serious or critical violation). */
async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(SCREENSHOTS, `journey-${name}.png`), fullPage: true });
  await expectAccessible(page, name);
}

const newPage = (who: string, options: BrowserContextOptions = {}) => consolePage(browser, who, pageErrors, options);

/** A fresh browser signed in as a demo user, on their inbox once it has loaded; every confirmation is accepted and kept. */
async function signedIn(userId: string): Promise<ConsolePage> {
  const person = await newPage(userId);
  await signIn(person.page, h.baseUrl, userId);
  return person;
}

/** Opens a case from the user's inbox, as they would. */
async function fromInbox(page: Page, process: string, id: string): Promise<void> {
  await page.locator(`tr[data-case="${process}/${id}"] a`).click();
  await page.locator('section.state').waitFor();
}

const status = (page: Page, value: string) => page.locator(`[data-status="${value}"]`).waitFor();
const pendingAction = (page: Page, action: string) => page.locator(`[data-pending="${action}"]`).waitFor();
const statusText = async (page: Page) => (await page.locator('section.state [data-status]').textContent()) ?? '';

describe('more journeys through the console', () => {
  it('an inspection with a failed item goes to rectification: the team scores, the lead reports, the supervisor orders it, the station reports, the lead verifies', async () => {
    // The supervisor starts an ad-hoc inspection from the station's page and lands on it.
    const sup = await signedIn('sup-1');
    await sup.page.goto(caseUrl('station', stationId));
    const start = sup.page.locator('#action-startInspection');
    await start.getByLabel('原因').fill('考场考评员配备不足的举报');
    await shot(sup.page, 'station-start-inspection');
    await start.locator('button[type=submit]').click();
    await sup.page.waitForURL(/#\/cases\/inspection\//);
    const inspectionId = decodeURIComponent(sup.page.url().split('/').pop()!);

    // The team from the picker: the station's own people are shown as recused and cannot be chosen.
    const team = sup.page.locator('#action-assignTeam');
    const recused = team.locator('[data-field="inspectorIds"] [data-candidate="insp-4"]');
    await expect(recused.textContent()).resolves.toContain('回避');
    await expect(recused.locator('input').isDisabled()).resolves.toBe(true);
    await shot(sup.page, 'inspection-team-picker');
    for (const inspector of ['insp-1', 'insp-2']) await team.locator(`[data-field="inspectorIds"] [data-candidate="${inspector}"] input`).check();
    await team.locator('[data-field="leadId"] [data-candidate="insp-1"] input').check();
    await team.locator('button[type=submit]').click();
    await pendingAction(sup.page, 'acknowledge');

    // Each inspector finds the task in their inbox, acknowledges it and scores: the staffing ratio fails.
    const lead = await signedIn('insp-1');
    const second = await signedIn('insp-2');
    for (const inspector of [lead, second]) {
      await fromInbox(inspector.page, 'inspection', inspectionId);
      await inspector.page.locator('#action-acknowledge button[type=submit]').click();
      await inspector.page.locator('#action-acknowledge').waitFor({ state: 'detached' });
    }
    for (const [inspector, notes] of [
      [second, ''],
      [lead, '抽查考场 3 个，考评员与考生配比约 1:30'],
    ] as const) {
      await inspector.page.reload();
      const scores = inspector.page.locator('#action-submitScores');
      // The whole checklist, each item by its text.
      await scores.waitFor();
      await expect(scores.locator('[data-score]').count()).resolves.toBe(8);
      await expect(scores.locator('label', { hasText: '考评员与考生配比符合标准' }).count()).resolves.toBe(1);
      for (const input of await scores.locator('[data-score]').all()) await input.fill((await input.getAttribute('data-score')) === 'staff.ratio' ? '2' : '9');
      if (notes) await scores.getByLabel('备注').fill(notes);
      if (inspector === lead) await shot(inspector.page, 'inspection-scores');
      await scores.locator('button[type=submit]').click();
      await scores.waitFor({ state: 'detached' });
    }

    // The lead reports.
    await lead.page.reload();
    const report = lead.page.locator('#action-submitReport');
    await report.getByLabel('报告摘要').fill('考评员与考生配比不足，其余项目符合要求。');
    await report.locator('button[type=submit]').click();
    await pendingAction(lead.page, 'review');

    // The supervisor sees the failed item highlighted, the others passed, and the lead's report.
    await sup.page.reload();
    await pendingAction(sup.page, 'review');
    const failedRow = sup.page.locator('tr[data-item="staff.ratio"]');
    await expect(failedRow.getAttribute('data-failed')).resolves.toBe('true');
    await expect(failedRow.getAttribute('class')).resolves.toContain('failed');
    await expect(failedRow.textContent()).resolves.toContain('不合格');
    await expect(sup.page.locator('tr[data-item="org.rules"]').getAttribute('data-failed')).resolves.toBe('false');
    await expect(sup.page.locator('section.details', { hasText: '考评员与考生配比不足，其余项目符合要求。' }).count()).resolves.toBeGreaterThan(0);
    await expect(sup.page.locator('section.details').filter({ hasText: '抽查考场 3 个' }).count()).resolves.toBeGreaterThan(0);
    // The order proposes the failed item only; the outcome is chosen on purpose and confirmed.
    const review = sup.page.locator('#action-review');
    await expect(review.locator('input[data-flag="items"][value="staff.ratio"]').isChecked()).resolves.toBe(true);
    await expect(review.locator('input[data-flag="items"]:checked').count()).resolves.toBe(1);
    await review.locator('button[type=submit]').click();
    await review.locator('#action-review-outcome-error', { hasText: '请选择一项' }).waitFor();
    expect(sup.confirmations).toEqual([]);
    await review.getByLabel('结论').selectOption({ label: '责令整改' });
    await review.getByLabel('理由（每行一条）').fill('每个考场至少配备 3 名考评员');
    await shot(sup.page, 'inspection-review');
    await review.locator('button[type=submit]').click();
    await status(sup.page, 'rectification');
    expect(sup.confirmations).toEqual([expect.stringContaining('责令整改')]);
    expect(await statusText(sup.page)).toBe('整改中');

    // The station's administrator sees what must be rectified, and why, and reports.
    const admin = await signedIn('admin-1');
    await fromInbox(admin.page, 'inspection', inspectionId);
    const order = admin.page.locator('[data-rectification-items]');
    await expect(order.textContent()).resolves.toBe('考评员与考生配比符合标准');
    await expect(admin.page.locator('section.details', { hasText: '每个考场至少配备 3 名考评员' }).count()).resolves.toBeGreaterThan(0);
    await shot(admin.page, 'inspection-rectification-order');
    const rectification = admin.page.locator('#action-submitRectification');
    await rectification.getByLabel('整改报告').fill('已增聘考评员 4 名，每个考场配备 3 名以上考评员。');
    await rectification.locator('button[type=submit]').click();
    await admin.page.locator('[data-rectification-report]', { hasText: '已增聘考评员 4 名' }).waitFor();

    // The lead reads the station's report and verifies the rectified item alone.
    await lead.page.reload();
    await pendingAction(lead.page, 'verify');
    await expect(lead.page.locator('[data-rectification-report]').textContent()).resolves.toBe('已增聘考评员 4 名，每个考场配备 3 名以上考评员。');
    const verify = lead.page.locator('#action-verify');
    await expect(verify.locator('[data-score]').evaluateAll((inputs) => inputs.map((i) => i.getAttribute('data-score')))).resolves.toEqual(['staff.ratio']);
    await shot(lead.page, 'inspection-verify');
    await verify.locator('[data-score="staff.ratio"]').fill('9');
    await verify.locator('button[type=submit]').click();
    await status(lead.page, 'closed');
    expect(await statusText(lead.page)).toBe('已结案');
    const verified = (await lead.page.locator('section.details', { hasText: '整改通知与整改报告' }).textContent()) ?? '';
    expect(verified).toContain('验证结果合格');
    expect(verified).not.toContain('不合格');
    await expect(lead.page.locator('section[aria-labelledby="record-title"]').textContent()).resolves.toMatch(/结果\s*整改完成/);
    await shot(lead.page, 'inspection-rectified');
    for (const p of [sup, lead, second, admin]) await p.page.context().close();
  });

  it('the public, on a phone, files a complaint naming a certificate, tracks it, appeals the finding, and checks the certificate', async () => {
    // The certificate complained of, in the register (issued by admin-1's station).
    const certificate = certificateNumber(815);
    await registerCertificates(h, [fixtureCertificate(certificate, '赵小燕', stationId)]);
    const { page } = await newPage('public', { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    await page.goto(`${h.baseUrl}/console/#/public/complaint`);
    await page.selectOption('#file-complaint-category', 'certificate_problem');
    await page.fill('#file-complaint-happenedOn', '2026-03-02');
    await page.fill('#file-complaint-description', '同事未参加鉴定却取得了证书，证书编号见下。');
    await page.fill('#file-complaint-stationId', String(stationId));
    await page.fill('#file-complaint-certificateNumber', certificate);
    await shot(page, 'public-complaint-form');
    await page.click('#file-complaint button[type=submit]');
    const trackingNumber = (await page.locator('[data-tracking-number]').textContent())!;
    const secret = (await page.locator('[data-secret]').textContent())!;
    await shot(page, 'public-complaint-filed');

    await page.click('a[href^="#/public/track/"]');
    const lookUp = page.locator('form:has(#track-secret) button[type=submit]');
    await expect(page.inputValue('#track-number')).resolves.toBe(trackingNumber);
    await page.fill('#track-secret', secret);
    await lookUp.click();
    await page.locator('dd[data-status]').waitFor();
    await expect(page.locator('dd[data-status]').textContent()).resolves.toMatch(/^(已受理|已分类)$/);
    expect(await page.locator('#appeal').count()).toBe(0);
    await shot(page, 'public-track-received');

    // Handled through the API: triaged, investigated, found substantiated, the certificate declared invalid.
    const complaintId = await eventually(
      async () =>
        (await h.api('GET', '/v1/complaints?status=received', { as: 'handler-1' })).body.items.find(
          (c: { trackingNumber: string }) => c.trackingNumber === trackingNumber,
        )?.id as string | undefined,
    );
    const step = async (path: string, as: string, body: unknown) => {
      const res = await h.api('POST', `/v1/complaints/${complaintId}/${path}`, { as, body });
      expect(res.status, `${path}: ${JSON.stringify(res.body)}`).toBe(200);
    };
    await step('triage', 'handler-1', { category: 'certificate_problem', severity: 'normal', stationId });
    await step('investigator', 'handler-1', { investigatorId: 'insp-1' });
    await step('finding', 'insp-1', { finding: 'substantiated', reasons: ['考生名册中无此人签到记录'], actions: [{ type: 'invalidate_certificate' }] });
    await eventually(async () => (await h.api('GET', `/v1/public/certificates/${certificate}?name=赵小燕`)).body.status === 'revoked');
    // The appeal opens once the finding's actions are carried out and the complainant told.
    await eventually(
      async () => (await h.api('GET', `/v1/public/complaints/${trackingNumber}`, { headers: { 'X-Complaint-Secret': secret } })).body.appealOpen === true,
    );

    // The complainant looks again: the outcome with its reason, and the appeal open.
    await lookUp.click();
    await page.locator('dd[data-status="closed"]').waitFor();
    await expect(page.locator('dd[data-status]').textContent()).resolves.toBe('已结案');
    const outcome = (await page.locator('main dl.facts').textContent()) ?? '';
    expect(outcome).toContain('属实');
    expect(outcome).toContain('考生名册中无此人签到记录');
    const appeal = page.locator('#appeal');
    await appeal.locator('button[type=submit]').click();
    await appeal
      .locator('#appeal-reason-error')
      .filter({ hasText: /[\u4e00-\u9fff]/ })
      .waitFor();
    await shot(page, 'public-appeal-form');
    await appeal.getByLabel('申诉理由').fill('还有其他同事同样未参加鉴定，请一并调查。');
    await appeal.locator('button[type=submit]').click();
    await page.locator('dd[data-status="appealed"]').waitFor();
    // The confirmation stays above the refreshed status, and the appeal (once only) is gone.
    const done = page.locator('.notice.success', { hasText: '申诉已提交。' });
    await page.waitForTimeout(500);
    await expect(done.isVisible()).resolves.toBe(true);
    await expect(page.locator('dd[data-status]').textContent()).resolves.toBe('申诉中');
    expect(await appeal.count()).toBe(0);
    await shot(page, 'public-appealed');

    // The certificate check, from the navigation: by number and holder's name, the certificate shown revoked.
    await page.click('header nav a[href="#/public/certificate"]');
    await page.locator('h1', { hasText: '证书查询' }).waitFor();
    await page.click('#verify button[type=submit]');
    await page.locator('#verify-number-error', { hasText: '请填写证书编号。' }).waitFor();
    await expect(page.getAttribute('#verify-number', 'aria-invalid')).resolves.toBe('true');
    await page.fill('#verify-number', certificate);
    await page.fill('#verify-name', '赵小燕');
    await page.click('#verify button[type=submit]');
    await expect(page.locator('.certificate-card [data-verdict="revoked"]').textContent()).resolves.toMatch(/^该证书已撤销（.+），不再有效。$/);
    await expect(page.locator('.certificate-card [data-holder]').textContent()).resolves.toBe('赵*燕');
    await shot(page, 'public-certificate-revoked');
    await page.fill('#verify-number', certificateNumber(1));
    await page.click('#verify button[type=submit]');
    await expect(page.locator('[data-result="not-found"]').textContent()).resolves.toContain('未查到与该编号和姓名相符的证书');
    await page.context().close();
  });

  it('an examiner renews a qualification due for renewal, refused in Chinese below the minimum, and the reviewer approves', async () => {
    const applied = await h.api('POST', '/v1/qualifications', {
      as: 'exam-1',
      body: { occupationCode: '4-07-10-01', level: 3, trainingHours: 48, examScore: 82, nationalId: '44010619850301123X' },
    });
    expect(applied.status, JSON.stringify(applied.body)).toBe(201);
    const qualificationId = applied.body.id as string;
    const admitted = await h.api('POST', `/v1/qualifications/${qualificationId}/admission-decision`, { as: 'rev-2', body: { outcome: 'approve' } });
    expect(admitted.body).toMatchObject({ status: 'active', cycle: 1 });
    const firstExpiry = admitted.body.expiresAt as string;

    const examiner = await signedIn('exam-1');
    await expect(examiner.page.locator(`tr[data-case="qualification/${qualificationId}"]`).textContent()).resolves.toContain('提交延续申请');
    await fromInbox(examiner.page, 'qualification', qualificationId);
    await status(examiner.page, 'active');
    const renewal = examiner.page.locator('#action-submitRenewal');
    await renewal.getByLabel('培训学时').fill('10');
    await renewal.locator('button[type=submit]').click();
    const refused = renewal.locator('#action-submitRenewal-trainingHours-error');
    await refused.filter({ hasText: /\S/ }).waitFor();
    expect(await refused.textContent()).toMatch(/[\u4e00-\u9fff]/);
    expect(await refused.textContent()).not.toMatch(/renewal|minimum|training/i);
    await shot(examiner.page, 'renewal-refused');
    await renewal.getByLabel('培训学时').fill('30');
    await renewal.getByLabel('备注').fill('完成考务规范与新版职业标准两门课程');
    await renewal.locator('button[type=submit]').click();
    await status(examiner.page, 'renewal_submitted');
    expect(await statusText(examiner.page)).toBe('延续待审');

    const reviewer = await signedIn('rev-2');
    await fromInbox(reviewer.page, 'qualification', qualificationId);
    // The reviewer reads the renewal itself before deciding.
    const submitted = (await reviewer.page.locator('section.details', { hasText: '延续申请' }).textContent()) ?? '';
    expect(submitted).toContain('完成考务规范与新版职业标准两门课程');
    expect(submitted).toMatch(/培训学时\s*30/);
    const decide = reviewer.page.locator('#action-decideRenewal');
    await decide.getByLabel('结论').selectOption({ label: '批准' });
    await shot(reviewer.page, 'renewal-decision');
    await decide.locator('button[type=submit]').click();
    await status(reviewer.page, 'active');
    expect(reviewer.confirmations).toEqual([expect.stringContaining('资格进入新的周期')]);
    const renewed = await eventually(async () => {
      const q = (await h.api('GET', `/v1/qualifications/${qualificationId}`, { as: 'exam-1' })).body;
      return q.record.cycle === 2 ? q.record : undefined;
    });
    expect(Date.parse(renewed.expiresAt) - Date.parse(firstExpiry)).toBe(10 * 60_000);
    // The examiner sees the new cycle and its later expiry.
    await examiner.page.reload();
    await status(examiner.page, 'active');
    const record = (await examiner.page.locator('section[aria-labelledby="record-title"]').textContent()) ?? '';
    const shown = (iso: string) =>
      new Intl.DateTimeFormat('zh-CN', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'Asia/Shanghai' }).format(new Date(iso));
    expect(record).toContain(shown(renewed.expiresAt));
    expect(record).toMatch(/周期\s*2/);
    await shot(examiner.page, 'renewal-approved');
    for (const p of [examiner, reviewer]) await p.page.context().close();
  });

  it('the inbox, left while it loads, does not draw over the page the user went to', async () => {
    const { page } = await signedIn('sup-1');
    // Slow the inbox's lists down, then leave for another page before they answer.
    await page.route('**/v1/station-applications?pendingOnMe=*', async (route) => {
      await new Promise((resolve) => setTimeout(resolve, 1500));
      await route.continue();
    });
    await page.click('header nav a[href="#/public/complaint"]');
    await page.locator('#file-complaint').waitFor();
    await page.click('header nav a[href="#/inbox"]');
    await page.locator('main p[role="status"]').waitFor();
    await page.click('header nav a[href="#/public/track"]');
    await page.locator('h1', { hasText: '查询进度' }).waitFor();
    await page.waitForTimeout(2500);
    await expect(page.locator('main h1').textContent()).resolves.toBe('查询进度');
    expect(await page.locator('#track-number').count()).toBe(1);
    await page.context().close();
  });
});
