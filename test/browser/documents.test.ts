import { readFile } from 'node:fs/promises';
import { type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildConsole } from '../../scripts/build-console';
import { eventually, startHarness, type Harness } from '../support/harness';
import { checklistScores, licenseStation } from '../support/fixtures';
import { flat, pdfText } from '../support/pdf';
import { launchBrowser } from '../support/browser';

/** The console's print buttons: the case page offers the document once the case has one, and the download is that PDF. */

let h: Harness;
let browser: Browser;
let stationId: number;
beforeAll(async () => {
  await buildConsole();
  browser = await launchBrowser();
  h = await startHarness({}, { development: true });
  stationId = await licenseStation(h);
});
afterAll(async () => {
  await browser?.close();
  await h?.close();
});

async function signedIn(userId: string): Promise<Page> {
  const context = await browser.newContext({ locale: 'zh-CN', timezoneId: 'Asia/Shanghai', viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  await page.goto(`${h.baseUrl}/console/#/signin`);
  await page.click(`button[data-user="${userId}"]`);
  await page.locator('h1', { hasText: '我的待办' }).waitFor();
  return page;
}

/** Presses the print button and reads the downloaded file's text. */
async function printed(page: Page, label: string): Promise<{ filename: string; text: string }> {
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: label }).click()]);
  return { filename: download.suggestedFilename(), text: pdfText(new Uint8Array(await readFile(await download.path()))) };
}

describe('printable documents in the console', () => {
  it('prints the licensing decision from a decided application, for its applicant', async () => {
    const applicationId = (await h.api('GET', `/v1/stations/${stationId}`, { as: 'sup-1' })).body.applicationId as string;
    const page = await signedIn('admin-1');
    await page.goto(`${h.baseUrl}/console/#/cases/station-application/${applicationId}`);
    await page.locator('[data-status="approved"]').waitFor();
    const { filename, text } = await printed(page, '打印决定书');
    expect(filename).toBe(`decision-${applicationId}.pdf`);
    expect(text).toContain(flat(`职业技能鉴定所（站）许可决定书 案号：${applicationId}`));
    await page.context().close();
  });

  it('offers the rectification notice only once the inspection has an order', async () => {
    const started = await h.api('POST', '/v1/inspections', { as: 'sup-1', body: { stationId, reason: '专项抽查' } });
    expect(started.status, JSON.stringify(started.body)).toBe(201);
    const id = started.body.id as string;
    const page = await signedIn('admin-1');
    await page.goto(`${h.baseUrl}/console/#/cases/inspection/${id}`);
    await page.locator('[data-status="awaiting_team"]').waitFor();
    expect(await page.locator('[data-document]').count()).toBe(0);

    const steps: Array<[string, string, object]> = [
      ['team', 'sup-1', { inspectorIds: ['insp-1', 'insp-2'], leadId: 'insp-1' }],
      ['acknowledge', 'insp-1', {}],
      ['acknowledge', 'insp-2', {}],
      ['scores', 'insp-1', { scores: checklistScores({ 'process.scope': 2 }) }],
      ['scores', 'insp-2', { scores: checklistScores({ 'process.scope': 2 }) }],
      ['report', 'insp-1', { summary: '超范围鉴定' }],
      ['review', 'sup-1', { outcome: 'rectify', reasons: ['停止超范围鉴定'] }],
    ];
    for (const [step, as, body] of steps) {
      const res = await h.api('POST', `/v1/inspections/${id}/${step}`, { as, body });
      expect(res.status, `${step}: ${JSON.stringify(res.body)}`).toBe(200);
    }
    await eventually(async () => (await h.api('GET', `/v1/inspections/${id}`, { as: 'admin-1' })).body.record.status === 'rectification');
    await page.reload();
    await page.locator('[data-status="rectification"]').waitFor();
    const { filename, text } = await printed(page, '打印整改通知书');
    expect(filename).toBe(`rectification-notice-${id}.pdf`);
    expect(text).toContain(flat(`整改通知书 案号：${id}`));
    expect(text).toContain(flat('1. 停止超范围鉴定'));
    await page.context().close();
  });
});
