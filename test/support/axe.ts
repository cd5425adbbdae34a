import type { Page } from 'playwright-core';
import { expect } from 'vitest';

const AXE = require.resolve('axe-core');

/** One axe-core violation as a failure message shows it: the rule, why, and where. */
export interface Violation {
  id: string;
  impact: string;
  help: string;
  targets: string[];
}

/**
 * Runs axe-core on the page as it is now and fails on every serious or critical violation (WCAG 2.x A and AA,
 * and axe's best practices), naming the rule and the elements. The console's CSP allows no inline script: the
 * page's context needs `bypassCSP: true` for axe to be injected (else addScriptTag throws, naming the CSP).
 */
export async function expectAccessible(page: Page, where = page.url()): Promise<void> {
  // In-page code reaches the window through the document's element: the tests' own types have no DOM.
  const root = page.locator('html');
  if (!(await root.evaluate((html) => 'axe' in html.ownerDocument.defaultView))) await page.addScriptTag({ path: AXE });
  const violations: Violation[] = await root.evaluate(async (html) => {
    const result = await html.ownerDocument.defaultView.axe.run(html.ownerDocument, { resultTypes: ['violations'] });
    return result.violations.map((v: { id: string; impact?: string | null; help: string; nodes: Array<{ target: unknown[] }> }) => ({
      id: v.id,
      impact: v.impact ?? 'unknown',
      help: v.help,
      targets: v.nodes.map((n) => n.target.join(' ')),
    }));
  });
  expect(
    violations.filter((v) => v.impact === 'serious' || v.impact === 'critical'),
    `axe on ${where}`,
  ).toEqual([]);
}
