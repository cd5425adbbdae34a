import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/**
 * Reads a PDF as a person would: its text and fonts through Debian's poppler-utils (pdftotext, pdffonts; installed for
 * the tests by scripts/ensure-pdf-tools.sh).
 */

function poppler(tool: string, args: string[], bytes: Uint8Array): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'pdf-'));
  try {
    const file = path.join(dir, 'document.pdf');
    writeFileSync(file, bytes);
    return execFileSync(tool, [...args, file, ...(tool === 'pdftotext' ? ['-'] : [])], { encoding: 'utf8' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export const flat = (text: string) => text.replace(/\s+/g, '');

/** The text in drawing order, without the spaces and line breaks the layout adds (compare with `flat`). */
export const pdfText = (bytes: Uint8Array): string => flat(poppler('pdftotext', ['-raw', '-enc', 'UTF-8'], bytes));

/** The fonts a PDF uses: name and whether it is embedded. */
export function pdfFonts(bytes: Uint8Array): Array<{ name: string; embedded: boolean }> {
  const lines = poppler('pdffonts', [], bytes).trim().split('\n').slice(2);
  // The columns end with emb, sub, uni and the object id (two numbers).
  return lines.map((line) => {
    const cells = line.trim().split(/\s+/);
    return { name: cells[0], embedded: cells[cells.length - 5] === 'yes' };
  });
}
