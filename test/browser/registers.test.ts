import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Workbook } from 'exceljs';
import { type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import example from '../../db/seeds/station-application.example.json';
import { eventually, startHarness, type Harness } from '../support/harness';
import { SCREENSHOTS, launchBrowser } from '../support/browser';

/** Registers (台账) in headless Chromium: a city supervisor filters the applications register, opens a case and exports the list. */

let h: Harness;
let browser: Browser;
const ids = { waiting: '', withdrawn: '', elsewhere: '' };

async function file(stationName: string, cityCode: string): Promise<string> {
  const res = await h.api('POST', '/v1/station-applications', {
    as: 'admin-1',
    body: { ...example, stationName, region: { provinceCode: '440000', cityCode } },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.id;
}

beforeAll(async () => {
  browser = await launchBrowser();
  h = await startHarness({}, { development: true });
  ids.waiting = await file('佛山台账甲鉴定站', '440600');
  ids.withdrawn = await file('佛山台账乙鉴定站', '440600');
  ids.elsewhere = await file('广州台账丙鉴定站', '440100');
  const withdrawn = await h.api('POST', `/v1/station-applications/${ids.withdrawn}/withdraw`, { as: 'admin-1', body: { reason: '材料准备不足，暂缓申请' } });
  expect(withdrawn.status, JSON.stringify(withdrawn.body)).toBe(200);
  await eventually(async () => (await h.api('GET', '/v1/station-applications?status=awaiting_reviewer', { as: 'sup-1' })).body.total === 2);
});
afterAll(async () => {
  await browser?.close();
  await h?.close();
});

async function signedIn(userId: string): Promise<Page> {
  const page = await (
    await browser.newContext({ locale: 'zh-CN', timezoneId: 'Asia/Shanghai', viewport: { width: 1280, height: 900 }, acceptDownloads: true })
  ).newPage();
  await page.goto(`${h.baseUrl}/console/#/signin`);
  await page.click(`button[data-user="${userId}"]`);
  await page.locator('h1', { hasText: '我的待办' }).waitFor();
  // The inbox shows its heading while it loads: wait until it has loaded, so it cannot replace the next page.
  await page.locator('#main').getByText('加载中…').waitFor({ state: 'detached' });
  return page;
}

const shot = (page: Page, name: string) => page.screenshot({ path: path.join(SCREENSHOTS, `registers-${name}.png`), fullPage: true });

describe('registers (台账)', () => {
  it('lets a city supervisor filter the applications register by status, link to it, open a case and download the XLSX', async () => {
    const page = await signedIn('sup-fs');
    await page.getByRole('navigation').getByRole('link', { name: '台账', exact: true }).click();
    await page.locator('h1', { hasText: '台账' }).waitFor();
    await page.getByRole('link', { name: '鉴定所/站审批台账' }).click();
    await page.waitForURL(/#\/registers\/applications$/);

    // Foshan's supervisor sees Foshan's two applications, not Guangzhou's.
    const count = page.locator('.register-count');
    await count.filter({ hasText: '共 2 条' }).waitFor();
    await expect(page.locator('tbody tr').count()).resolves.toBe(2);
    expect(await page.locator(`tr[data-id="${ids.elsewhere}"]`).count()).toBe(0);
    await expect(page.locator('thead th').allTextContents()).resolves.toEqual(['站名', '单位', '地区', '状态', '待办事项', '截止时间', '提交时间']);
    await expect(page.locator(`tr[data-id="${ids.withdrawn}"] [data-status]`).textContent()).resolves.toBe('已撤回');
    await shot(page, 'applications');

    // Filtered by status, the filter is in the address: the list can be linked to.
    await page.getByLabel('状态', { exact: true }).selectOption({ label: '待指派审查人' });
    await page.getByRole('button', { name: '筛选' }).click();
    await page.waitForURL(/#\/registers\/applications\?status=awaiting_reviewer$/);
    await count.filter({ hasText: '共 1 条' }).waitFor();
    const row = page.locator(`tr[data-id="${ids.waiting}"]`);
    await expect(row.locator('[data-status]').textContent()).resolves.toBe('待指派审查人');
    await expect(row.locator('th').textContent()).resolves.toBe('佛山台账甲鉴定站');
    await expect(row.locator('td').nth(1).textContent()).resolves.toBe('广东省 / 佛山市');
    await expect(row.locator('td').nth(3).textContent()).resolves.toBe('指派审查人');
    await shot(page, 'applications-filtered');

    const linked = await signedIn('sup-fs');
    await linked.goto(`${h.baseUrl}/console/#/registers/applications?status=awaiting_reviewer`);
    await linked.locator('.register-count', { hasText: '共 1 条' }).waitFor();
    await expect(linked.getByLabel('状态', { exact: true }).inputValue()).resolves.toBe('awaiting_reviewer');
    await linked.context().close();

    // The filtered list as XLSX: the same one row, with Chinese headers and labels.
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: '下载 Excel 表格' }).click()]);
    expect(download.suggestedFilename()).toMatch(/^鉴定所站审批台账-\d{4}-\d{2}-\d{2}\.xlsx$/);
    const saved = path.join(tmpdir(), `registers-${process.pid}.xlsx`);
    await download.saveAs(saved);
    const book = new Workbook();
    await book.xlsx.readFile(saved);
    const sheet = book.worksheets[0];
    expect((sheet.getRow(1).values as unknown[]).slice(1, 3)).toEqual(['申请编号', '站名']);
    expect(sheet.rowCount).toBe(2);
    expect((sheet.getRow(2).values as unknown[]).slice(1, 7)).toEqual([
      ids.waiting,
      '佛山台账甲鉴定站',
      example.organisation.name,
      '广东省',
      '佛山市',
      '待指派审查人',
    ]);
    await page.locator('.download-status', { hasText: '文件已下载。' }).waitFor();
    await rm(saved);

    // From the register to the case.
    await row.getByRole('link', { name: '佛山台账甲鉴定站' }).click();
    await page.waitForURL(new RegExp(`#/cases/station-application/${ids.waiting}$`));
    await page.locator('main').getByText('佛山台账甲鉴定站').first().waitFor();
    await shot(page, 'case-from-register');
    await page.context().close();
  });
});
