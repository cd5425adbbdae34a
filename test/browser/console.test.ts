import path from 'node:path';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { type Browser, type BrowserContextOptions, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import example from '../../db/seeds/station-application.example.json';
import { createApp } from '../../api/app';
import { eventually, startHarness, type Harness } from '../support/harness';
import { checklistScores, licenseStation } from '../support/fixtures';
import { SCREENSHOTS, launchBrowser } from '../support/browser';

/**
 * The operator console in headless Chromium (Debian's, installed by scripts/ensure-chromium.sh) against a
 * real API and worker: the journeys the console exists for, and screenshots of its main pages.
 */

let h: Harness;
let browser: Browser;
let stationId: number;

beforeAll(async () => {
  browser = await launchBrowser();
  h = await startHarness({}, { development: true });
  stationId = await licenseStation(h);
});
afterAll(async () => {
  await browser?.close();
  await h?.close();
});

/** A fresh browser signed in as a demo user through the sign-in page's development list. */
async function signedIn(userId: string, options: BrowserContextOptions = {}): Promise<Page> {
  const context = await browser.newContext({ locale: 'zh-CN', timezoneId: 'Asia/Shanghai', viewport: { width: 1280, height: 900 }, ...options });
  const page = await context.newPage();
  await page.goto(`${h.baseUrl}/console/#/signin`);
  await page.click(`button[data-user="${userId}"]`);
  await page.locator('h1', { hasText: '我的待办' }).waitFor();
  return page;
}

const shot = (page: Page, name: string) => page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });
const caseUrl = (process: string, id: string | number) => `${h.baseUrl}/console/#/cases/${process}/${id}`;

describe('operator console', () => {
  let applicationId: string;

  it('lets a supervisor assign the reviewer from the inbox, showing the API’s refusal next to the field', async () => {
    const created = await h.api('POST', '/v1/station-applications', { as: 'admin-2', body: { ...example, stationName: '珠江技能鉴定站' } });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    applicationId = created.body.id;
    // A second process in the same inbox: an ad-hoc inspection awaiting its team.
    const inspection = await h.api('POST', '/v1/inspections', { as: 'sup-2', body: { stationId, reason: '群众反映' } });
    expect(inspection.status, JSON.stringify(inspection.body)).toBe(201);
    await eventually(async () => (await h.api('GET', `/v1/station-applications/${applicationId}`, { as: 'sup-1' })).body.record.status === 'awaiting_reviewer');

    const page = await signedIn('sup-1');
    const row = page.locator(`tr[data-case="station-application/${applicationId}"]`);
    await expect(row.textContent()).resolves.toContain('指派审查人');
    await page.locator(`tr[data-case="inspection/${inspection.body.id}"]`).waitFor();
    await shot(page, 'inbox');
    await row.locator('a').click();

    const form = page.locator('#action-assignReviewer');
    await form.locator('button[type=submit]').click();
    await page.locator('#action-assignReviewer-reviewerId-error:not(:empty)').waitFor();
    await expect(page.locator('#action-assignReviewer-reviewerId').getAttribute('aria-invalid')).resolves.toBe('true');

    await page.check('#action-assignReviewer-reviewerId-rev-2');
    await form.locator('button[type=submit]').click();
    await page.locator('[data-status="in_review"]').waitFor();
    await page.locator('[data-pending="review"]').waitFor();
    await page.locator('.timeline tbody tr').first().waitFor();
    await shot(page, 'case-station-application');
    await page.context().close();
  });

  it('does not offer an action to a role or person it is not for', async () => {
    // rev-1 reviews too and may read the case, but the review waits on rev-2 in person.
    const other = await signedIn('rev-1');
    await other.goto(caseUrl('station-application', applicationId));
    await other.locator('[data-status="in_review"]').waitFor();
    expect(await other.locator('#action-review').count()).toBe(0);
    await expect(other.locator('.actions').textContent()).resolves.toContain('当前没有您可执行的操作');
    await other.context().close();

    const reviewer = await signedIn('rev-2');
    await reviewer.locator(`tr[data-case="station-application/${applicationId}"] a`).click();
    await reviewer.locator('#action-review').waitFor();
    await reviewer.context().close();

    // A station administrator gets no supervisor pages and no action on an inspection of their station.
    const admin = await signedIn('admin-1');
    expect(await admin.locator('a[href="#/campaigns"]').count()).toBe(0);
    await admin.goto(caseUrl('station', stationId));
    await admin.locator('[data-status="active"]').waitFor();
    await admin.locator('#action-registerSession').waitFor();
    expect(await admin.locator('.action-form').count()).toBe(1);
    await admin.context().close();
  });

  it('lets an inspector submit their scores against the checklist', async () => {
    const started = await h.api('POST', '/v1/inspections', { as: 'sup-1', body: { stationId, reason: 'console journey' } });
    expect(started.status, JSON.stringify(started.body)).toBe(201);
    const id = started.body.id as string;
    for (const [path, as, body] of [
      ['team', 'sup-1', { inspectorIds: ['insp-1', 'insp-2'], leadId: 'insp-1' }],
      ['acknowledge', 'insp-1', {}],
      ['acknowledge', 'insp-2', {}],
    ] as const) {
      const res = await h.api('POST', `/v1/inspections/${id}/${path}`, { as, body });
      expect(res.status, `${path}: ${JSON.stringify(res.body)}`).toBe(200);
    }
    await eventually(async () => (await h.api('GET', `/v1/inspections/${id}`, { as: 'insp-1' })).body.record.status === 'fieldwork');

    const page = await signedIn('insp-1');
    await page.locator(`tr[data-case="inspection/${id}"] a`).click();
    const form = page.locator('#action-submitScores');
    for (const [item, score] of Object.entries(checklistScores())) await form.locator(`input[data-score="${item}"]`).fill(String(score));
    await form.locator('textarea[name=notes]').fill('抽查档案 20 份');
    await shot(page, 'case-inspection-scores');
    await form.locator('button[type=submit]').click();
    // Scored: the step now waits on insp-2 only, so insp-1 has nothing left to do here.
    await page.locator('.actions .notice').waitFor();
    expect(await page.locator('#action-submitScores').count()).toBe(0);
    const live = (await h.api('GET', `/v1/inspections/${id}`, { as: 'sup-1' })).body.live;
    expect(live.pending.userIds).toEqual(['insp-2']);
    await page.context().close();
  });

  it('lets a member of the public file a complaint on a phone and track it with the secret', async () => {
    const context = await browser.newContext({
      locale: 'zh-CN',
      timezoneId: 'Asia/Shanghai',
      viewport: { width: 390, height: 844 },
      isMobile: true,
      hasTouch: true,
    });
    const page = await context.newPage();
    await page.goto(`${h.baseUrl}/console/#/public/complaint`);
    await page.selectOption('#file-complaint-category', 'examiner_misconduct');
    await page.fill('#file-complaint-happenedOn', '2026-01-15');
    await page.fill('#file-complaint-description', '太短');
    await page.click('#file-complaint button[type=submit]');
    await page.locator('#file-complaint-description-error:not(:empty)').waitFor();

    await page.fill('#file-complaint-description', '考评员在鉴定现场向考生暗示答案，并收取费用。');
    await page.fill('#file-complaint-stationId', String(stationId));
    await page.click('#file-complaint button[type=submit]');
    const trackingNumber = (await page.locator('[data-tracking-number]').textContent())!;
    const secret = (await page.locator('[data-secret]').textContent())!;
    expect(trackingNumber).not.toBe('');
    await shot(page, 'public-complaint-filed');

    await page.click(`a[href^="#/public/track/"]`);
    await expect(page.inputValue('#track-number')).resolves.toBe(trackingNumber);
    await page.fill('#track-secret', 'wrong-secret');
    await page.click('form button[type=submit]');
    await page.locator('.notice.error').waitFor();
    await page.fill('#track-secret', secret);
    await page.click('form button[type=submit]');
    await page.locator('dd[data-status]').waitFor();
    await expect(page.locator('dd[data-status]').getAttribute('data-status')).resolves.toMatch(/received|triaged/);
    await shot(page, 'public-track');
    await context.close();
  });

  it('shows the supervisor pages and switches to English', async () => {
    const page = await signedIn('sup-1');
    await page.click('a[href="#/stations"]');
    await page.locator(`a[href="#/cases/station/${stationId}"]`).waitFor();
    await shot(page, 'stations');
    await page.click('a[href="#/statistics"]');
    await page.locator('table.stat-figures').waitFor();
    // The complaints' charts (this run holds no sessions to chart).
    await page.click('nav.stat-subjects a:has-text("投诉")');
    await page.locator('.chart svg').first().waitFor();
    await shot(page, 'statistics');
    await page.click('a[href="#/campaigns"]');
    await page.fill('#launch-campaign-name', '2026 春季专项检查');
    await page.click('#launch-campaign button[type=submit]');
    await page.locator('[data-campaign-status="completed"]').waitFor({ timeout: 20_000 });
    await shot(page, 'campaign');

    await page.click('button:has-text("English")');
    await page.click('a[href="#/inbox"]');
    await page.locator('h1', { hasText: 'My inbox' }).waitFor();
    await expect(page.locator('html').getAttribute('lang')).resolves.toBe('en');
    await shot(page, 'inbox-en');
    await page.goto(`${h.baseUrl}/console/#/public/demonstration-stations`);
    await page.locator('h1', { hasText: 'Demonstration stations' }).waitFor();
    await page.context().close();
  });

  it('serves only the built files, and the demo tokens and source maps only in development', async () => {
    for (const probe of [
      '/console/../package.json',
      '/console/%2e%2e/package.json',
      '/console/..%2fpackage.json',
      '/console/src/main.ts',
      '/console/tsconfig.json',
    ]) {
      expect((await fetch(h.baseUrl + probe)).status, probe).toBe(404);
    }
    const page = await fetch(`${h.baseUrl}/console/`);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect((await fetch(`${h.baseUrl}/console/dev-tokens`)).status).toBe(200);
    expect((await fetch(`${h.baseUrl}/console/app.js.map`)).status).toBe(200);

    const production = createApp(
      { db: h.db, temporal: h.temporal, config: { ...h.config, development: false, production: true } },
      pino({ level: 'silent' }),
    ).listen(0, '127.0.0.1');
    await new Promise((resolve) => production.once('listening', resolve));
    const base = `http://127.0.0.1:${(production.address() as AddressInfo).port}`;
    try {
      expect((await fetch(`${base}/console/dev-tokens`)).status).toBe(404);
      expect((await fetch(`${base}/console/app.js.map`)).status).toBe(404);
      expect((await fetch(`${base}/console/app.js`)).status).toBe(200);
    } finally {
      await new Promise((resolve) => production.close(resolve));
    }
  });
});
