import { type Browser } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { recordWarning, setWarningCase } from '../../db/queries/warnings';
import { windowAt } from '../../domain/warnings';
import { expectAccessible } from '../support/axe';
import { consolePage, launchBrowser, signIn } from '../support/browser';
import { startHarness, type Harness } from '../support/harness';

/**
 * Early warnings in the console: a provincial supervisor finds a warning in the list, reads its figures and the case it
 * opened on its page, and dismisses it with reasons. The warning is written straight into the table (the rules and their
 * cases are test/integration/warnings.test.ts's subject), so the run stays short.
 */
let h: Harness;
let browser: Browser;
let warningId: string;
const pageErrors: string[] = [];

beforeAll(async () => {
  browser = await launchBrowser();
  h = await startHarness({}, { development: true });
  // exam-1 is registered in Foshan (440600): inside sup-gd's Guangdong.
  const firing = {
    rule: 'examiner_violations' as const,
    subjectType: 'examiner' as const,
    subjectId: 'exam-1',
    window: windowAt('P1Y', Date.now()),
    figures: { window: 'P1Y', threshold: 2, examinerId: 'exam-1', violations: 3 },
  };
  warningId = (await recordWarning(h.db, firing)).id;
  await setWarningCase(h.db, warningId, { type: 'complaint', id: '01KB0000000000000000000000' });
});
afterEach(() => {
  expect(pageErrors.splice(0)).toEqual([]);
});
afterAll(async () => {
  await browser?.close();
  await h?.close();
});

describe('early warnings in the console', () => {
  it('a supervisor reads a warning, its figures and its case, and dismisses it with reasons', async () => {
    const { page } = await consolePage(browser, 'sup-gd', pageErrors);
    await signIn(page, h.baseUrl, 'sup-gd');
    await page.click('nav a[href="#/warnings"]');
    const row = page.locator(`tr[data-warning="${warningId}"]`);
    await expect.poll(() => row.innerText()).toContain('考评员违规累计');
    expect(await row.innerText()).toContain('待处理');
    await expectAccessible(page);

    await row.locator('a').first().click();
    const figures = page.locator('dl[data-figures]');
    await expect.poll(() => figures.innerText()).toContain('违规次数');
    expect(await figures.innerText()).toContain('3');
    expect(await page.locator('a[href="#/cases/complaint/01KB0000000000000000000000"]').innerText()).toContain('投诉案件');
    await expectAccessible(page);

    await page.fill('#warning-dismissal textarea', '已核实：违规记录系重复录入');
    await page.click('#warning-dismissal button[type="submit"]');
    await expect.poll(() => page.locator('main').innerText()).toContain('已排除');
    expect(await page.locator('main').innerText()).toContain('已核实：违规记录系重复录入');
    expect(await page.locator('#warning-dismissal').count()).toBe(0);
  });
});
