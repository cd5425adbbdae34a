import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Workbook } from 'exceljs';
import { type Browser, type Download, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { expectAccessible } from '../support/axe';
import { SCREENSHOTS, consolePage, launchBrowser, signIn } from '../support/browser';
import { insertFixtureStations } from '../support/campaignStations';
import { startHarness, type Harness } from '../support/harness';
import { expectNoDrift } from '../support/statistics';

/**
 * Statistics (统计) in the console: Guangdong's supervisor picks a quarter, reads the province's figures per city, drills
 * into Guangzhou, follows a number to the sessions register filtered to the sessions behind it, and downloads the table
 * and the quarterly report; Guangzhou's supervisor sees Guangzhou only. The sessions are written straight into the
 * tables (their triggers keep the summaries), so the run stays short: how sessions get approved is not the subject.
 */

let h: Harness;
let browser: Browser;
let suspendedStation: number;
const pageErrors: string[] = [];

/** Approved sessions of 2026: two in Guangzhou and one in Foshan in the third quarter, one in Guangzhou in the fourth, one in Xiamen; the first with a quality supervisor. */
const SESSIONS: Array<{ city: string; date: string; level: number; candidates: number; passed: number; qualitySupervisor?: string }> = [
  { city: '440100', date: '2026-08-05', level: 3, candidates: 10, passed: 8, qualitySupervisor: 'qs-1' },
  { city: '440100', date: '2026-09-20', level: 4, candidates: 6, passed: 3 },
  { city: '440600', date: '2026-07-15', level: 3, candidates: 5, passed: 5 },
  { city: '440100', date: '2026-10-10', level: 3, candidates: 7, passed: 7 },
  { city: '350200', date: '2026-08-05', level: 3, candidates: 9, passed: 9 },
];

beforeAll(async () => {
  browser = await launchBrowser();
  h = await startHarness({}, { development: true });
  const station = (city: string) => ({
    count: 1,
    provinceCode: `${city.slice(0, 2)}0000`,
    cityCode: city,
    status: 'active' as const,
    occupations: ['6-18-01-01'],
  });
  const ids = await insertFixtureStations(h.db, [
    { group: 'match', ...station('440100') },
    { group: 'noOccupation', ...station('440600') },
    { group: 'otherProvince', ...station('350200') },
  ]);
  const stationOf: Record<string, number> = { '440100': ids.match[0], '440600': ids.noOccupation[0], '350200': ids.otherProvince[0] };
  // Foshan's station suspended: the station figures count it where it is.
  await h.db('stations').where({ id: stationOf['440600'] }).update({ status: 'suspended' });
  suspendedStation = stationOf['440600'];
  await h.db('appraisal_sessions').insert(
    SESSIONS.map((s, i) => ({
      id: `01STATISTICS${String(i).padStart(14, '0')}`,
      station_id: stationOf[s.city],
      occupation_code: '6-18-01-01',
      level: s.level,
      session_date: s.date,
      province_code: `${s.city.slice(0, 2)}0000`,
      city_code: s.city,
      address: '实训楼2号车间',
      expected_candidates: s.candidates,
      quality_supervisor_id: s.qualitySupervisor ?? null,
      registered_by: 'admin-1',
      registered_at: new Date(`${s.date}T00:00:00Z`),
      status: 'approved',
      candidates: s.candidates,
      passed: s.passed,
      signals: JSON.stringify([]),
    })),
  );
});
afterEach(() => {
  expect(pageErrors.splice(0)).toEqual([]);
});
afterAll(async () => {
  // The figures shown came from summaries equal to a recomputation from the sessions written.
  if (h) await expectNoDrift(h);
  await browser?.close();
  await h?.close();
});

async function signedIn(userId: string): Promise<Page> {
  const { page } = await consolePage(browser, userId, pageErrors, { acceptDownloads: true });
  await signIn(page, h.baseUrl, userId);
  return page;
}

const shot = (page: Page, name: string) => page.screenshot({ path: path.join(SCREENSHOTS, `statistics-${name}.png`), fullPage: true });

/** A table's body as its cells' text, row by row (the place or occupation first). */
const cells = (page: Page, part: 'tbody' | 'tfoot') =>
  page
    .locator(`table.stat-figures ${part} tr`)
    .evaluateAll((rows: Array<{ children: ArrayLike<{ textContent: string | null }> }>) =>
      rows.map((row) => Array.from(row.children, (cell) => cell.textContent)),
    );

/** A download, opened as a workbook. */
async function workbook(download: Download): Promise<Workbook> {
  const saved = path.join(tmpdir(), `statistics-${process.pid}-${download.suggestedFilename()}`);
  await download.saveAs(saved);
  const book = new Workbook();
  await book.xlsx.readFile(saved);
  await rm(saved);
  return book;
}

describe('statistics (统计)', () => {
  it(
    "a provincial supervisor reads a quarter's figures, drills into a city, opens the register behind a number and downloads them",
    { timeout: 120_000 },
    async () => {
      const page = await signedIn('sup-gd');
      await page.getByRole('navigation').getByRole('link', { name: '统计', exact: true }).click();
      await page.locator('h1', { hasText: '统计' }).waitFor();
      await page.locator('table.stat-figures').waitFor();

      // The third quarter of 2026, chosen on the page.
      await page.getByLabel('期间', { exact: true }).selectOption('quarter');
      // Only the quarter's own fields show.
      await expect(page.locator('.stat-chooser input:visible, .stat-chooser select:visible').evaluateAll((fields) => fields.map((f) => f.id))).resolves.toEqual(
        ['stat-kind', 'stat-quarter-year', 'stat-quarter', 'stat-place'],
      );
      await page.locator('#stat-quarter-year').fill('2026');
      await page.getByLabel('季度', { exact: true }).selectOption('3');
      await page.getByRole('button', { name: '查看' }).click();
      const caption = page.locator('table.stat-figures caption');
      await caption.filter({ hasText: '2026年第3季度' }).waitFor();
      await expect(caption.textContent()).resolves.toBe('鉴定场次统计：广东省，2026年第3季度，按地区');

      // Guangdong's cities, not Fujian's; held, candidates, passed, pass rate, supervised, with signals.
      await expect(cells(page, 'tbody')).resolves.toEqual([
        ['广州市', '2', '16', '11', '68.8%', '1', '0'],
        ['佛山市', '1', '5', '5', '100.0%', '0', '0'],
      ]);
      await expect(cells(page, 'tfoot')).resolves.toEqual([['合计', '3', '21', '16', '76.2%', '1', '0']]);
      // The bars say their values to a screen reader.
      await expect(page.locator('.chart svg[role=img]').first().getAttribute('aria-label')).resolves.toBe('举办场次（按地区）：广州市 2；佛山市 1');
      await shot(page, 'province');
      await expectAccessible(page, 'statistics of a province');

      // The table as an XLSX: the same figures, with Chinese headers.
      const [xlsx] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: '导出 Excel（XLSX）' }).click()]);
      const sheet = (await workbook(xlsx)).worksheets[0];
      const values = (n: number) => (sheet.getRow(n).values as unknown[]).slice(1);
      expect(values(2).slice(0, 5)).toEqual(['地区代码', '地区', '举办场次', '参加人数', '合格人数']);
      expect(values(3).slice(0, 5)).toEqual(['440100', '广州市', 2, 16, 11]);
      expect(values(5).slice(1, 5)).toEqual(['合计', 3, 21, 16]);

      // The province's quarterly report: one sheet per subject.
      const [report] = await Promise.all([page.waitForEvent('download'), page.locator('[data-export=quarterly]').click()]);
      await expect(page.locator('[data-export=quarterly]').textContent()).resolves.toBe('下载广东省2026年第3季度统计报表（XLSX）');
      expect((await workbook(report)).worksheets.map((s) => s.name)).toEqual([
        '鉴定场次',
        '职业资格证书',
        '空白证书',
        '鉴定站',
        '考评员资格',
        '监督检查',
        '质量投诉',
      ]);

      // Drill into Guangzhou: by occupation there (a city has no places below it), the breadcrumb leads back up.
      await page.locator('a[data-drill="440100"]').click();
      await caption.filter({ hasText: '广州市' }).waitFor();
      await expect(page.locator('nav.breadcrumb').textContent()).resolves.toBe('广东省广州市');
      await expect(cells(page, 'tbody')).resolves.toEqual([[expect.stringContaining('6-18-01-01'), '2', '16', '11', '68.8%', '1', '0']]);

      // The number of sessions held opens the sessions register filtered to the two behind it (not October's, not Foshan's).
      await page.locator('table.stat-figures tbody tr[data-key="6-18-01-01"] td[data-figure="held"] a').click();
      await page.locator('h1', { hasText: '鉴定场次台账' }).waitFor();
      await page.locator('.register-count', { hasText: '共 2 条' }).waitFor();
      await expect(page.inputValue('#register-cityCode')).resolves.toBe('440100');
      await expect(page.inputValue('#register-dateFrom')).resolves.toBe('2026-07-01');
      await expect(page.inputValue('#register-dateTo')).resolves.toBe('2026-09-30');
      await expect(page.locator('tbody tr[data-id] th').allTextContents()).resolves.toEqual(['2026-09-20', '2026-08-05']);

      // Back, by level, and up to the province.
      await page.goBack();
      await caption.filter({ hasText: '广州市' }).waitFor();
      await page.getByRole('link', { name: '按等级' }).click();
      await caption.filter({ hasText: '按等级' }).waitFor();
      await expect(cells(page, 'tbody')).resolves.toEqual([
        ['高级', '1', '10', '8', '80.0%', '1', '0'],
        ['中级', '1', '6', '3', '50.0%', '0', '0'],
      ]);
      await shot(page, 'city-by-level');
      await page.locator('nav.breadcrumb').getByRole('link', { name: '广东省' }).click();
      await caption.filter({ hasText: '广东省' }).waitFor();
      await expect(cells(page, 'tbody')).resolves.toHaveLength(2);
    },
  );

  it('a provincial supervisor reads the station figures and opens the stations behind a number', { timeout: 90_000 }, async () => {
    const page = await signedIn('sup-gd');
    await page.getByRole('navigation').getByRole('link', { name: '统计', exact: true }).click();
    await page.locator('table.stat-figures').waitFor();
    await page.locator('nav.stat-subjects').getByRole('link', { name: '鉴定站' }).click();
    const caption = page.locator('table.stat-figures caption');
    await caption.filter({ hasText: '鉴定站统计：广东省' }).waitFor();
    // Active, suspended and revoked stations of each city, as they stand now.
    const status = (city: string) =>
      ['active', 'suspended', 'revoked'].map((figure) =>
        page.locator(`table.stat-figures tbody tr[data-key="${city}"] td[data-figure="${figure}"]`).textContent(),
      );
    await expect(Promise.all(status('440100'))).resolves.toEqual(['1', '0', '0']);
    await expect(Promise.all(status('440600'))).resolves.toEqual(['0', '1', '0']);
    await expect(page.locator('.chart svg[role=img]').first().getAttribute('aria-label')).resolves.toBe('正常运行（按地区）：广州市 1；佛山市 0');
    await shot(page, 'stations');
    await expectAccessible(page, 'station statistics of a province');

    // Foshan's suspended station: the number opens the station register filtered to it.
    await page.locator('table.stat-figures tbody tr[data-key="440600"] td[data-figure="suspended"] a').click();
    await page.locator('h1', { hasText: '鉴定所/站台账' }).waitFor();
    await page.locator('.register-count', { hasText: '共 1 条' }).waitFor();
    await expect(page.inputValue('#register-status')).resolves.toBe('suspended');
    await expect(page.inputValue('#register-cityCode')).resolves.toBe('440600');
    await expect(page.locator('tbody tr[data-id]').getAttribute('data-id')).resolves.toBe(String(suspendedStation));
  });

  it('a city supervisor sees their city only', { timeout: 60_000 }, async () => {
    const page = await signedIn('sup-gz');
    await page.getByRole('navigation').getByRole('link', { name: '统计', exact: true }).click();
    await page.locator('table.stat-figures').waitFor();
    await page.locator('#stat-quarter-year').fill('2026');
    await page.getByLabel('季度', { exact: true }).selectOption('3');
    await page.getByRole('button', { name: '查看' }).click();
    const caption = page.locator('table.stat-figures caption');
    await expect(caption.filter({ hasText: '2026年第3季度' }).textContent()).resolves.toBe('鉴定场次统计：广州市，2026年第3季度，按职业');
    // Only their city to pick, no way up, and Guangzhou's figures alone.
    await expect(page.locator('#stat-place option').allTextContents()).resolves.toEqual(['广州市']);
    await expect(page.locator('nav.breadcrumb a').count()).resolves.toBe(0);
    await expect(cells(page, 'tfoot')).resolves.toEqual([['合计', '2', '16', '11', '68.8%', '1', '0']]);
    expect(await page.locator('main').textContent()).not.toContain('佛山');
    await expectAccessible(page, 'statistics of a city');

    // A sibling city by its address: not found.
    await page.goto(`${h.baseUrl}/console/#/statistics?subject=sessions&period=2026Q3&place=440600&by=occupation`);
    await page.locator('.stat-results [role=alert]').waitFor();
    expect(await page.locator('table.stat-figures').count()).toBe(0);
  });
});
