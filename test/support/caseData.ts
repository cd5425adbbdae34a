import { iso7064Mod112 } from '../../domain/checkCharacter';

/**
 * The cases' data the tests and the per-case cost measurement (bench/caseCost.ts) share. Free of vitest, so a script can
 * load it; test/support/fixtures.ts and sessions.ts re-export it with their helpers.
 */

/** On-site assessment scores that pass every item. */
export const goodScores = { organisation_management: 90, post_setup: 85, staffing: 88, appraisal_process_control: 92, site_and_equipment: 80 };

/** Item scores for the seeded routine checklist (max 10 each), with overrides. */
export function checklistScores(overrides: Record<string, number> = {}): Record<string, number> {
  const base = {
    'org.rules': 10,
    'org.records': 9,
    'post.roles': 9,
    'staff.examiners': 10,
    'staff.ratio': 9,
    'process.scope': 10,
    'process.supervision': 9,
    'site.equipment': 9,
  };
  return { ...base, ...overrides };
}

/** The date in China `fromNow` days from today. */
export const day = (fromNow: number) => new Date(Date.now() + 8 * 3_600_000 + fromNow * 86_400_000).toISOString().slice(0, 10);
/** A resident identity number with its check character: born 1990-01-01 in Foshan's Nanhai district, sequence `n`. */
export const idNumber = (n: number) => {
  const body = `44060519900101${String(n).padStart(3, '0')}`;
  return body + iso7064Mod112(body);
};
export const candidate = (n: number, name: string, overrides: Record<string, unknown> = {}) => ({
  name,
  identityNumber: idNumber(n),
  occupationCode: '6-18-01-01',
  level: 3,
  organisation: '佛山市顺德精工有限公司',
  ...overrides,
});
