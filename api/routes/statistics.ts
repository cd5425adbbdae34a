import { Workbook, type Worksheet } from 'exceljs';
import { z } from 'zod';
import type { Db } from '../../db/connect';
import { childPlaces, figureSums, placeNames } from '../../db/queries/figures';
import { chinaDate } from '../../domain/chinaTime';
import { csvFile } from '../../domain/csv';
import { NATIONAL, coversJurisdiction, scopeOf } from '../../domain/jurisdiction';
import { OCCUPATIONS } from '../../domain/occupations';
import type { Role } from '../../domain/roles';
import {
  BREAKDOWNS,
  STATISTICS_SUBJECTS,
  SUBJECT_FIGURES,
  SUBJECT_LABELS,
  breakdownApplies,
  childLevel,
  defaultBreakdown,
  defaultPlace,
  figuresOf,
  isRatioFigure,
  parsePeriod,
  placeAccess,
  placeLevel,
  quarterPeriod,
  registerLink,
  type Breakdown,
  type Period,
  type StatisticsSubject,
} from '../../domain/statistics';
import { levelName } from '../documents/decision';
import { HttpError } from '../errors';
import { zhPlace } from '../registerLabels';
import { route } from '../routeSpec';

/** Statistics (issue 19): figures per period and place with drill-down, their exports, and a province's quarterly report. */
const READERS: Role[] = ['supervisor', 'reviewer'];

type Figures = Record<string, number | null>;

export interface FiguresTable {
  subject: StatisticsSubject;
  period: Period;
  place: { code: string; name: string };
  by: Breakdown;
  /**
   * One line per place, occupation or level: its key and name, its figures, the register filtered to its cases
   * (`registerLink`) and, per number, to that number's cases (`links`, by figure).
   */
  rows: Array<{
    key: string;
    name: string;
    registerLink: string;
    links: Record<string, string>;
    [figure: string]: string | number | null | Record<string, string>;
  }>;
  total: Figures;
}

const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** A place's Chinese name: the jurisdictions register's, else the division code list's; a row without a known city says so. */
const placeName = (code: string, names: Map<string, string>) => (code === NATIONAL ? '全国' : code === '' ? '城市不明' : (names.get(code) ?? zhPlace(code)));

function rowName(by: Breakdown, key: string, names: Map<string, string>): string {
  if (by === 'place') return placeName(key, names);
  if (by === 'occupation') return key === '' ? '未注明职业' : (OCCUPATIONS.find((o) => o.code === key)?.name ?? key);
  return key === '0' ? '未注明等级' : levelName(Number(key));
}

/** Rows in code order (an unknown city or occupation last). */
const byKey = (a: string, b: string) => (a === '' ? 1 : b === '' ? -1 : a.localeCompare(b, 'en', { numeric: true }));

/**
 * One subject's figures for a place and period, broken down as asked; `industries` restrict it to their occupations;
 * `horizonDays` is how far ahead "expiring soon" looks (policy statistics.expiringWithinDays).
 */
export async function figuresTable(
  db: Db,
  request: { subject: StatisticsSubject; period: Period; place: string; by: Breakdown; industries?: string[]; horizonDays?: number },
): Promise<FiguresTable> {
  const { subject, period, place, by } = request;
  const now = new Date();
  const at = { today: chinaDate(now.getTime()), horizonDays: request.horizonDays ?? 90 };
  // A drill-down lists every place of the level below, those without figures as zeros (the report's layout is fixed); a
  // city, which has none below, its own row.
  const [sums, children] = await Promise.all([
    figureSums(db, { ...request, now, horizonDays: at.horizonDays }),
    by === 'place' ? (childLevel(place) ? childPlaces(db, place) : [place]) : [],
  ]);
  const keys = [...new Set([...children, ...sums.rows.keys()])].sort(byKey);
  const names = await placeNames(db, by === 'place' ? [place, ...keys] : [place]);
  // The register filter naming a row's cases: the place asked for, narrowed by the row's place, occupation or level.
  const placeFilter = (code: string) =>
    placeLevel(code) === 'province' ? { provinceCode: code } : placeLevel(code) === 'city' ? { provinceCode: `${code.slice(0, 2)}0000`, cityCode: code } : {};
  const rows = keys.map((key) => {
    const sum = sums.rows.get(key) ?? { daily: {}, current: sums.total.current && {} };
    const narrowed = by === 'place' ? placeFilter(key) : by === 'occupation' ? { occupationCode: key || undefined } : { level: Number(key) || undefined };
    const filter = { period, ...placeFilter(place), ...narrowed };
    const links = Object.fromEntries(SUBJECT_FIGURES[subject].map((figure) => [figure.key, registerLink(subject, filter, { figure, ...at })]));
    return { key, name: rowName(by, key, names), registerLink: registerLink(subject, filter), links, ...figuresOf(subject, sum.daily, sum.current) };
  });
  return {
    subject,
    period,
    place: { code: place, name: placeName(place, names) },
    by,
    rows,
    total: figuresOf(subject, sums.total.daily, sums.total.current),
  };
}

const KEY_HEADERS: Record<Breakdown, [string, string]> = {
  place: ['地区代码', '地区'],
  occupation: ['职业代码', '职业'],
  level: ['等级代码', '等级'],
};

/** A table as the cells of a sheet: headers, one line per row, the total line (合计); a pass rate as a share. */
function tableLines(table: FiguresTable): { headers: string[]; lines: Array<Array<string | number | null>> } {
  const figures = SUBJECT_FIGURES[table.subject];
  const headers = [...KEY_HEADERS[table.by], ...figures.map((f) => f.zh)];
  const line = (key: string, name: string, values: Figures) => [key, name, ...figures.map((f) => values[f.key])];
  return { headers, lines: [...table.rows.map((r) => line(r.key, r.name, r as Figures)), line('', '合计', table.total)] };
}

/** A sheet titled with the place, subject and period, then the table; pass rates shown as percentages. */
function addSheet(book: Workbook, sheetName: string, table: FiguresTable): Worksheet {
  const { headers, lines } = tableLines(table);
  const sheet = book.addWorksheet(sheetName, { views: [{ state: 'frozen', ySplit: 2 }] });
  sheet.addRow([`${table.place.name} ${SUBJECT_LABELS[table.subject].zh}统计（${table.period.from} 至 ${table.period.to}）`]).font = { bold: true, size: 13 };
  sheet.addRow(headers).font = { bold: true };
  for (const line of lines) sheet.addRow(line.map((v) => v ?? ''));
  sheet.lastRow!.font = { bold: true };
  sheet.columns.forEach((column, i) => {
    column.width = i < 2 ? 16 : 14;
    const figure = SUBJECT_FIGURES[table.subject][i - 2];
    if (figure && isRatioFigure(figure)) column.numFmt = '0.00%';
  });
  return sheet;
}

export async function figuresXlsx(table: FiguresTable): Promise<Buffer> {
  const book = new Workbook();
  addSheet(book, SUBJECT_LABELS[table.subject].zh, table);
  return Buffer.from(await book.xlsx.writeBuffer());
}

export function figuresCsv(table: FiguresTable): string {
  const { headers, lines } = tableLines(table);
  // The rates' columns (after the key and the name), as percentages.
  const figures = SUBJECT_FIGURES[table.subject];
  const cell = (v: string | number | null, i: number) => {
    const figure = figures[i - 2];
    return v === null ? '' : figure && isRatioFigure(figure) ? `${(Number(v) * 100).toFixed(2)}%` : String(v);
  };
  return csvFile([headers, ...lines.map((line) => line.map(cell))]);
}

/** A province's quarterly statistics report (季度统计报表): one sheet per subject, a line per city and the province's total. */
export async function quarterlyReportXlsx(db: Db, province: string, quarter: string, options: { horizonDays?: number } = {}): Promise<Buffer> {
  const period = quarterPeriod(quarter);
  const book = new Workbook();
  book.title = `${quarter} 季度统计报表`;
  for (const subject of STATISTICS_SUBJECTS)
    addSheet(book, SUBJECT_LABELS[subject].zh, await figuresTable(db, { subject, period, place: province, by: 'place', ...options }));
  return Buffer.from(await book.xlsx.writeBuffer());
}

const download = (body: string | Buffer, type: string, filename: string) =>
  new Response(new Uint8Array(typeof body === 'string' ? Buffer.from(body) : body), {
    headers: { 'content-type': type, 'content-disposition': `attachment; filename="${filename}"` },
  });

const figuresQuery = z.object({
  period: z.string().max(10).optional(),
  from: z.iso.date().optional(),
  to: z.iso.date().optional(),
  place: z
    .string()
    .regex(/^(CN|\d{4}00)$/, 'must be CN, a province or a city code')
    .optional(),
  by: z.enum(BREAKDOWNS).optional(),
  format: z.enum(['json', 'xlsx', 'csv']).default('json'),
});

const notFound = (what: string) => new HttpError(404, 'not_found', `${what} not found`);

export const statisticsRoutes = [
  // Before /v1/statistics/{subject}, which would otherwise take `quarterly-report` for a subject.
  route({
    method: 'get',
    path: '/v1/statistics/quarterly-report',
    summary:
      "A province's quarterly statistics report (季度统计报表) as one XLSX: one sheet per subject (sessions, certificates, blank forms, stations, examiners, inspections, complaints), a line per city and the total",
    roles: READERS,
    query: z.object({
      province: z.string().regex(/^\d{2}0000$/, 'must be a province code'),
      quarter: z.string().regex(/^\d{4}Q[1-4]$/, 'must be a quarter such as 2026Q4'),
    }),
    handler: async ({ deps, actor, query }) => {
      if (!coversJurisdiction(actor.jurisdictions, query.province)) throw notFound('province');
      const horizonDays = deps.config.policy.statistics.expiringWithinDays;
      return download(
        await quarterlyReportXlsx(deps.db, query.province, query.quarter, { horizonDays }),
        XLSX_TYPE,
        `quarterly-report-${query.province}-${query.quarter}.xlsx`,
      );
    },
  }),
  route({
    method: 'get',
    path: '/v1/statistics/{subject}',
    summary:
      'Figures of a subject (sessions, certificates, blankForms, stations, examiners, inspections, complaints) for a period (period=2026 | 2026Q4 | 2026-11, or from/to) and a place (CN, a province, a city) inside the caller’s jurisdictions, by the next level of places, occupation or level, each row with a link to its register and one per number; format=xlsx|csv exports the same table',
    roles: READERS,
    query: figuresQuery,
    handler: async ({ deps, actor, params, query }) => {
      const subject = params.subject as StatisticsSubject;
      if (!STATISTICS_SUBJECTS.includes(subject)) throw notFound('subject');
      const place = query.place ?? defaultPlace(actor.jurisdictions);
      const access = placeAccess(actor.jurisdictions, place);
      if (access === 'none') throw notFound('place');
      // A city has no places below it: by place, it answers its own row (and the total), for every subject.
      const by = query.by ?? defaultBreakdown(place, subject);
      if (!breakdownApplies(subject, by))
        throw new HttpError(400, 'invalid', `${subject} are counted by place only`, [{ field: 'by', code: 'unsupported_breakdown', message: 'use place' }]);
      const period = parsePeriod(query, chinaDate(Date.now()));
      const industries = access === 'industry' ? scopeOf(actor.jurisdictions).industries : undefined;
      const horizonDays = deps.config.policy.statistics.expiringWithinDays;
      const table = await figuresTable(deps.db, { subject, period, place, by, industries, horizonDays });
      const file = `statistics-${subject}-${place}-${period.from}-${period.to}`;
      if (query.format === 'xlsx') return download(await figuresXlsx(table), XLSX_TYPE, `${file}.xlsx`);
      if (query.format === 'csv') return download(figuresCsv(table), 'text/csv; charset=utf-8', `${file}.csv`);
      return table;
    },
  }),
];
