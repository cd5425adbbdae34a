import type { Knex } from 'knex';
import published from 'chinese-days/dist/chinese-days.json';

/**
 * The national calendar of the years the State Council has published, as the chinese-days package (1.5.7) records them:
 * holidays and make-up working days (调休) per year. Later years are published through the API as the notices appear.
 */
export const SEED_PUBLISHER = 'system:calendar-seed';

export function seededYears(): Array<{ year: number; holidays: string[]; workdays: string[] }> {
  const years = new Map<number, { year: number; holidays: string[]; workdays: string[] }>();
  const entry = (day: string) => {
    const year = Number(day.slice(0, 4));
    if (!years.has(year)) years.set(year, { year, holidays: [], workdays: [] });
    return years.get(year)!;
  };
  for (const day of Object.keys(published.holidays).sort()) entry(day).holidays.push(day);
  for (const day of Object.keys(published.workdays).sort()) entry(day).workdays.push(day);
  return [...years.values()].sort((a, b) => a.year - b.year);
}

export async function up(knex: Knex): Promise<void> {
  const at = new Date();
  await knex('calendar_versions').insert(
    seededYears().map((y) => ({
      scope: 'national',
      year: y.year,
      holidays: JSON.stringify(y.holidays),
      workdays: JSON.stringify(y.workdays),
      published_by: SEED_PUBLISHER,
      reason: '国务院办公厅部分节假日安排（chinese-days 1.5.7）',
      published_at: at,
    })),
  );
}

export async function down(knex: Knex): Promise<void> {
  await knex('calendar_versions').where({ published_by: SEED_PUBLISHER }).delete();
}
