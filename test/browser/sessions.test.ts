import path from 'node:path';
import { type Browser, type BrowserContextOptions, type Locator, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_USERS } from '../../db/seeds/demo';
import { iso7064Mod112 } from '../../domain/checkCharacter';
import { ROSTER_COLUMNS } from '../../domain/roster';
import { expectAccessible } from '../support/axe';
import { SCREENSHOTS, consolePage, launchBrowser, signIn, type ConsolePage } from '../support/browser';
import { appraisalSession, licenseStation, qualifyExaminer } from '../support/fixtures';
import { eventually, startHarness, type Harness } from '../support/harness';

/**
 * An appraisal session (鉴定场次) from registration to approved results through the console alone, each person
 * doing their part and seeing what they act on: the station registers it with its examiners and keeps the real-name
 * roster (one candidate, a file with a bad row reported by line and reason, a removal); a supervisor finds it in the
 * register and dispatches a quality supervisor, the rotation rule's refusal shown on the page; the quality
 * supervisor files the visit report on a phone; the examiners score in a grid and confirm each other's practical
 * scores; the station submits; a serious irregularity holds the review until a supervisor releases it; the reviewer
 * sees the fraud signals in Chinese, re-checks the sample and approves. The API is called only to wait or to check.
 *
 * The policy registers sessions the same day and locks the roster 40 s before the session begins; the session is
 * held from about 100 s after registration for 15 s, so scoring opens within the run.
 */

let h: Harness;
let browser: Browser;
/** admin-1's station: 南海机械厂 in Foshan (440600), licensed for 6-18-01-01 up to level 3 with exam-1…exam-3. */
let stationId: number;

// The roster's steps below take about 15 s on a loaded machine and must end before it locks; the rest is waiting.
const ROSTER_OPEN_MS = 40_000;
const LOCK_BEFORE_MS = 5_000;
const HELD_MS = 5_000;

/** The time in China (UTC+8) as the browser's datetime-local takes it, to the second. */
const chinaLocal = (ms: number) => new Date(ms + 8 * 3_600_000).toISOString().slice(0, 19);
const chinaDate = (ms: number) => chinaLocal(ms).slice(0, 10);
/** A resident identity number with its check character: born 1992-05-01 in Foshan's Nanhai district, sequence `n`. */
const idNumber = (n: number) => {
  const body = `44060519920501${String(n).padStart(3, '0')}`;
  return body + iso7064Mod112(body);
};
const masked = (number: string) => `${number.slice(0, 4)}**********${number.slice(14)}`;
const wrongCheck = (number: string) => number.slice(0, 17) + (number.endsWith('1') ? '2' : '1');
const rosterCsv = (...rows: string[][]) => Buffer.from([ROSTER_COLUMNS.join(','), ...rows.map((cells) => cells.join(','))].join('\r\n'));
const nameOf = (id: string) => DEMO_USERS.find((u) => u.id === id)!.name;

beforeAll(async () => {
  browser = await launchBrowser();
  h = await startHarness(
    {
      session: {
        registerDaysAhead: 0,
        rosterLockBefore: `PT${LOCK_BEFORE_MS / 1000}S`,
        twoPersonPractical: true,
        recheckShare: 0.01,
        supervisionShare: 1,
        supervisorRotation: 3,
        // Everyone present passing counts as a (minor) signal from two candidates on.
        fraud: { perfectRateMinCandidates: 2 },
      },
    },
    { development: true },
  );
  stationId = await licenseStation(h);
  // The station's earlier session the same day, supervised by qs-1: rotation keeps qs-1 from this one.
  for (const examiner of ['insp-1', 'insp-3']) await qualifyExaminer(h, examiner);
  const earlier = await h.api('POST', `/v1/stations/${stationId}/sessions`, {
    as: 'admin-1',
    body: appraisalSession({ date: chinaDate(Date.now()), examinerIds: ['insp-1', 'insp-3'] }),
  });
  expect(earlier.status, JSON.stringify(earlier.body)).toBe(201);
  const dispatched = await h.api('POST', `/v1/sessions/${earlier.body.sessionId}/quality-supervisor`, { as: 'sup-1', body: { qualitySupervisorId: 'qs-1' } });
  expect(dispatched.status, JSON.stringify(dispatched.body)).toBe(200);
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

/** Keeps a screenshot of the page as the person sees it, and checks it with axe (no serious or critical violation). */
async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(SCREENSHOTS, `session-${name}.png`), fullPage: true });
  await expectAccessible(page, name);
}

/** A fresh browser signed in as a demo user, on their inbox once it has loaded; every confirmation is accepted and kept. */
async function signedIn(userId: string, options: BrowserContextOptions = {}): Promise<ConsolePage> {
  const person = await consolePage(browser, userId, pageErrors, options);
  await signIn(person.page, h.baseUrl, userId);
  return person;
}

/** Opens the session from the sessions register (鉴定场次台账), as anyone taking part finds it. */
async function fromRegister(page: Page, sessionId: string): Promise<void> {
  await page.click('header nav a[href="#/registers"]');
  await page.getByRole('link', { name: '鉴定场次台账' }).click();
  await page.locator(`table.register-sessions tr[data-id="${sessionId}"] th a`).click();
  await page.locator('section.state').waitFor();
}

/** A score grid's cell for a candidate, named as a screen reader reads it: 李明（4406**********123X） 理论成绩. */
const cell = (grid: Locator, name: string, part: '理论' | '实操') => grid.getByLabel(new RegExp(`^${name}（[^）]+） ${part}成绩$`));
const status = (page: Page, value: string) => page.locator(`section.state [data-status="${value}"]`).waitFor();
const pendingAction = (page: Page, action: string) => page.locator(`[data-pending="${action}"]`).waitFor();
const timelineText = async (page: Page) => (await page.locator('.timeline tbody').textContent()) ?? '';
const sessionStatus = async (id: string) => (await h.api('GET', `/v1/sessions/${id}`, { as: 'sup-1' })).body.record.status as string;

describe('an appraisal session through the console', () => {
  it(
    'goes from registration to approved results: station, supervisor, quality supervisor, examiners, station, supervisor, reviewer',
    { timeout: 600_000 },
    async () => {
      // The station's administrator registers the session on the station's page: examiners from a picker.
      const admin = await signedIn('admin-1');
      await admin.page.goto(`${h.baseUrl}/console/#/cases/station/${stationId}`);
      const register = admin.page.locator('#action-registerSession');
      await register.waitFor();
      await expect(register.locator('[data-field="examinerIds"] [data-candidate="exam-1"]').textContent()).resolves.toContain(nameOf('exam-1'));
      const startsAt = Date.now() + ROSTER_OPEN_MS + LOCK_BEFORE_MS;
      await register.getByLabel('职业代码').selectOption('6-18-01-01');
      await register.getByLabel('等级').selectOption({ label: '中级' });
      await register.getByLabel('日期').fill(chinaDate(startsAt));
      await register.getByLabel('开始时间').fill(chinaLocal(startsAt));
      await register.getByLabel('结束时间').fill(chinaLocal(startsAt + HELD_MS));
      await register.getByLabel('鉴定地点地址').fill('实训楼3号车间');
      for (const examiner of ['exam-1', 'exam-2']) await register.locator(`[data-field="examinerIds"] [data-candidate="${examiner}"] input`).check();
      await register.getByLabel('预计考生人数').fill('3');
      await shot(admin.page, 'register');
      await register.locator('button[type=submit]').click();
      await admin.page.waitForURL(/#\/cases\/session\//);
      const sessionId = decodeURIComponent(admin.page.url().split('/').pop()!);
      await status(admin.page, 'roster_open');
      const facts = (await admin.page.locator('section.details', { hasText: '场次情况' }).textContent()) ?? '';
      for (const shown of ['车工（6-18-01-01）', '中级', nameOf('exam-1'), nameOf('exam-2'), '实训楼3号车间', '须派遣质量督导员'])
        expect(facts).toContain(shown);

      // One candidate entered by hand: a wrong check character is refused next to the number, in Chinese.
      const one = admin.page.locator('#action-addCandidate');
      await one.getByLabel('考生姓名').fill('李明');
      await one.getByLabel('居民身份证号码').fill(wrongCheck(idNumber(1)));
      await one.getByLabel('考生工作单位').fill('佛山市顺德精工有限公司');
      await one.locator('button[type=submit]').click();
      await one.locator('#action-addCandidate-identityNumber-error', { hasText: '身份证号码校验码不符' }).waitFor();
      await one.getByLabel('居民身份证号码').fill(idNumber(1));
      await one.locator('button[type=submit]').click();
      await admin.page.locator('tr[data-candidate]', { hasText: '李明' }).waitFor();
      await expect(admin.page.locator('tr[data-candidate]', { hasText: '李明' }).textContent()).resolves.toContain(masked(idNumber(1)));

      // A roster file with a bad line: nobody from it is added, the line is named with its reason.
      const upload = admin.page.locator('#action-uploadRoster');
      await upload.getByLabel('选择 CSV 文件').setInputFiles({
        name: 'roster.csv',
        mimeType: 'text/csv',
        buffer: rosterCsv(
          ['王芳', idNumber(2), '6-18-01-01', '4'],
          ['张伟', wrongCheck(idNumber(3)), '6-18-01-01', '4'],
          ['赵磊', idNumber(4), '6-18-01-01', '4'],
        ),
      });
      await expect.poll(() => upload.getByLabel('花名册内容').inputValue()).toContain('王芳');
      await upload.locator('button[type=submit]').click();
      const refused = upload.locator('.form-error');
      await refused.filter({ hasText: '第 3 行：身份证号码校验码不符' }).waitFor();
      expect(await refused.textContent()).toContain('未登记任何考生');
      expect(await admin.page.locator('tr[data-candidate]').count()).toBe(1);
      await shot(admin.page, 'roster-rejected');
      await upload
        .getByLabel('花名册内容')
        .fill(
          rosterCsv(['王芳', idNumber(2), '6-18-01-01', '4'], ['张伟', idNumber(3), '6-18-01-01', '4'], ['赵磊', idNumber(4), '6-18-01-01', '4']).toString(),
        );
      await upload.locator('button[type=submit]').click();
      await admin.page.locator('tr[data-candidate]', { hasText: '赵磊' }).waitFor();
      expect(await admin.page.locator('tr[data-candidate]').count()).toBe(4);

      // One changes to another session: taken off the roster, with the reason.
      const remove = admin.page.locator('#action-removeCandidate');
      await remove.getByLabel('考生').selectOption({ label: `赵磊（${masked(idNumber(4))}）` });
      await remove.getByLabel('原因').fill('考生改报下一场次');
      await remove.locator('button[type=submit]').click();
      await admin.page.locator('tr[data-candidate]', { hasText: '赵磊' }).waitFor({ state: 'detached' });
      expect(admin.confirmations).toEqual([expect.stringContaining('移出花名册')]);
      expect(await timelineText(admin.page)).toContain(`${nameOf('admin-1')}（鉴定所/站管理员）将 赵磊 ${masked(idNumber(4))} 移出花名册：考生改报下一场次`);
      const page = await admin.page.content();
      for (const n of [1, 2, 3, 4]) expect(page).not.toContain(idNumber(n));
      await shot(admin.page, 'roster');

      // A supervisor finds the session in the register and dispatches a quality supervisor from the picker.
      const sup = await signedIn('sup-1');
      await sup.page.click('header nav a[href="#/registers"]');
      await sup.page.getByRole('link', { name: '鉴定场次台账' }).click();
      const filters = sup.page.locator('form.filters');
      await filters.getByLabel('城市代码').fill('440600');
      await filters.getByLabel('职业代码').fill('6-18-01-01');
      await filters.getByLabel('鉴定日期（起）').fill(chinaDate(startsAt));
      await filters.getByRole('button', { name: '筛选' }).click();
      await sup.page.waitForURL(/dateFrom=/);
      await sup.page.locator(`table.register-sessions tr[data-id="${sessionId}"]`).waitFor();
      await shot(sup.page, 'register-filtered');
      await sup.page.locator(`table.register-sessions tr[data-id="${sessionId}"] th a`).click();
      const dispatch = sup.page.locator('#action-dispatchQualitySupervisor');
      await dispatch.waitFor();
      await expect(dispatch.locator('[data-candidate="qs-xm"]').textContent()).resolves.toContain('超出辖区');
      await expect(dispatch.locator('[data-candidate="qs-xm"] input').isDisabled()).resolves.toBe(true);
      // qs-1 supervised the station's session earlier today: the API refuses, and the page says why.
      await dispatch.locator('[data-candidate="qs-1"] input').check();
      await dispatch.locator('button[type=submit]').click();
      await dispatch.locator('#action-dispatchQualitySupervisor-qualitySupervisorId-error', { hasText: '轮换' }).waitFor();
      await shot(sup.page, 'dispatch-rotation');
      await dispatch.locator('[data-candidate="qs-fs"] input').check();
      await dispatch.locator('button[type=submit]').click();
      await sup.page
        .locator('section.details', { hasText: nameOf('qs-fs') })
        .first()
        .waitFor();
      expect(await timelineText(sup.page)).toContain(`派遣${nameOf('qs-fs')}为质量督导员`);

      // The roster locks before the session; scoring opens when it has ended.
      await eventually(async () => (await sessionStatus(sessionId)) === 'scoring', { timeoutMs: startsAt + HELD_MS - Date.now() + 30_000, intervalMs: 1000 });

      // The quality supervisor files the visit report from a phone, with a serious irregularity.
      const qs = await signedIn('qs-fs', { viewport: { width: 375, height: 812 }, isMobile: true, hasTouch: true });
      await fromRegister(qs.page, sessionId);
      const report = qs.page.locator('#action-fileVisitReport');
      await report.getByLabel('实到考生人数').fill('3');
      await report.getByLabel('是否逐一核验身份证件').selectOption({ label: '是' });
      for (const examiner of ['exam-1', 'exam-2']) await report.getByLabel(nameOf(examiner)).check();
      await report.getByRole('button', { name: '添加一行' }).click();
      await report.locator('#action-fileVisitReport-irregularities_0_kind').fill('考场内发现通讯工具');
      await report.locator('#action-fileVisitReport-irregularities_0_severity').selectOption({ label: '严重' });
      await report.locator('#action-fileVisitReport-irregularities_0_note').fill('2号考位考生携带手机进入考场');
      await shot(qs.page, 'visit-report-phone');
      // Nothing on the phone's page is wider than the screen.
      expect(await qs.page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(375);
      await report.locator('button[type=submit]').click();
      const filed = qs.page.locator('section.details', { hasText: '质量督导报告' });
      await filed.waitFor();
      await expect(filed.textContent()).resolves.toContain('2号考位考生携带手机进入考场');

      // The examiners score in the grid, each confirming the other's practical scores.
      const examiner1 = await signedIn('exam-1');
      await fromRegister(examiner1.page, sessionId);
      const grid1 = examiner1.page.locator('#action-enterScores');
      await cell(grid1, '李明', '理论').fill('86');
      await cell(grid1, '李明', '实操').fill('90');
      await cell(grid1, '张伟', '理论').fill('78');
      await cell(grid1, '张伟', '实操').fill('101');
      await grid1.locator('button[type=submit]').click();
      await grid1.locator('.field-error', { hasText: '成绩应在 0 到 100 分之间' }).waitFor();
      await cell(grid1, '张伟', '实操').fill('81');
      await shot(examiner1.page, 'score-grid');
      await grid1.locator('button[type=submit]').click();
      await examiner1.page.locator('tr[data-candidate]', { hasText: '张伟' }).filter({ hasText: '81' }).waitFor();

      const examiner2 = await signedIn('exam-2');
      await fromRegister(examiner2.page, sessionId);
      const grid2 = examiner2.page.locator('#action-enterScores');
      await expect(cell(grid2, '李明', '理论').inputValue()).resolves.toBe('86');
      await cell(grid2, '王芳', '理论').fill('92');
      await cell(grid2, '王芳', '实操').fill('88');
      await grid2.locator('button[type=submit]').click();
      await examiner2.page.locator('tr[data-candidate]', { hasText: '王芳' }).filter({ hasText: '88' }).waitFor();
      const confirm2 = examiner2.page.locator('#action-confirmPractical');
      for (const name of ['李明', '张伟']) await confirm2.getByLabel(name, { exact: false }).check();
      await confirm2.locator('button[type=submit]').click();
      await examiner2.page
        .locator('tr[data-candidate]', { hasText: '李明' })
        .filter({ hasText: nameOf('exam-2') })
        .waitFor();

      await examiner1.page.reload();
      const confirm1 = examiner1.page.locator('#action-confirmPractical');
      await confirm1.waitFor();
      await expect(confirm1.locator('input[data-flag="candidateIds"]').count()).resolves.toBe(1);
      await confirm1.getByLabel('王芳', { exact: false }).check();
      await confirm1.locator('button[type=submit]').click();
      await confirm1.waitFor({ state: 'detached' });

      // The station submits the results; the serious irregularity holds them and opens a complaint case by itself.
      await admin.page.reload();
      await pendingAction(admin.page, 'submitResults');
      await admin.page.locator('#action-submitResults button[type=submit]').click();
      await status(admin.page, 'under_review');
      expect(admin.confirmations.at(-1)).toContain('虚假鉴定线索核查');

      // The supervisor, from the inbox, sees the signals in Chinese and releases the hold with reasons.
      await eventually(async () => {
        const { record } = (await h.api('GET', `/v1/sessions/${sessionId}`, { as: 'sup-1' })).body;
        return record.pending?.action === 'releaseHold' && !!record.complaintId;
      });
      await sup.page.click('header nav a[href="#/inbox"]');
      await sup.page.locator(`tr[data-case="session/${sessionId}"] a`).click();
      await pendingAction(sup.page, 'releaseHold');
      const signals = sup.page.locator('section.details', { hasText: '虚假鉴定线索' });
      await expect(signals.locator('tr[data-signal="serious_irregularity"]').textContent()).resolves.toContain('督导报告记录严重违规');
      await expect(signals.locator('tr[data-signal="serious_irregularity"]').textContent()).resolves.toContain('考场内发现通讯工具');
      await expect(signals.locator('tr[data-signal="perfect_pass_rate"]').textContent()).resolves.toContain('考生较多且全部合格');
      await sup.page.locator('[data-hold="true"]').waitFor();
      await signals.locator('a[href^="#/cases/complaint/"]').waitFor();
      await shot(sup.page, 'hold');
      const release = sup.page.locator('#action-releaseHold');
      await release.getByLabel('理由（每行一条）').fill('已核实：该考生的手机已当场收缴，考试过程未受影响');
      await release.locator('button[type=submit]').click();
      await pendingAction(sup.page, 'decide');
      expect(sup.confirmations).toEqual([expect.stringContaining('解除暂停')]);

      // The reviewer re-checks the sample from the papers and approves.
      await eventually(async () => (await h.api('GET', `/v1/sessions/${sessionId}`, { as: 'sup-1' })).body.record.pending?.action === 'decide');
      const reviewer = await signedIn('rev-2');
      await reviewer.page.locator(`tr[data-case="session/${sessionId}"] a`).click();
      await pendingAction(reviewer.page, 'decide');
      const recheck = reviewer.page.locator('#action-recheck');
      const sampled = recheck.locator('tr[data-row]');
      await expect(sampled.count()).resolves.toBe(1);
      // Whoever was drawn, re-entered as on their papers.
      const scores: Record<string, [string, string]> = { 李明: ['86', '90'], 王芳: ['92', '88'], 张伟: ['78', '81'] };
      const header = (await sampled.locator('th').textContent()) ?? '';
      const name = Object.keys(scores).find((n) => header.includes(n))!;
      expect(name, header).toBeTruthy();
      await cell(recheck, name, '理论').fill(scores[name][0]);
      await cell(recheck, name, '实操').fill(scores[name][1]);
      await recheck.locator('button[type=submit]').click();
      await expect.poll(() => reviewer.page.locator('tr[data-sample] td').last().textContent()).toBe(`${scores[name][0]} / ${scores[name][1]}`);
      const decide = reviewer.page.locator('#action-decide');
      await decide.getByLabel('结论').selectOption({ label: '批准' });
      await decide.getByLabel('理由（每行一条）').fill('抽样复核一致，督导报告问题已处理');
      await shot(reviewer.page, 'review');
      await decide.locator('button[type=submit]').click();
      await status(reviewer.page, 'approved');
      expect(reviewer.confirmations).toEqual([expect.stringContaining('合格考生将进入发证程序')]);
      await expect(reviewer.page.locator('section.details', { hasText: '实名制花名册与成绩' }).textContent()).resolves.toContain('3 / 3 人');
      expect(await timelineText(reviewer.page)).toContain(`${nameOf('rev-2')}（审查人）批准成绩：合格 3 人`);
      await shot(reviewer.page, 'approved');

      // Checked through the API: approved with every candidate passing, and the complaint case opened once.
      const approved = (await h.api('GET', `/v1/sessions/${sessionId}`, { as: 'sup-1' })).body.record;
      expect(approved).toMatchObject({ status: 'approved', candidates: 3, passed: 3, seriousSignals: 1 });
      expect(approved.complaintId).toBeTruthy();

      // The register finds it among sessions with serious signals, its signals by name.
      await sup.page.goto(`${h.baseUrl}/console/#/registers/sessions?signals=serious`);
      const row = sup.page.locator(`table.register-sessions tr[data-id="${sessionId}"]`);
      await expect(row.textContent()).resolves.toContain('督导报告记录严重违规');
      await expect(row.textContent()).resolves.toContain('已批准');
      await shot(sup.page, 'register-signals');
      // And in English, one click away.
      await sup.page.getByRole('button', { name: 'English' }).click();
      await sup.page.locator('h1', { hasText: 'Appraisal sessions' }).waitFor();
      await expect(row.textContent()).resolves.toContain('Serious irregularity in the visit report');
      for (const p of [admin, sup, qs, examiner1, examiner2, reviewer]) await p.page.context().close();
    },
  );
});
