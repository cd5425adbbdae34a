import path from 'node:path';
import { type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import routineChecklist from '../../db/seeds/checklist.station-routine.v1.json';
import example from '../../db/seeds/station-application.example.json';
import { expectAccessible } from '../support/axe';
import { checklistScores, licenseStation } from '../support/fixtures';
import { eventually, startHarness, type Harness } from '../support/harness';
import { SCREENSHOTS, launchBrowser } from '../support/browser';

/**
 * Every page of the console as each demo role reaches it from the navigation (and one page of each kind those
 * pages link to: a case per process, a register, a person), in zh-CN: axe-core finds no serious or critical
 * violation, and no API code, message key or division code shows through untranslated.
 */

const ROLES = [
  ['sup-1', 'supervisor'],
  ['rev-2', 'reviewer'],
  ['insp-1', 'inspector'],
  ['exam-1', 'examiner'],
  ['handler-1', 'complaint handler'],
  ['admin-1', 'station administrator'],
  ['qs-1', 'quality supervisor'],
] as const;

/** An API code as the API spells it: a snake_case word (`in_review`, `review_return`) is never prose. */
const SNAKE_CODE = /\b[a-z]+_[a-z_]+\b/;
/** A one-word status shown as itself: the word among Chinese, not within English words (which are data: a reason, a name). */
const STATUS_WORD =
  /\b(approved|rejected|passed|rectified|submitted|active|lapsed|suspended|revoked|withdrawn|returned|closed|merged|triaged|received|answered|investigating|appealed|running|completed|unknown)\b/;
const ENGLISH_WORD = /\b[A-Za-z]{2,}\b/g;
/** A province or city code (GB/T 2260) shown instead of the place's name (not beside it, as a hint's example is). */
const REGION_CODE = /(?<![\w-])[1-8]\d{3}00(?![\w-]|\s*[（(])/;
/** An industry authority's code (IND:machinery) shown instead of its name. */
const INDUSTRY_CODE = /\bIND:/;
/** A message key (`status.in_review`, `field.reasons`) shown instead of its text. */
const MESSAGE_KEY = /\b[a-z]+\.[a-z][A-Za-z_.]+\b/;
/** Ids that look like keys but are data: the checklist's item ids, shown beside their text. */
const IDS = new Set(routineChecklist.map((item) => item.id));
/** Addresses, mails and file names are data too. */
const NOT_WORDS = [/\b[a-z][a-z0-9+.-]*:\/\/\S+/g, /\S+@\S+/g, /\S*\/\S*/g, /\b[\w-]+\.(pdf|xlsx?|csv|docx?|png|jpe?g)\b/g];

let h: Harness;
let browser: Browser;
/** The licensed station (its application went through the machinery authority's concurrence) and a closed inspection of it. */
let stationId: number;
let closedInspectionId: string;

beforeAll(async () => {
  browser = await launchBrowser();
  // Machinery occupations need the industry authority's concurrence: an application's timeline names it.
  h = await startHarness({ stationApproval: { concurrenceOccupations: ['6-18'] } }, { development: true });
  await seedCases(h);
}, 300_000);
afterAll(async () => {
  await browser?.close();
  await h?.close();
});

/** A case of each process waiting on someone: a page with its form for each role that has a step. */
async function seedCases(h: Harness): Promise<void> {
  const ok = async (method: string, url: string, as: string | null, body?: unknown) => {
    const res = await h.api(method, url, { as, body });
    expect(res.status, `${url}: ${JSON.stringify(res.body)}`).toBeLessThan(300);
    return res.body;
  };
  stationId = await licenseStation(h);
  // An application in review (rev-2's step), and a public complaint on the station (the handler's).
  const application = await ok('POST', '/v1/station-applications', 'admin-2', { ...example, stationName: '珠江技能鉴定站' });
  await eventually(async () => (await h.api('GET', `/v1/station-applications/${application.id}`, { as: 'sup-1' })).body.record.status === 'awaiting_reviewer');
  await ok('POST', `/v1/station-applications/${application.id}/reviewer`, 'sup-1', { reviewerId: 'rev-2' });
  await ok('POST', '/v1/public/complaints', null, {
    category: 'examiner_misconduct',
    happenedOn: '2026-01-15',
    description: '考评员在鉴定现场向考生暗示答案。',
    stationId,
  });
  // An inspection in fieldwork: the inspector's page has the checklist's scores form.
  const inspection = await ok('POST', '/v1/inspections', 'sup-1', { stationId, reason: '无障碍检查' });
  await ok('POST', `/v1/inspections/${inspection.id}/team`, 'sup-1', { inspectorIds: ['insp-1', 'insp-2'], leadId: 'insp-1' });
  for (const who of ['insp-1', 'insp-2']) await ok('POST', `/v1/inspections/${inspection.id}/acknowledge`, who, {});
  await eventually(async () => (await h.api('GET', `/v1/inspections/${inspection.id}`, { as: 'insp-1' })).body.record.status === 'fieldwork');
  expect(Object.keys(checklistScores())).toEqual([...IDS]);
  // A closed inspection that failed a critical item, was ordered to rectify it and was verified.
  const failing = await ok('POST', '/v1/inspections', 'sup-1', { stationId, kind: 'ad_hoc', reason: '关键项复查' });
  closedInspectionId = failing.id;
  const act = (path: string, as: string, body: unknown = {}) => ok('POST', `/v1/inspections/${failing.id}/${path}`, as, body);
  await act('team', 'sup-1', { inspectorIds: ['insp-1', 'insp-2'], leadId: 'insp-1' });
  for (const who of ['insp-1', 'insp-2']) await act('acknowledge', who);
  for (const who of ['insp-1', 'insp-2']) await act('scores', who, { scores: checklistScores({ 'process.scope': 2 }) });
  await act('report', 'insp-1', { summary: '鉴定活动超出许可范围。' });
  await act('review', 'sup-1', { outcome: 'rectify', reasons: ['鉴定活动超范围'] });
  await act('rectification', 'admin-1', { report: '已重新培训并核对鉴定计划。' });
  expect(await act('verification', 'insp-1', { scores: { 'process.scope': 9 } })).toMatchObject({ status: 'closed', outcome: 'rectified' });
}

/** The texts a person sees (or hears: labels and titles), with what counts as data taken out. */
async function shownTexts(page: Page): Promise<string[]> {
  const texts: string[] = await page.locator('body').evaluate((body) => {
    const document = body.ownerDocument;
    const out: string[] = [document.title];
    const walker = document.createTreeWalker(body, document.defaultView.NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const parent = node.parentElement;
      // An option is seen through its select; `translate="no"` marks what is not words (an id, a code).
      const box = parent?.closest('select') ?? parent;
      if (!parent || !box || parent.closest('script, style, [translate="no"]') || !box.checkVisibility({ visibilityProperty: true })) continue;
      if (node.textContent!.trim()) out.push(node.textContent!.trim());
    }
    for (const element of document.querySelectorAll('[aria-label], [title], [placeholder], [alt]')) {
      for (const name of ['aria-label', 'title', 'placeholder', 'alt']) if (element.getAttribute(name)) out.push(element.getAttribute(name));
    }
    return out;
  });
  return texts.map((text) =>
    NOT_WORDS.reduce((rest, pattern) => rest.replace(pattern, ' '), text)
      .split(/\s+/)
      .filter((word) => !IDS.has(word))
      .join(' '),
  );
}

/** The texts that show a code or a key instead of Chinese. */
async function untranslated(page: Page): Promise<string[]> {
  const statusAlone = (text: string) => STATUS_WORD.test(text) && (text.match(ENGLISH_WORD) ?? []).length === 1;
  return (await shownTexts(page)).filter(
    (text) => SNAKE_CODE.test(text) || statusAlone(text) || MESSAGE_KEY.test(text) || REGION_CODE.test(text) || INDUSTRY_CODE.test(text),
  );
}

/** Goes to a page as a click in the navigation or on a link does, and waits until it has drawn what it loads. */
async function go(page: Page, hash: string, how: 'navigation' | 'link'): Promise<void> {
  // Already there (the inbox, after signing in): nothing to wait for but the loading.
  if (new URL(page.url()).hash !== hash) {
    // The page being left keeps its heading until the new one replaces it: mark it, to wait for the new one.
    await page.locator('main h1').evaluateAll((headings) => headings.forEach((h1) => h1.setAttribute('data-left', '')));
    if (how === 'navigation') await page.click(`header nav a[href="${hash}"]`);
    else await page.locator('main').evaluate((main, target) => (main.ownerDocument.defaultView.location.hash = target), hash);
    await page.locator('main h1:not([data-left])').first().waitFor();
  }
  await page.locator('main:has-text("加载中")').waitFor({ state: 'hidden' });
}

/** Sections whose second part is an id: one person's page, one campaign's. */
const ID_SECTIONS = new Set(['users', 'campaigns']);
/** The kind of page a route is (cases/inspection, registers/stations, users/:id…): one page of each kind is checked. */
const kindOf = (hash: string) => {
  const [section, sub = ''] = hash.replace(/^#\//, '').split('?')[0].split('/');
  return `${section}/${ID_SECTIONS.has(section) && sub ? ':id' : sub}`;
};
const pageName = (hash: string) =>
  kindOf(hash)
    .replace(/[^A-Za-z0-9-]+/g, '-')
    .replace(/-$/, '');

async function check(page: Page, hash: string, who: string, problems: string[]): Promise<void> {
  await page.screenshot({ path: path.join(SCREENSHOTS, `a11y-${who}-${pageName(hash)}.png`), fullPage: true });
  await expectAccessible(page, hash);
  for (const text of await untranslated(page)) problems.push(`${hash}: ${text}`);
}

describe('accessibility and Chinese throughout', () => {
  it('passes axe-core on the sign-in page and the public pages, before anyone signs in', async () => {
    const context = await browser.newContext({ locale: 'zh-CN', timezoneId: 'Asia/Shanghai', bypassCSP: true });
    const page = await context.newPage();
    const problems: string[] = [];
    await page.goto(`${h.baseUrl}/console/#/signin`);
    await page.locator('button[data-user]').first().waitFor();
    await check(page, '#/signin', 'anonymous', problems);
    for (const href of await page.locator('header nav a').evaluateAll((links) => links.map((a) => a.getAttribute('href')!))) {
      await go(page, href, 'navigation');
      await check(page, href, 'anonymous', problems);
    }
    expect(problems).toEqual([]);
    await context.close();
  });

  it('shows each refused field by its code, in Chinese and in English when switched, and stays accessible', async () => {
    const context = await browser.newContext({ locale: 'zh-CN', timezoneId: 'Asia/Shanghai', bypassCSP: true });
    const page = await context.newPage();
    const refuse = async () => {
      await page.locator('#file-complaint-description').fill('太短');
      await page.locator('#file-complaint-contact_email').fill('nobody');
      await page.locator('#file-complaint button[type=submit]').click();
      await page.locator('#file-complaint-description-error:not(:empty)').waitFor();
      return Object.fromEntries(
        await Promise.all(
          ['happenedOn', 'description', 'contact_name', 'contact_email'].map(async (f) => [f, await page.locator(`#file-complaint-${f}-error`).textContent()]),
        ),
      );
    };
    await page.goto(`${h.baseUrl}/console/#/public/complaint`);
    expect(await refuse()).toEqual({
      happenedOn: '“发生日期”应为有效的日期（年-月-日）。',
      description: '“经过”至少需要 10 个字。',
      contact_name: '请填写“姓名”。',
      contact_email: '“电子邮箱”不是有效的电子邮箱地址。',
    });
    await expect(page.locator('#file-complaint-description').getAttribute('aria-invalid')).resolves.toBe('true');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'a11y-refused-fields.png'), fullPage: true });
    await expectAccessible(page);
    expect(await untranslated(page)).toEqual([]);

    await page.getByRole('button', { name: 'English' }).click();
    await page.locator('h1', { hasText: 'Complaints and questions' }).waitFor();
    expect(await refuse()).toEqual({
      happenedOn: '"Date it happened" must be a valid date (year-month-day).',
      description: '"What happened" needs at least 10 characters.',
      contact_name: 'Fill in "Name".',
      contact_email: '"Email" is not a valid email address.',
    });
    await context.close();
  });

  it('would fail on a serious violation: a field without a label', async () => {
    const context = await browser.newContext({ locale: 'zh-CN', bypassCSP: true });
    const page = await context.newPage();
    await page.goto(`${h.baseUrl}/console/#/public/track`);
    await page.locator('#track-number').waitFor();
    await expectAccessible(page);
    await page.locator('label[for="track-number"]').evaluate((label) => label.remove());
    await expect(expectAccessible(page)).rejects.toThrow(/label/);
    await context.close();
  });

  it('would see a code shown through: places have their names, and the English console names statuses in English words', async () => {
    const context = await browser.newContext({ locale: 'zh-CN', timezoneId: 'Asia/Shanghai', bypassCSP: true });
    const page = await context.newPage();
    await page.goto(`${h.baseUrl}/console/#/signin`);
    await page.click('button[data-user="sup-1"]');
    await page.locator('h1', { hasText: '我的待办' }).waitFor();
    await go(page, '#/stations', 'navigation');
    await page.locator('main td', { hasText: '广东省 / 佛山市' }).waitFor();
    expect(await untranslated(page)).toEqual([]);
    await page.getByRole('button', { name: 'English' }).click();
    await page.locator('main th', { hasText: 'Licence' }).waitFor();
    expect(await untranslated(page)).toContainEqual(expect.stringMatching(/^active$/));
    await context.close();
  });

  it('names checklist items and industry authorities, not their codes, on a closed inspection and a concurred application', async () => {
    const context = await browser.newContext({ locale: 'zh-CN', timezoneId: 'Asia/Shanghai', bypassCSP: true });
    const page = await context.newPage();
    await page.goto(`${h.baseUrl}/console/#/signin`);
    await page.click('button[data-user="sup-1"]');
    await page.locator('h1', { hasText: '我的待办' }).waitFor();

    await go(page, `#/cases/inspection/${closedInspectionId}`, 'link');
    await page.locator('[data-status="closed"]').waitFor();
    const scope = routineChecklist.find((item) => item.id === 'process.scope')!;
    const row = page.locator('tr[data-item="process.scope"]');
    await expect(row.locator('th').textContent()).resolves.toContain(scope.text);
    await expect(row.locator('td').first().textContent()).resolves.toBe(String(scope.maxScore));
    await expect(page.locator('[data-rectification-items] li').allTextContents()).resolves.toEqual([scope.text]);
    const ordered = await page.locator('tr[data-action="rectification_ordered"]').textContent();
    expect(ordered).toContain(`责令整改：${scope.text}`);
    const shown = await page.locator('main').innerText();
    expect([...IDS].filter((id) => shown.includes(id))).toEqual([]);
    expect(await untranslated(page)).toEqual([]);

    const applications = (await h.api('GET', '/v1/station-applications?limit=100', { as: 'sup-1' })).body.items as Array<{
      id: string;
      stationId: number | null;
    }>;
    const licensed = applications.find((a) => a.stationId === stationId)!;
    await go(page, `#/cases/station-application/${licensed.id}`, 'link');
    const concurred = await page.locator('tr[data-action="industry_concurred"]').textContent();
    expect(concurred).toContain('代表 机械行业 同意');
    // Occupations by name, their code beside it.
    await expect(page.locator('main table').first().locator('tbody th').allTextContents()).resolves.toEqual(['车工（6-18-01-01）', '焊工（6-18-02-04）']);
    expect(await page.locator('main').innerText()).not.toMatch(INDUSTRY_CODE);
    expect(await untranslated(page)).toEqual([]);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'a11y-closed-inspection-and-concurrence.png'), fullPage: true });
    await context.close();
  });

  for (const [userId, role] of ROLES) {
    it(`passes axe-core on every page a ${role} (${userId}) reaches, all in Chinese`, async () => {
      const context = await browser.newContext({ locale: 'zh-CN', timezoneId: 'Asia/Shanghai', viewport: { width: 1280, height: 900 }, bypassCSP: true });
      const page = await context.newPage();
      await page.goto(`${h.baseUrl}/console/#/signin`);
      await page.click(`button[data-user="${userId}"]`);
      await page.locator('h1', { hasText: '我的待办' }).waitFor();

      const problems: string[] = [];
      const visited = new Set<string>();
      const linked = new Map<string, string>();
      const visit = async (hash: string, how: 'navigation' | 'link') => {
        await go(page, hash, how);
        await check(page, hash, userId, problems);
        visited.add(kindOf(hash));
        for (const href of await page.locator('main a[href^="#/"]').evaluateAll((links) => links.map((a) => a.getAttribute('href')!))) {
          if (!linked.has(kindOf(href))) linked.set(kindOf(href), href);
        }
      };
      const navigation = await page.locator('header nav a').evaluateAll((links) => links.map((a) => a.getAttribute('href')!));
      expect(navigation).toContain('#/inbox');
      for (const href of navigation) await visit(href, 'navigation');
      // One page of each kind the navigation's pages link to (a case of each process, a person, a campaign).
      for (const [kind, href] of linked) {
        if (!visited.has(kind)) await visit(href, 'link');
      }
      expect(problems).toEqual([]);
      await context.close();
    });
  }
});
