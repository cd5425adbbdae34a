import { Workbook } from 'exceljs';
import { describe, expect, it } from 'vitest';
import { MAX_EXPORT_ROWS, chinaTime, csv, xlsx, type ExportColumn } from '../../api/registers';

/** The register exports' files: headers, cells, and what a cut list says. */
type Item = { id: string; name: string; at: string };
const columns: ExportColumn<Item>[] = [
  { header: '编号', value: (i) => i.id },
  { header: '名称', value: (i) => i.name },
  { header: '时间', value: (i) => chinaTime(i.at) },
];
const items: Item[] = [
  { id: 'A1', name: '=HYPERLINK("http://x")', at: '2026-11-29T06:03:00Z' },
  { id: 'A2', name: '佛山站', at: '2026-11-30T16:30:00Z' },
];

describe('register exports', () => {
  it('write times as read in China', () => {
    expect(chinaTime('2026-11-29T06:03:00Z')).toBe('2026-11-29 14:03');
    expect(chinaTime('2026-11-30T16:30:00Z')).toBe('2026-12-01 00:30');
    expect(chinaTime(null)).toBe('');
  });

  it('say in the CSV when the list was cut, and not otherwise', () => {
    const whole = csv(columns, { items, total: 2, nextCursor: null });
    expect(whole).toBe(`\uFEFF编号,名称,时间\r\nA1,"'=HYPERLINK(""http://x"")",2026-11-29 14:03\r\nA2,佛山站,2026-12-01 00:30\r\n`);
    const cut = csv(columns, { items, total: 60_000, nextCursor: 'A2' });
    expect(cut.trim().split('\r\n').at(-1)).toBe(`仅导出前 ${MAX_EXPORT_ROWS} 条，共 60000 条：请缩小筛选范围后分批导出。`);
  });

  it('say in the workbook when the list was cut, below the rows', async () => {
    const book = new Workbook();
    await book.xlsx.load(Uint8Array.from(await xlsx('鉴定所/站审批台账', columns, { items, total: 60_000, nextCursor: 'A2' })).buffer);
    const sheet = book.worksheets[0];
    // A sheet's name may not hold a slash.
    expect(sheet.name).toBe('鉴定所站审批台账');
    expect(sheet.rowCount).toBe(4);
    expect(sheet.getRow(2).getCell(2).value).toBe('=HYPERLINK("http://x")');
    expect(sheet.getRow(2).getCell(2).formula).toBeUndefined();
    expect(sheet.getRow(4).getCell(1).value).toBe(`仅导出前 ${MAX_EXPORT_ROWS} 条，共 60000 条：请缩小筛选范围后分批导出。`);
  });
});
