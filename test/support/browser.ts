import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { buildConsole } from '../../scripts/build-console';

/** Where the browser tests keep their screenshots (git-ignored); the README shows some of them. */
export const SCREENSHOTS = path.join(__dirname, '..', 'browser', 'screenshots');

/** Builds the console and starts Debian's Chromium (CHROMIUM_PATH names another) for one browser test file. */
export async function launchBrowser(): Promise<Browser> {
  await Promise.all([buildConsole(), mkdir(SCREENSHOTS, { recursive: true })]);
  return chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ['--no-sandbox', '--disable-dev-shm-usage'] });
}
