import path from 'node:path';
import { type Browser } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { expectAccessible } from '../support/axe';
import { SCREENSHOTS, consolePage, launchBrowser, signIn } from '../support/browser';
import { licenseStation } from '../support/fixtures';
import { startHarness, type Harness } from '../support/harness';

/**
 * A licence's renewal through the console: the station's administrator reads the expiry and the reminder on the
 * licence page and files the renewal with its documents; a supervisor finds it waiting on them, reads the record taken
 * from the station's programme and approves it, confirming the consequence; the administrator sees the new validity.
 * On a seconds-scale policy (a licence valid 2 minutes, reminded 110 s before it runs out) so the reminder shows at once.
 */
let h: Harness;
let browser: Browser;
let stationId: number;
const pageErrors: string[] = [];

beforeAll(async () => {
  browser = await launchBrowser();
  h = await startHarness(
    { stationApproval: { licenceValidity: 'PT120S' }, programme: { licenceReminders: ['PT110S'] }, licence: { deadlines: { renewalDecision: 'PT1H' } } },
    { development: true },
  );
  stationId = await licenseStation(h, 'admin-1');
}, 120_000);
afterEach(() => {
  expect(pageErrors.splice(0)).toEqual([]);
});
afterAll(async () => {
  await browser?.close();
  await h?.close();
});

describe('licence renewal in the console', () => {
  it('the station administrator files a renewal after the reminder; a supervisor approves it from the list waiting on them', async () => {
    const admin = await consolePage(browser, 'admin-1', pageErrors);
    await signIn(admin.page, h.baseUrl, 'admin-1');
    await admin.page.click('nav a[href="#/licence"]');
    const row = admin.page.locator(`tr[data-station="${stationId}"]`);
    await expect.poll(() => row.innerText()).toContain('有效');
    expect(await row.innerText()).toContain('JD44-');
    await expectAccessible(admin.page);

    await row.locator('a').click();
    // The reminder is on the page once the programme has sent it.
    await expect
      .poll(
        async () => {
          await admin.page.reload();
          await admin.page.locator('[data-licence-status]').waitFor();
          return (await admin.page.locator('[data-reminders]').count()) ? admin.page.locator('[data-reminders]').innerText() : '';
        },
        { timeout: 30_000, interval: 1_000 },
      )
      .toContain('到期前 110 秒');
    expect(await admin.page.locator('[data-licence-status]').innerText()).toBe('有效');
    const before = await admin.page.locator('main dl.facts').first().innerText();
    await admin.page.fill('#licence-renewal-documents_0_reference', 'scan/business-licence-2029.pdf');
    await admin.page.fill('#licence-renewal-notes', '申请续期');
    await admin.page.click('#licence-renewal button[type="submit"]');
    await expect.poll(() => admin.page.locator('[data-renewal-status]').innerText()).toBe('待决定');
    expect(await admin.page.locator('main').innerText()).toContain('scan/business-licence-2029.pdf');
    await admin.page.screenshot({ path: path.join(SCREENSHOTS, 'licence-renewal-filed.png'), fullPage: true });
    await expectAccessible(admin.page);

    const sup = await consolePage(browser, 'sup-2', pageErrors);
    await signIn(sup.page, h.baseUrl, 'sup-2');
    await sup.page.click('nav a[href="#/licence"]');
    const pending = sup.page.locator('tr[data-renewal]').first();
    await expect.poll(() => pending.innerText()).toContain('待决定');
    await expectAccessible(sup.page);
    await pending.locator('a').click();
    // The record taken from the station's programme: no inspection yet, the station active when it filed.
    await expect.poll(() => sup.page.locator('[data-ratings]').innerText()).toBe('暂无。');
    expect(await sup.page.locator('main').innerText()).toContain('申请续期');
    await sup.page.locator('#licence-decision').getByLabel('结论').selectOption({ label: '批准续期' });
    await sup.page.click('#licence-decision button[type="submit"]');
    await expect.poll(() => sup.page.locator('[data-renewal-status]').innerText()).toBe('已批准');
    expect(sup.confirmations).toEqual([expect.stringContaining('将续期一个有效期')]);
    expect(await sup.page.locator('[data-new-valid-until]').count()).toBe(1);
    expect(await sup.page.locator('#licence-decision').count()).toBe(0);
    await sup.page.screenshot({ path: path.join(SCREENSHOTS, 'licence-renewal-approved.png'), fullPage: true });
    await expectAccessible(sup.page);

    // The administrator's licence page shows the new validity and the renewal approved.
    await admin.page.click(`main a[href="#/licence/stations/${stationId}"]`);
    await expect
      .poll(
        async () => {
          await admin.page.reload();
          await admin.page.locator('[data-licence-status]').waitFor();
          return admin.page.locator('main dl.facts').first().innerText();
        },
        { timeout: 15_000, interval: 1_000 },
      )
      .not.toBe(before);
    expect(await admin.page.locator('tr[data-renewal]').first().innerText()).toContain('已批准');
  });
});
