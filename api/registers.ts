import { Workbook } from 'exceljs';
import { z } from 'zod';
import type { RegisterPage } from '../db/queries/registers';
import { csvFile } from '../domain/csv';
import type { Actor, Role } from '../domain/roles';
import { singleLine } from '../domain/text';
import { route, type ApiDeps, type RouteSpec } from './routeSpec';

/**
 * Registers (台账): each list endpoint filters, searches, counts and pages its cases, and exports the same filtered
 * list as XLSX and CSV with Chinese headers and labels.
 */

/** An export holds at most this many rows; a longer list is cut, and the file says so. */
export const MAX_EXPORT_ROWS = 50_000;

/** A time, with its offset, on or after the first day a DATETIME column holds (a malformed one is refused once, as malformed). */
const instant = z.iso.datetime({ offset: true }).refine((v) => !(Date.parse(v) < Date.parse('1000-01-01T00:00:00Z')), 'must be 1000-01-01 or later');
/** A `true`/`false` query flag. */
/** The filters of place and occupation every register offers. */
export const registerFilters = {
  provinceCode: z
    .string()
    .regex(/^\d{6}$/)
    .optional(),
  cityCode: z
    .string()
    .regex(/^\d{6}$/)
    .optional(),
  occupationCode: z
    .string()
    .regex(/^\d-\d{2}-\d{2}-\d{2}$/)
    .optional(),
};

export const queryFlag = z.enum(['true', 'false']).optional();

/** What every register takes beside its own filters; `cursor` is the previous page's `nextCursor`, as it came. */
export const registerQuery = z.object({
  q: singleLine(1, 100).optional(),
  createdFrom: instant.optional(),
  createdBefore: instant.optional(),
  dueFrom: instant.optional(),
  dueBefore: instant.optional(),
  overdue: queryFlag,
  sort: z.enum(['newest', 'due']).default('newest'),
  cursor: z
    .string()
    .regex(/^[A-Za-z0-9._-]{1,100}$/, 'must be a nextCursor of this list')
    .optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});

type Flags<Q> = Omit<Q, 'overdue' | 'pendingOnMe'> & { overdue: boolean; pendingOnMe: boolean };

export interface ExportColumn<R> {
  header: string;
  value: (item: R) => string | number | null;
  /** Column width in characters (XLSX). */
  width?: number;
}

const SHANGHAI = new Intl.DateTimeFormat('sv-SE', {
  timeZone: 'Asia/Shanghai',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  hour12: false,
});

/** A time as read in China (the registers' readers): `2026-11-29 14:03`. */
export const chinaTime = (iso: string | null | undefined) => (iso ? SHANGHAI.format(new Date(iso)) : '');

const cutNote = (total: number) => `仅导出前 ${MAX_EXPORT_ROWS} 条，共 ${total} 条：请缩小筛选范围后分批导出。`;

/** The page as a workbook of one sheet: a header row, one row per item, and the note when the list was cut. */
export async function xlsx<R>(title: string, columns: ExportColumn<R>[], page: RegisterPage<R>): Promise<Buffer> {
  const book = new Workbook();
  // A sheet name may not hold \ / ? * [ ] : and is at most 31 characters.
  const sheet = book.addWorksheet(title.replace(/[\\/?*[\]:]/g, '').slice(0, 31), { views: [{ state: 'frozen', ySplit: 1 }] });
  sheet.columns = columns.map((c) => ({ header: c.header, width: c.width ?? 16 }));
  sheet.getRow(1).font = { bold: true };
  // Text cells stay text: exceljs writes a string as a string, never as a formula.
  for (const item of page.items) sheet.addRow(columns.map((c) => c.value(item) ?? ''));
  if (page.nextCursor) sheet.addRow([cutNote(page.total)]).font = { bold: true, color: { argb: 'FFC00000' } };
  return Buffer.from(await book.xlsx.writeBuffer());
}

/** The page as CSV, the same rows and note. */
export function csv<R>(columns: ExportColumn<R>[], page: RegisterPage<R>): string {
  const rows = page.items.map((item) => columns.map((c) => String(c.value(item) ?? '')));
  return csvFile([columns.map((c) => c.header), ...rows, ...(page.nextCursor ? [[cutNote(page.total)]] : [])]);
}

/**
 * A register's three routes: the list (`GET <path>`: items, total, nextCursor) and its exports (`GET
 * <path>/export.xlsx`, `GET <path>/export.csv`), all with the same filters, roles and scoping.
 */
export function registerRoutes<Q extends z.ZodObject, R>(spec: {
  path: string;
  /** The download's file name, before the date and extension. */
  file: string;
  /** The sheet's (and the list's) name, in Chinese. */
  title: string;
  summary: string;
  roles: Role[];
  query: Q;
  list: (deps: ApiDeps, actor: Actor, filter: Flags<z.infer<Q>> & { cursor?: string; limit: number }) => Promise<RegisterPage<R>>;
  columns: ExportColumn<R>[];
}): RouteSpec[] {
  const filterOf = (query: Record<string, unknown>) =>
    ({ ...query, overdue: query.overdue === 'true', pendingOnMe: query.pendingOnMe === 'true' }) as Flags<z.infer<Q>> & { cursor?: string; limit: number };
  const exported = async (deps: ApiDeps, actor: Actor, query: Record<string, unknown>) =>
    spec.list(deps, actor, { ...filterOf(query), cursor: undefined, limit: MAX_EXPORT_ROWS });
  const download = (body: string | Buffer, type: string, extension: string) =>
    new Response(new Uint8Array(body instanceof Buffer ? body : Buffer.from(body)), {
      headers: { 'content-type': type, 'content-disposition': `attachment; filename="${spec.file}-${new Date().toISOString().slice(0, 10)}.${extension}"` },
    });
  return [
    route({
      method: 'get',
      path: spec.path,
      summary: spec.summary,
      roles: spec.roles,
      query: spec.query,
      handler: async ({ deps, actor, query }) => spec.list(deps, actor, filterOf(query)),
    }),
    route({
      method: 'get',
      path: `${spec.path}/export.xlsx`,
      summary: `${spec.title}: the filtered list as an XLSX workbook with Chinese headers (at most ${MAX_EXPORT_ROWS} rows; a longer list is cut and says so)`,
      roles: spec.roles,
      query: spec.query,
      handler: async ({ deps, actor, query }) =>
        download(
          await xlsx(spec.title, spec.columns, await exported(deps, actor, query)),
          'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
          'xlsx',
        ),
    }),
    route({
      method: 'get',
      path: `${spec.path}/export.csv`,
      summary: `${spec.title}: the filtered list as CSV (UTF-8 with BOM, formula cells neutralised; at most ${MAX_EXPORT_ROWS} rows)`,
      roles: spec.roles,
      query: spec.query,
      handler: async ({ deps, actor, query }) => download(csv(spec.columns, await exported(deps, actor, query)), 'text/csv; charset=utf-8', 'csv'),
    }),
  ];
}
