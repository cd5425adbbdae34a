import { readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectAccessible } from '../support/axe';
import { examinerRow, toCsv } from '../support/examinerCsv';
import { startHarness, type Harness } from '../support/harness';
import { SCREENSHOTS, launchBrowser } from '../support/browser';

/** Supervisors' administration pages in headless Chromium: the examiner bulk import and the checklist template's versions. */

let h: Harness;
let browser: Browser;

beforeAll(async () => {
  browser = await launchBrowser();
  h = await startHarness({}, { development: true });
});
afterAll(async () => {
  await browser?.close();
  await h?.close();
});

// bypassCSP: axe is injected as a script, which the console's CSP would refuse.
const newPage = async () =>
  (await browser.newContext({ locale: 'zh-CN', timezoneId: 'Asia/Shanghai', viewport: { width: 1280, height: 900 }, bypassCSP: true })).newPage();

async function signedIn(userId: string): Promise<Page> {
  const page = await newPage();
  await page.goto(`${h.baseUrl}/console/#/signin`);
  await page.click(`button[data-user="${userId}"]`);
  await page.locator('h1', { hasText: '我的待办' }).waitFor();
  return page;
}

const shot = (page: Page, name: string) => page.screenshot({ path: path.join(SCREENSHOTS, `admin-${name}.png`), fullPage: true });

describe('supervisors’ administration pages', () => {
  it('imports a CSV file: one examiner imported, the bad row rejected with its reason, the rejection report downloaded', async () => {
    const prefix = `ADMUI${Date.now().toString(36).toUpperCase()}`;
    const good = examinerRow(1, prefix, { region_code: '440600' });
    const bad = examinerRow(2, prefix, { region_code: '440600', email: 'not-an-email' });
    const page = await signedIn('sup-fs');
    await page.getByRole('navigation').getByRole('link', { name: '导入考评员' }).click();
    await page.locator('h1', { hasText: '批量导入考评员' }).waitFor();
    await expectAccessible(page, '#/examiners/import');

    // Nothing chosen or pasted: the page says so and sends nothing.
    await page.getByRole('button', { name: '导入', exact: true }).click();
    await page.locator('.form-error', { hasText: '请选择 CSV 文件或粘贴 CSV 内容。' }).waitFor();

    await page.getByLabel('CSV 文件').setInputFiles({ name: 'examiners.csv', mimeType: 'text/csv', buffer: Buffer.from(toCsv([good, bad])) });
    await page.getByRole('button', { name: '导入', exact: true }).click();
    await expect(page.locator('.import-summary').textContent()).resolves.toBe('已导入 1 条，拒绝 1 条。');
    await expect(page.locator('.import-reasons tr[data-reason="invalid email"]').textContent()).resolves.toBe('email 列填写不正确1');
    // The bad row is the file's third line (after the header and the good row).
    await expect(page.locator('.import-rejected tr[data-line="3"] td').textContent()).resolves.toBe('email 列填写不正确');
    await expectAccessible(page, '#/examiners/import (answer)');
    await shot(page, 'examiner-import');

    // The good row is in the register; the bad one is not.
    expect((await h.api('GET', `/v1/examiners/${good.examiner_id}`, { as: 'sup-fs' })).status).toBe(200);
    expect((await h.api('GET', `/v1/examiners/${bad.examiner_id}`, { as: 'sup-fs' })).status).toBe(404);

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: '下载拒绝清单（CSV）' }).click()]);
    expect(download.suggestedFilename()).toMatch(/^examiner-import-[0-9A-Z]{26}-rejections\.csv$/);
    const saved = path.join(tmpdir(), `admin-rejections-${process.pid}.csv`);
    await download.saveAs(saved);
    const lines = (await readFile(saved, 'utf8'))
      .replace(/^\uFEFF/, '')
      .trim()
      .split(/\r?\n/);
    await rm(saved);
    expect(lines[0]).toMatch(/^line,reasons,errors,examiner_id,/);
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatch(/^3,invalid email,/);
    expect(lines[1]).toContain(bad.examiner_id);
    await page.locator('.download-status', { hasText: '文件已下载。' }).waitFor();
    await page.context().close();
  });

  it('shows the routine checklist that applies in Guangzhou and publishes a Guangzhou version with one item reworded', async () => {
    const page = await signedIn('sup-gz');
    await page.getByRole('navigation').getByRole('link', { name: '检查表模板' }).click();
    const version = page.locator('.template-version');
    await version.waitFor();
    // The caller's own city is shown first; until it publishes one, the national version applies there.
    await expect(page.getByLabel('辖区代码').inputValue()).resolves.toBe('440100');
    const before = Number(await version.getAttribute('data-version'));
    await expect(version.textContent()).resolves.toBe(`广州市适用第 ${before} 版（全国发布）。`);
    await expect(page.locator('tr[data-item="org.rules"] td').allTextContents()).resolves.toEqual([
      '组织管理',
      '鉴定管理制度已成文、经审批并得到执行',
      '10',
      '10',
      '否',
    ]);
    await expectAccessible(page, '#/checklist-templates');

    const items = page.getByLabel('检查项目（JSON）');
    const edited = (await items.inputValue()).replace('鉴定管理制度已成文、经审批并得到执行', '广州：鉴定管理制度已成文并公开');
    await items.fill(edited);
    let question = '';
    page.once('dialog', (dialog) => ((question = dialog.message()), void dialog.accept()));
    await page.getByRole('button', { name: '发布新版本' }).click();
    await page.locator('.notice.success', { hasText: /^已发布第 \d+ 版。$/ }).waitFor();
    expect(question).toContain('为广州市发布检查表新版本');
    const after = Number(await version.getAttribute('data-version'));
    expect(after).toBeGreaterThan(before);
    await expect(version.textContent()).resolves.toBe(`广州市适用第 ${after} 版（广州市发布）。`);
    await expect(page.locator('tr[data-item="org.rules"] td').nth(1).textContent()).resolves.toBe('广州：鉴定管理制度已成文并公开');
    await shot(page, 'checklist-template');

    const published = (await h.api('GET', '/v1/checklist-templates/station-routine?jurisdiction=440100', { as: 'sup-gz' })).body;
    expect(published).toMatchObject({ version: after, jurisdiction: '440100' });
    expect(published.items.find((i: { id: string }) => i.id === 'org.rules').text).toBe('广州：鉴定管理制度已成文并公开');
    // The national version is as it was.
    const national = (await h.api('GET', '/v1/checklist-templates/station-routine', { as: 'sup-gz' })).body;
    expect(national.items.find((i: { id: string }) => i.id === 'org.rules').text).toBe('鉴定管理制度已成文、经审批并得到执行');

    // A refusal shows where it belongs: an item whose text is too short, named by its place in the list.
    await items.fill(edited.replace('广州：鉴定管理制度已成文并公开', '短'));
    page.once('dialog', (dialog) => void dialog.accept());
    await page.getByRole('button', { name: '发布新版本' }).click();
    await page.locator('#template-publish-items-error', { hasText: '第 1 项：' }).waitFor();
    await expect(page.locator('.template-version').getAttribute('data-version')).resolves.toBe(String(after));
    await page.context().close();
  });
});
