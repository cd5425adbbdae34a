import { describe, expect, it } from 'vitest';
import { csvFile, neutraliseCell, quoteCell, splitCsvLine } from '../../domain/csv';

describe('CSV the system writes', () => {
  it.each(['=HYPERLINK("http://evil.example","x")', '+1+2', '-2+3', '@SUM(A1)', '\t=1', '\r=1'])(
    'neutralises a formula cell %j with a leading apostrophe',
    (cell) => {
      expect(neutraliseCell(cell)).toBe(`'${cell}`);
    },
  );

  it.each(['徐伟', '440106198001011234', 'a=b', ' =1', '', "'=already"])('leaves %j as it is', (cell) => {
    expect(neutraliseCell(cell)).toBe(cell);
  });

  it('quotes a cell with a comma, a quote, a line break or surrounding space, doubling quotes', () => {
    expect(quoteCell('plain')).toBe('plain');
    expect(quoteCell('Wang, Jun')).toBe('"Wang, Jun"');
    expect(quoteCell('say "yes"')).toBe('"say ""yes"""');
    expect(quoteCell('two\nlines')).toBe('"two\nlines"');
    expect(quoteCell(' padded ')).toBe('" padded "');
  });

  it('writes a file with a BOM and CRLF line ends, every cell neutralised and quoted', () => {
    const file = csvFile([
      ['line', 'name'],
      ['2', '=cmd|"/c calc"!A1'],
      ['3', 'Huang, Lei'],
    ]);
    expect(file).toBe('\uFEFFline,name\r\n2,"\'=cmd|""/c calc""!A1"\r\n3,"Huang, Lei"\r\n');
    const lines = file.slice(1).split('\r\n');
    expect(splitCsvLine(lines[1])).toEqual(['2', '\'=cmd|"/c calc"!A1']);
  });
});
