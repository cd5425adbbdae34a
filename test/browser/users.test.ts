import path from 'node:path';
import { type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startHarness, type Harness } from '../support/harness';
import { SCREENSHOTS, launchBrowser } from '../support/browser';

/** The user register (用户管理) in headless Chromium: a national supervisor deactivates and reactivates a person. */

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

const newPage = async () => (await browser.newContext({ locale: 'zh-CN', timezoneId: 'Asia/Shanghai', viewport: { width: 1280, height: 900 } })).newPage();

/** Clicks a demo user on the sign-in page: 'in' when the console lets them in, 'refused' when it shows the invalid-token message. */
async function tryDemoSignIn(page: Page, userId: string): Promise<'in' | 'refused'> {
  // A full load each time: a same-hash navigation would keep the previous attempt's message on the page.
  await page.goto('about:blank');
  await page.goto(`${h.baseUrl}/console/#/signin`);
  await page.click(`button[data-user="${userId}"]`);
  const inbox = page.locator('h1', { hasText: '我的待办' });
  await inbox.or(page.locator('#token-error:not(:empty)')).waitFor();
  return (await inbox.count()) ? 'in' : 'refused';
}

async function signedIn(userId: string): Promise<Page> {
  const page = await newPage();
  expect(await tryDemoSignIn(page, userId)).toBe('in');
  return page;
}

const shot = (page: Page, name: string) => page.screenshot({ path: path.join(SCREENSHOTS, `users-${name}.png`), fullPage: true });

describe('user register (用户管理)', () => {
  it('lets a national supervisor deactivate a station administrator, who can then no longer sign in, and reactivate them', async () => {
    const page = await signedIn('sup-1');
    await page.getByRole('navigation').getByRole('link', { name: '用户管理' }).click();
    await page.locator('tr[data-user="sup-1"]').waitFor();
    await shot(page, 'register');

    // Filter to station administrators (the filter is in the address, so the list can be linked and gone back to).
    await page.getByLabel('角色', { exact: true }).selectOption('station_admin');
    await page.getByRole('button', { name: '筛选' }).click();
    await page.waitForURL(/#\/users\?role=station_admin$/);
    // The filtered list replaces the whole one: the national supervisor leaves it, the station administrator stays.
    await page.locator('tr[data-user="sup-1"]').waitFor({ state: 'detached' });
    const row = page.locator('tr[data-user="admin-2"]');
    await row.waitFor();
    for (const roles of await page.locator('tbody tr td:nth-child(4)').allTextContents()) expect(roles).toContain('鉴定所/站管理员');
    await expect(row.locator('td[data-active]').textContent()).resolves.toBe('在岗');
    await shot(page, 'register-station-admins');

    await row.getByRole('link', { name: '吴芳' }).click();
    await page.locator('h1', { hasText: '吴芳（admin-2）' }).waitFor();
    await expect(page.locator('dd[data-active]').textContent()).resolves.toBe('在岗');
    // The form starts from the person's current roles and jurisdictions, and from no choice about their status.
    await expect(page.getByRole('checkbox', { name: '鉴定所/站管理员' }).isChecked()).resolves.toBe(true);
    await expect(page.getByRole('checkbox', { name: '监管人员' }).isChecked()).resolves.toBe(false);
    await expect(page.getByLabel('启用或停用').inputValue()).resolves.toBe('');
    await expect(page.getByLabel('辖区（代码，逗号分隔）').inputValue()).resolves.toBe('');

    // A bad jurisdiction code: the API's refusal, in Chinese, next to the field it names; nothing changes.
    await page.getByLabel('辖区（代码，逗号分隔）').fill('GD');
    await page.getByLabel('理由（每行一条）').fill('试填');
    await page.getByRole('button', { name: '保存更改' }).click();
    const jurisdictionsError = page.locator('#user-access-jurisdictions-error');
    await jurisdictionsError.filter({ hasText: '“GD”不是辖区代码' }).waitFor();
    await expect(page.getByLabel('辖区（代码，逗号分隔）').getAttribute('aria-invalid')).resolves.toBe('true');
    await page.getByLabel('辖区（代码，逗号分隔）').fill('');

    // Deactivation asks first; declined, nothing is sent.
    await page.getByLabel('启用或停用').selectOption({ label: '停用' });
    await page.getByLabel('理由（每行一条）').fill('已离职，账号停用');
    page.once('dialog', (dialog) => void dialog.dismiss());
    await page.getByRole('button', { name: '保存更改' }).click();
    await expect(page.locator('dd[data-active]').textContent()).resolves.toBe('在岗');
    expect((await h.api('GET', '/v1/users/admin-2', { as: 'sup-1' })).body.active).toBe(true);

    let confirmation = '';
    page.once('dialog', (dialog) => ((confirmation = dialog.message()), void dialog.accept()));
    await page.getByRole('button', { name: '保存更改' }).click();
    await page.locator('dd[data-active="false"]').waitFor();
    expect(confirmation).toContain('吴芳（admin-2）');
    expect(confirmation).toContain('令牌将在数秒内失效');
    await expect(page.locator('dd[data-active]').textContent()).resolves.toBe('已停用');
    const entries = page.locator('.access-timeline li');
    await expect(entries.allTextContents()).resolves.toEqual([
      expect.stringContaining('王军（sup-1）更改了访问权限：状态 在岗 → 已停用。理由：已离职，账号停用'),
    ]);
    await shot(page, 'person-deactivated');

    // Within the identity cache's seconds the register refuses admin-2's token: the console signs nobody in.
    const other = await newPage();
    await eventually(async () => (await tryDemoSignIn(other, 'admin-2')) === 'refused', { timeoutMs: 15_000 });
    await expect(other.locator('#token-error').textContent()).resolves.toBe('这不是有效的令牌。');
    expect(await other.locator('.who').count()).toBe(0);
    await shot(other, 'signin-refused');

    // Reactivated (by keyboard), admin-2 may sign in again.
    await page.getByLabel('启用或停用').selectOption({ label: '启用' });
    await page.getByLabel('理由（每行一条）').fill('误停用，恢复');
    await page.getByLabel('理由（每行一条）').press('Tab');
    await expect(page.getByRole('button', { name: '保存更改' }).evaluate((button) => button === button.ownerDocument.activeElement)).resolves.toBe(true);
    await page.keyboard.press('Enter');
    await page.locator('dd[data-active="true"]').waitFor();
    await expect(entries.nth(1).textContent()).resolves.toContain('状态 已停用 → 在岗。理由：误停用，恢复');
    await shot(page, 'person-reactivated');
    await eventually(async () => (await tryDemoSignIn(other, 'admin-2')) === 'in', { timeoutMs: 15_000 });
    await other.context().close();
    await page.context().close();
  });

  it('shows, next to the status, that national supervisors cannot deactivate themselves', async () => {
    const page = await signedIn('sup-2');
    await page.goto(`${h.baseUrl}/console/#/users/sup-2`);
    await page.getByLabel('启用或停用').selectOption({ label: '停用' });
    await page.getByLabel('理由（每行一条）').fill('测试');
    page.once('dialog', (dialog) => void dialog.accept());
    await page.getByRole('button', { name: '保存更改' }).click();
    await page.locator('#user-access-active-error', { hasText: '您不能取消本人的全国监管权限' }).waitFor();
    await expect(page.getByLabel('启用或停用').getAttribute('aria-invalid')).resolves.toBe('true');
    await expect(page.locator('dd[data-active]').textContent()).resolves.toBe('在岗');
    await page.context().close();
  });

  it('does not offer the register to a provincial supervisor, and the API refuses it to them', async () => {
    const page = await signedIn('sup-gd');
    await page.locator('a[href="#/campaigns"]').waitFor();
    expect(await page.getByRole('link', { name: '用户管理' }).count()).toBe(0);
    await page.goto(`${h.baseUrl}/console/#/users`);
    await page.locator('.notice.error', { hasText: '您没有权限查看此页面。' }).waitFor();
    await page.context().close();
  });
});
