import { type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_USERS } from '../../db/seeds/demo';
import { sessionWorkflowId } from '../../workflows/session.messages';
import { expectAccessible } from '../support/axe';
import { consolePage, launchBrowser, signIn } from '../support/browser';
import { licenseStation, qualifyExaminer } from '../support/fixtures';
import { eventually, startHarness, type Harness } from '../support/harness';
import { candidate, day, idNumber, masked, sessionApi } from '../support/sessions';

/**
 * An approved session's page once its workflow has ended (issue 17): the visit report, each candidate's scores, who
 * entered and confirmed them and the result, the re-check and the decision, from what MySQL keeps. A supervisor
 * covering the station reveals a candidate's identity number after confirming, and the reveal is on the timeline;
 * an examiner of the session is offered no reveal.
 */
let h: Harness;
let browser: Browser;
let stationId: number;
const pageErrors: string[] = [];

const { registered, ok, live } = sessionApi(
  () => h,
  () => stationId,
);
const nameOf = (id: string) => DEMO_USERS.find((u) => u.id === id)!.name;

beforeAll(async () => {
  browser = await launchBrowser();
  h = await startHarness({ session: { registerDaysAhead: 0, rosterLockBefore: 'PT0S', supervisionShare: 0, recheckShare: 0.5 } }, { development: true });
  stationId = await licenseStation(h);
  for (const examiner of ['exam-1', 'exam-2']) await qualifyExaminer(h, examiner);
});
afterAll(async () => {
  await browser?.close();
  await h?.close();
});

describe("an approved session's page", () => {
  it('shows the whole record from MySQL, and the identity number to a supervisor who confirms the reveal', { timeout: 300_000 }, async () => {
    const at = (seconds: number) => new Date(Date.now() + seconds * 1000).toISOString();
    const id = await registered({ date: day(0), startsAt: at(20), endsAt: at(25), expectedCandidates: 2 });
    const added = await ok(id, 'candidates', 'admin-1', { candidates: [candidate(71, '陈晨'), candidate(72, '林琳')] });
    const [chen, lin] = added.candidates as Array<{ id: string }>;
    await ok(id, 'quality-supervisor', 'sup-fs', { qualitySupervisorId: 'qs-fs' });
    await eventually(async () => (await live(id)).status === 'scoring', { timeoutMs: 60_000, intervalMs: 500 });
    await ok(id, 'visit-report', 'qs-fs', {
      candidatesPresent: 2,
      identityChecked: true,
      examinersPresent: ['exam-1'],
      irregularities: [{ kind: '开考延迟', severity: 'minor', note: '开考推迟十分钟' }],
    });
    await ok(id, 'scores', 'exam-1', {
      entries: [
        { candidateId: chen.id, theory: 82, practical: 75 },
        { candidateId: lin.id, theory: 58, practical: 64 },
      ],
    });
    await ok(id, 'practical-confirmations', 'exam-2', { candidateIds: [chen.id, lin.id] });
    await ok(id, 'submission', 'admin-1');
    const [sampled] = await eventually(async () => {
      const sample = (await live(id)).recheck.sample as string[];
      return sample.length ? sample : undefined;
    });
    const again = sampled === chen.id ? { theory: 82, practical: 75 } : { theory: 58, practical: 64 };
    await ok(id, 'rechecks', 'rev-2', { entries: [{ candidateId: sampled, ...again }] });
    await ok(id, 'decision', 'rev-2', { outcome: 'approve', reasons: ['复核一致'] });
    await h.temporal.workflow.getHandle(sessionWorkflowId(id)).result();

    const { page, confirmations } = await consolePage(browser, 'sup-fs', pageErrors);
    await signIn(page, h.baseUrl, 'sup-fs');
    await page.goto(`${h.baseUrl}/console/#/cases/session/${id}`);
    await page.locator('section.state [data-status="approved"]').waitFor();
    await expectAccessible(page, 'session-record');

    const report = page.getByRole('region', { name: '质量督导报告' });
    await expect(report.textContent()).resolves.toContain('开考推迟十分钟');
    const row = (candidateId: string) => page.locator(`tr[data-candidate="${candidateId}"]`).first();
    const chenRow = (await row(chen.id).textContent()) ?? '';
    for (const shown of ['82', '75', nameOf('exam-1'), nameOf('exam-2'), '合格']) expect(chenRow).toContain(shown);
    await expect(page.getByRole('region', { name: '抽样复核' }).textContent()).resolves.toContain(`${again.theory} / ${again.practical}`);
    await expect(page.getByRole('region', { name: '审核结论' }).textContent()).resolves.toContain('复核一致');

    // The reveal: asked first, then the number in the row and the reveal on the timeline.
    await row(lin.id).locator(`button[data-reveal="${lin.id}"]`).click();
    await page.locator(`[data-identity="${lin.id}"]`, { hasText: idNumber(72) }).waitFor();
    expect(confirmations).toEqual([expect.stringContaining(`林琳（${masked(idNumber(72))}）`)]);
    await page.locator('.timeline tr[data-action="candidate_identity_revealed"]', { hasText: `林琳 ${masked(idNumber(72))}` }).waitFor();

    // An examiner of the session sees the page without a reveal.
    const examiner = await consolePage(browser, 'exam-1', pageErrors);
    await signIn(examiner.page, h.baseUrl, 'exam-1');
    await examiner.page.goto(`${h.baseUrl}/console/#/cases/session/${id}`);
    await examiner.page.locator(`tr[data-candidate="${lin.id}"]`).first().waitFor();
    expect(await examiner.page.locator('button[data-reveal]').count()).toBe(0);
    expect(pageErrors).toEqual([]);
  });
});
