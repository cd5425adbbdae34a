import path from 'node:path';
import { type Browser, type BrowserContextOptions, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { quarterOf } from '../../domain/certificate';
import { expectAccessible } from '../support/axe';
import { SCREENSHOTS, consolePage, launchBrowser, signIn } from '../support/browser';
import { certificateNumber, fixtureCertificate, mistyped, registerCertificates } from '../support/certificates';
import { licenseStation } from '../support/fixtures';
import { startHarness, type Harness } from '../support/harness';

/**
 * Certificates in the console: a member of the public on a phone checks a certificate by number and name (the name
 * masked), a typo refused beside the number, a wrong name "not found"; an employer checks a file of them; a supervisor
 * revokes one on its page and the public check then shows 已撤销; the station prints one on a blank form and its
 * reconciliation balances. What is not the journey's subject (the certificates, the station's blank forms) is put
 * in the database directly, so the run stays short.
 */

let h: Harness;
let browser: Browser;
let stationId: number;
const valid = certificateNumber(1);
const toRevoke = certificateNumber(2);
const quarter = quarterOf(Date.now());
const SERIALS = ['GD00000001', 'GD00000002'];

beforeAll(async () => {
  browser = await launchBrowser();
  h = await startHarness({}, { development: true });
  stationId = await licenseStation(h);
  await registerCertificates(h, [fixtureCertificate(valid, '张三明', stationId), fixtureCertificate(toRevoke, '李四', stationId)]);
  // Two forms given to the station for this quarter, as a distribution leaves them.
  await h.db('blank_forms').insert(
    SERIALS.map((serial, i) => ({
      serial,
      series: 'GD8',
      seq: i + 1,
      province_code: '440000',
      receipt_id: 'receipt-1',
      batch: null,
      station_id: stationId,
      quarter,
      distribution_id: 'distribution-1',
      status: 'station',
      updated_at: new Date(),
    })),
  );
});
const pageErrors: string[] = [];
afterEach(() => {
  expect(pageErrors.splice(0)).toEqual([]);
});
afterAll(async () => {
  await browser?.close();
  await h?.close();
});

/** A fresh page (a desktop unless `options` makes it a phone). */
const newPage = async (who: string, options: BrowserContextOptions = {}) => (await consolePage(browser, who, pageErrors, options)).page;

/** Another page of the console without loading it again (a hash change). In-page code reaches the document through its element: the tests' types have no DOM. */
const go = (page: Page, hash: string) => page.locator('html').evaluate((html, to) => void (html.ownerDocument.location.hash = to), hash);

async function signedIn(userId: string, hash: string): Promise<Page> {
  const page = await newPage(userId);
  await signIn(page, h.baseUrl, userId);
  await go(page, hash);
  return page;
}

const shot = (page: Page, name: string) => page.screenshot({ path: path.join(SCREENSHOTS, `certificate-${name}.png`), fullPage: true });

/** Checks a number and name on the public page as typed (the page clears the last answer as it sends). */
async function check(page: Page, number: string, name: string): Promise<void> {
  await page.getByLabel('证书编号').first().fill(number);
  await page.getByLabel('持证人姓名').fill(name);
  await page.click('#verify button[type=submit]');
}

describe('certificates in the console', () => {
  it('the public checks on a phone, an employer checks a file, a supervisor revokes, the station prints on a blank form', { timeout: 120_000 }, async () => {
    const phone = await newPage('public', { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    await phone.goto(`${h.baseUrl}/console/#/public/certificate`);
    await phone.locator('h1', { hasText: '证书查询' }).waitFor();

    // Found: the name masked, the status 有效.
    await check(phone, valid, '张三明');
    const card = phone.locator(`.certificate-card[data-certificate="${valid}"]`);
    await expect(card.locator('[data-holder]').textContent()).resolves.toBe('张*明');
    await expect(card.locator('[data-verdict]').textContent()).resolves.toBe('证书有效');
    expect(await card.textContent()).toContain('中级');
    // The page fits the phone: nothing wider than the screen.
    await expect(phone.locator('html').evaluate((html) => html.scrollWidth)).resolves.toBeLessThanOrEqual(390);
    await shot(phone, 'public-valid');
    await expectAccessible(phone, 'public certificate check');

    // A typo in the number: refused beside the field by its check character, nothing looked up.
    const typo = mistyped(valid);
    await check(phone, typo, '张三明');
    await phone.locator('#verify-number-error', { hasText: '“证书编号”的校验码不符，请核对是否输错。' }).waitFor();
    await expect(phone.getAttribute('#verify-number', 'aria-invalid')).resolves.toBe('true');
    expect(await phone.locator('.certificate-card').count()).toBe(0);

    // Another name: not found, the same as a number that does not exist.
    await check(phone, valid, '张三');
    await expect(phone.locator('[data-result="not-found"]').textContent()).resolves.toBe('未查到与该编号和姓名相符的证书。请核对证书编号和持证人姓名。');
    await check(phone, certificateNumber(99), '张三明');
    await phone.locator('[data-result="not-found"]').waitFor();
    await shot(phone, 'public-not-found');

    // An employer's file: one found, one another name, one typo.
    await phone.click('a[href="#/public/certificate-check"]');
    await phone.locator('h1', { hasText: '证书批量核验' }).waitFor();
    await phone.setInputFiles('#batch-check-csv-file', {
      name: 'staff.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(`number,name\n${valid},张三明\n${toRevoke},王五\n${typo},张三明\n`),
    });
    await expect.poll(() => phone.inputValue('#batch-check-csv')).toContain(valid);
    await phone.click('#batch-check button[type=submit]');
    const summary = phone.locator('table.batch-summary');
    await expect(summary.locator('tr[data-outcome="result:not_found"] td').textContent()).resolves.toBe('1');
    await expect(summary.locator('tr[data-outcome="result:malformed"] td').textContent()).resolves.toBe('1');
    expect(await summary.textContent()).toMatch(/有效\s*1/);
    await expect(phone.locator(`table.batch-rows tr[data-number="${valid}"]`).textContent()).resolves.toContain('查到');
    await phone.locator('[data-download="results"]').waitFor();
    await shot(phone, 'public-batch');

    // A supervisor revokes the other certificate on its page.
    const supervisor = await signedIn('sup-1', `#/certificates/${toRevoke}`);
    const revoke = supervisor.locator('#certificate-revoke');
    await revoke.getByLabel('原因').fill('投诉查实：持证人未参加鉴定。');
    await revoke.locator('button[type=submit]').click();
    await supervisor.locator('section.state [data-status="revoked"]').waitFor();
    await expect(supervisor.locator('table.timeline tr[data-action="revoked"]').textContent()).resolves.toContain('投诉查实');
    await shot(supervisor, 'staff-revoked');

    // The public check now shows it revoked.
    await phone.goto(`${h.baseUrl}/console/#/public/certificate/${toRevoke}`);
    await expect(phone.inputValue('#verify-number')).resolves.toBe(toRevoke);
    await check(phone, toRevoke, '李四');
    await expect(phone.locator('[data-verdict]').textContent()).resolves.toMatch(/^该证书已撤销（.+），不再有效。$/);
    await expect(phone.locator('.certificate-card [data-status]').textContent()).resolves.toBe('已撤销');
    await shot(phone, 'public-revoked');

    // The station prints the valid one on a blank form; its quarter then balances: 2 received = 1 printed + 0 voided + 1 in stock.
    const admin = await signedIn('admin-1', `#/certificates/${valid}`);
    const print = admin.locator('#certificate-print');
    await print.getByLabel('空白证书编号').fill(SERIALS[0]);
    await print.locator('button[type=submit]').click();
    await admin.locator(`[data-serial="${SERIALS[0]}"]`).waitFor();
    await go(admin, `#/stations/${stationId}/blank-forms`);
    const reconciliation = admin.locator('section.reconciliation');
    await expect(reconciliation.getAttribute('data-balanced')).resolves.toBe('true');
    const count = (name: string) => reconciliation.locator(`[data-count="${name}"]`).textContent();
    await expect(Promise.all(['received', 'issued', 'voided', 'inStock'].map(count))).resolves.toEqual(['2', '1', '0', '1']);
    await shot(admin, 'station-blank-forms');
    for (const page of [phone, supervisor, admin]) await page.context().close();
  });
});
