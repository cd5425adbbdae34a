import path from 'node:path';
import { type Browser, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import example from '../../db/seeds/station-application.example.json';
import { expectAccessible } from '../support/axe';
import { startHarness, type Harness } from '../support/harness';
import { SCREENSHOTS, consolePage, launchBrowser, signIn } from '../support/browser';

/**
 * The statutory clock on a station application's page, under the production policy (20 working days, extensible once by
 * 10): a supervisor reads the time used and left and extends it, with reasons, through the console alone.
 */

let h: Harness;
let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
  h = await startHarness({}, { development: true });
});
const pageErrors: string[] = [];
afterEach(() => {
  expect(pageErrors.splice(0)).toEqual([]);
});
afterAll(async () => {
  await browser?.close();
  await h?.close();
});

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(SCREENSHOTS, `statutory-${name}.png`), fullPage: true });
  await expectAccessible(page, name);
}

describe('the statutory clock in the console', () => {
  it('a supervisor reads the statutory time of an application and extends it once, with reasons', async () => {
    const created = await h.api('POST', '/v1/station-applications', { as: 'admin-1', body: example });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const id = created.body.id as string;

    // From the inbox, where the application waits for a reviewer to be assigned, to its page.
    const { page, confirmations } = await consolePage(browser, 'sup-1', pageErrors);
    await signIn(page, h.baseUrl, 'sup-1');
    await page.locator(`tr[data-case="station-application/${id}"] a`).click();
    const panel = page.locator('section.statutory');
    await panel.waitFor();
    await expect.poll(() => panel.getAttribute('data-statutory')).toBe('running');
    await expect.poll(() => panel.locator('h2').textContent()).toBe('法定办理时限');
    expect(await panel.locator('[data-limit]').textContent()).toBe('20 个工作日');
    expect(await panel.locator('[data-used]').textContent()).toBe('0 个工作日');
    expect(await panel.locator('[data-left]').textContent()).toBe('20 个工作日');
    expect(await panel.locator('[data-extended]').textContent()).toContain('未延长');
    await shot(page, 'running');

    // The extension: reasons first (the API refuses none), then the confirmation, then the panel as it now stands.
    const form = panel.locator('#action-extendStatutoryLimit');
    await form.locator('button[type=submit]').click();
    await form.locator('.form-error, .field-error').first().waitFor();
    await form.getByLabel('理由（每行一条）').fill('需组织专家对现场条件进行论证');
    await form.locator('button[type=submit]').click();
    await page.locator('section.statutory [data-extended="true"]').waitFor();
    expect(confirmations.at(-1)).toContain('只能延长一次');
    expect(await page.locator('section.statutory [data-limit]').textContent()).toBe('30 个工作日（含延长）');
    expect(await page.locator('section.statutory [data-extended]').textContent()).toContain('需组织专家对现场条件进行论证');
    // Once is all: the form is gone, and the timeline names who extended it and why.
    expect(await page.locator('#action-extendStatutoryLimit').count()).toBe(0);
    const entry = page.locator('tr[data-action="statutory_limit_extended"]');
    await entry.waitFor();
    expect(await entry.textContent()).toContain('延长法定办理时限');
    await shot(page, 'extended');

    // The applicant sees the same time and the extension, and has nothing to extend.
    const applicant = await consolePage(browser, 'admin-1', pageErrors);
    await signIn(applicant.page, h.baseUrl, 'admin-1');
    await applicant.page.goto(`${h.baseUrl}/console/#/cases/station-application/${id}`);
    await applicant.page.locator('section.statutory [data-extended="true"]').waitFor();
    expect(await applicant.page.locator('#action-extendStatutoryLimit').count()).toBe(0);

    const record = (await h.api('GET', `/v1/station-applications/${id}`, { as: 'sup-1' })).body;
    expect(record.statutory).toMatchObject({ unit: 'workingDays', limit: 30, extension: { by: 'sup-1' } });
  });
});
