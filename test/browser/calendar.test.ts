import { type Browser } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { expectAccessible } from '../support/axe';
import { consolePage, launchBrowser, signIn } from '../support/browser';
import { eventually, startHarness, type Harness } from '../support/harness';

/**
 * The working-day calendar in the console: a national supervisor opens a year, reads its holidays and make-up days, and
 * publishes a correction (an extra day off) with its reason; the page shows the new version and its publication. A case
 * waiting under a working-day deadline shows its due date with the working days left.
 */
let h: Harness;
let browser: Browser;
const pageErrors: string[] = [];

beforeAll(async () => {
  browser = await launchBrowser();
  // Complaints wait for their investigator five working days: the case page shows that due date and the days left.
  h = await startHarness({ complaint: { assignInvestigator: 'P5WD' } }, { development: true });
});
afterEach(() => {
  expect(pageErrors.splice(0)).toEqual([]);
});
afterAll(async () => {
  await browser?.close();
  await h?.close();
});

describe('the working-day calendar in the console', () => {
  it('a national supervisor publishes a correction of a year', async () => {
    const { page } = await consolePage(browser, 'sup-1', pageErrors);
    await signIn(page, h.baseUrl, 'sup-1');
    await page.click('nav a[href="#/calendars"]');
    await page.fill('form.filters input[name="year"]', '2026');
    await page.click('form.filters button[type="submit"]');
    const national = page.locator('section[data-layer="cal-national"]');
    await expect.poll(() => national.innerText()).toContain('2026-02-16');
    expect(await national.locator('[data-workdays]').innerText()).toContain('2026-02-14');
    const before = await national.locator('p[data-version]').getAttribute('data-version');
    await expectAccessible(page);

    const holidays = page.locator('#calendar-national textarea').first();
    await holidays.fill(`${await holidays.inputValue()}\n2026-12-31`);
    await page.fill('#calendar-national input[name="reason"]', '更正：12月31日调整为放假');
    await page.click('#calendar-national button[type="submit"]');

    await expect.poll(() => page.locator('p[role="status"]').innerText()).toContain('已发布第');
    const after = await national.locator('p[data-version]').getAttribute('data-version');
    expect(Number(after)).toBeGreaterThan(Number(before));
    expect(await national.locator('[data-holidays]').innerText()).toContain('2026-12-31');
    expect(await national.locator(`tr[data-version="${after}"]`).innerText()).toContain('更正：12月31日调整为放假');
    await expectAccessible(page);
  });

  it('a case waiting under a working-day deadline shows its due date and the working days left', async () => {
    const filed = await h.api('POST', '/v1/public/complaints', {
      body: { category: 'examiner_misconduct', happenedOn: '2026-11-01', description: 'The examiner left the room during the practical test.' },
    });
    expect(filed.status).toBe(201);
    const id = await eventually(
      async () => (await h.db('complaints').where({ tracking_number: filed.body.trackingNumber }).first('id'))?.id as string | undefined,
    );
    const triaged = await h.api('POST', `/v1/complaints/${id}/triage`, { as: 'handler-1', body: { category: 'examiner_misconduct', severity: 'normal' } });
    expect(triaged.body.pending).toMatchObject({ action: 'assignInvestigator', workingDays: 5 });

    const { page } = await consolePage(browser, 'handler-1', pageErrors);
    await signIn(page, h.baseUrl, 'handler-1');
    await page.goto(`${h.baseUrl}/console/#/cases/complaint/${id}`);
    const due = page.locator(`[data-due="${triaged.body.pending.dueAt}"]`);
    await expect.poll(() => due.innerText()).toContain('时限 5 个工作日');
    // Five working days ahead, counted from today: five left until the end of the due day.
    await expect.poll(() => due.locator('[data-working-days-left]').innerText()).toBe('剩余 5 个工作日');
  });
});
