import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { chromium, type Browser, type BrowserContextOptions, type Page } from 'playwright-core';
import { buildConsole } from '../../scripts/build-console';

/** Where the browser tests keep their screenshots (git-ignored); the README shows some of them. */
export const SCREENSHOTS = path.join(__dirname, '..', 'browser', 'screenshots');

/** Builds the console and starts Debian's Chromium (CHROMIUM_PATH names another) for one browser test file. */
export async function launchBrowser(): Promise<Browser> {
  await Promise.all([buildConsole(), mkdir(SCREENSHOTS, { recursive: true })]);
  return chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ['--no-sandbox', '--disable-dev-shm-usage'] });
}

/** A page the console is tested on, with the confirmations it asked (each accepted). */
export interface ConsolePage {
  page: Page;
  confirmations: string[];
}

/**
 * A fresh page in a context of its own (Chinese, China's time zone, a desktop unless `options` says otherwise): every
 * confirmation is accepted and kept, every error in the page collected into `errors` under `who`.
 */
export async function consolePage(browser: Browser, who: string, errors: string[], options: BrowserContextOptions = {}): Promise<ConsolePage> {
  const context = await browser.newContext({
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    viewport: { width: 1280, height: 900 },
    bypassCSP: true,
    ...options,
  });
  const page = await context.newPage();
  const confirmations: string[] = [];
  page.on('dialog', (dialog) => void (confirmations.push(dialog.message()), dialog.accept()));
  page.on('pageerror', (error) => errors.push(`${who}: ${error.message}`));
  return { page, confirmations };
}

/** Signs a demo user in through the sign-in page and waits for their inbox to load. */
export async function signIn(page: Page, baseUrl: string, userId: string): Promise<void> {
  await page.goto(`${baseUrl}/console/#/signin`);
  await page.click(`button[data-user="${userId}"]`);
  await page.locator('h1', { hasText: '我的待办' }).waitFor();
  await page.locator('table.inbox, p.notice').first().waitFor();
}
