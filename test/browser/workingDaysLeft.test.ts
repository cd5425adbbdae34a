import path from 'node:path';
import { type Browser, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import example from '../../db/seeds/station-application.example.json';
import { expectAccessible } from '../support/axe';
import { SCREENSHOTS, consolePage, launchBrowser, signIn } from '../support/browser';
import { eventually, startHarness, type Harness } from '../support/harness';

/**
 * Due dates with the working days left in the lists (issue 20): a province supervisor's inbox and the applications
 * register show an application's due date (China time) and the working days left, counted in the province's calendar:
 * the national one with the day off the province published inside the wait.
 */
let h: Harness;
let browser: Browser;
const pageErrors: string[] = [];
const DAY_MS = 86_400_000;

// The supervisor has fourteen calendar days to assign a reviewer: a wait with weekends and the province's day off in it.
const WAIT_DAYS = 14;

const chinaDay = (ms: number) => new Date(ms + 8 * 3_600_000).toISOString().slice(0, 10);
const nextDay = (day: string) => new Date(Date.parse(`${day}T00:00:00Z`) + DAY_MS).toISOString().slice(0, 10);
const isWeekday = (day: string) => ![0, 6].includes(new Date(`${day}T00:00:00Z`).getUTCDay());

interface InForce {
  holidays: string[];
  workdays: string[];
}

/** What the calendar page shows in force in Guangdong for the years from `from` to `to`. */
async function guangdongCalendar(from: string, to: string): Promise<{ holidays: Set<string>; workdays: Set<string> }> {
  const years = [...new Set([from.slice(0, 4), to.slice(0, 4)])];
  const inForce = await Promise.all(
    years.map(async (year) => {
      const res = await h.api('GET', `/v1/calendars/${year}?province=440000`, { as: 'sup-gd' });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      return res.body.inForce as InForce;
    }),
  );
  return { holidays: new Set(inForce.flatMap((c) => c.holidays)), workdays: new Set(inForce.flatMap((c) => c.workdays)) };
}

/** Working days after `from` up to and including `to`, as a user counts them on the calendar. */
function countWorkingDays(calendar: { holidays: Set<string>; workdays: Set<string> }, from: string, to: string): number {
  let n = 0;
  for (let day = nextDay(from); day <= to; day = nextDay(day)) if (calendar.workdays.has(day) || (isWeekday(day) && !calendar.holidays.has(day))) n++;
  return n;
}

let applicationId = '';
let dueAt = '';
let expectedLeft = 0;

beforeAll(async () => {
  browser = await launchBrowser();
  h = await startHarness({ stationApproval: { deadlines: { assignReviewer: `P${WAIT_DAYS}D` } } }, { development: true });

  // Guangdong gives a day off inside the wait: the first national working day after tomorrow. Before that publication
  // Guangdong's calendar is the national one.
  const today = chinaDay(Date.now());
  const national = await guangdongCalendar(today, chinaDay(Date.now() + WAIT_DAYS * DAY_MS));
  let dayOff = nextDay(nextDay(today));
  while (!isWeekday(dayOff) || national.holidays.has(dayOff) || national.workdays.has(dayOff)) dayOff = nextDay(dayOff);
  const year = dayOff.slice(0, 4);
  const current = await h.api('GET', `/v1/calendars/${year}?province=440000`, { as: 'sup-gd' });
  const published = await h.api('POST', `/v1/calendars/${year}`, {
    as: 'sup-gd',
    body: { scope: '440000', holidays: [...(current.body.province.current?.holidays ?? []), dayOff], reason: '广东省地方假日（测试）' },
  });
  expect(published.status, JSON.stringify(published.body)).toBe(201);

  const filed = await h.api('POST', '/v1/station-applications', { as: 'admin-1', body: example });
  expect(filed.status, JSON.stringify(filed.body)).toBe(201);
  applicationId = filed.body.id;
  dueAt = await eventually(async () => {
    const record = (await h.api('GET', `/v1/station-applications/${applicationId}`, { as: 'sup-gd' })).body.record;
    return record?.pending?.action === 'assignReviewer' ? (record.pending.dueAt as string) : undefined;
  });
  const dueDay = chinaDay(Date.parse(dueAt));
  const guangdong = await guangdongCalendar(today, dueDay);
  expectedLeft = countWorkingDays(guangdong, chinaDay(Date.now()), dueDay);
  // The province's day off counts: the national calendar alone would give one day more.
  expect(countWorkingDays(national, today, dueDay)).toBe(expectedLeft + 1);
});
afterEach(() => {
  expect(pageErrors.splice(0)).toEqual([]);
});
afterAll(async () => {
  await browser?.close();
  await h?.close();
});

/** The due date as a reader in China reads it (the console's Chinese date). */
const dueDateText = () => new Intl.DateTimeFormat('zh-CN', { dateStyle: 'medium', timeZone: 'Asia/Shanghai' }).format(new Date(dueAt));

async function expectDue(page: Page, row: string): Promise<void> {
  const due = page.locator(`${row} [data-due="${dueAt}"]`);
  await due.waitFor();
  await expect.poll(() => due.locator('[data-working-days-left]').innerText(), { timeout: 10_000 }).toBe(`剩余 ${expectedLeft} 个工作日`);
  await expect(due.locator('time').innerText()).resolves.toBe(dueDateText());
}

describe('working days left in the lists', () => {
  it('a province supervisor’s inbox shows the application’s due date and the working days left in the province', async () => {
    const { page } = await consolePage(browser, 'sup-gd', pageErrors);
    await signIn(page, h.baseUrl, 'sup-gd');
    await expectDue(page, `tr[data-case="station-application/${applicationId}"]`);
    await expectAccessible(page);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'working-days-inbox.png'), fullPage: true });
  });

  it('the applications register shows the same', async () => {
    const { page } = await consolePage(browser, 'sup-gd', pageErrors);
    await signIn(page, h.baseUrl, 'sup-gd');
    await page.goto(`${h.baseUrl}/console/#/registers/applications`);
    await expectDue(page, `tr[data-id="${applicationId}"]`);
    await expectAccessible(page);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'working-days-register.png'), fullPage: true });
  });
});
