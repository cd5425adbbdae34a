import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import fontkit from '@pdf-lib/fontkit';
import { PDFDocument, rgb, type PDFFont, type PDFPage } from 'pdf-lib';
import { HttpError } from '../errors';

/**
 * The printable documents' common parts: the Chinese font, an A4 page writer that wraps and paginates, and the
 * download answer. The documents embed only the glyphs they use (a subset), so each stays a few tens of kilobytes.
 */

/** Debian's CJK fonts, in order of preference (scripts/ensure-fonts.sh installs the first); CJK_FONT_PATH names another. */
const DEFAULT_FONTS = ['/usr/share/fonts/truetype/wqy/wqy-microhei.ttc', '/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc'];

interface CjkFont {
  bytes: Uint8Array;
  /** pdf-lib's font engine, answering with the collection's first font when the file is a TrueType collection (.ttc). */
  engine: { create: typeof fontkit.create };
}

let loading: Promise<CjkFont> | undefined;

/** The font, read once per process; a missing or unsuitable one is a 503 naming CJK_FONT_PATH, and is looked for again next time. */
export function cjkFont(): Promise<CjkFont> {
  loading ??= loadFont().catch((error) => {
    loading = undefined;
    throw error;
  });
  return loading;
}

async function loadFont(): Promise<CjkFont> {
  const path = process.env.CJK_FONT_PATH || DEFAULT_FONTS.find((p) => existsSync(p));
  const unavailable = (why: string) =>
    new HttpError(503, 'unavailable', `no font for Chinese documents: ${why}; install fonts-wqy-microhei (scripts/ensure-fonts.sh) or set CJK_FONT_PATH`);
  if (!path) throw unavailable(`none of ${DEFAULT_FONTS.join(', ')} exists`);
  const bytes = new Uint8Array(
    await readFile(path).catch(() => {
      throw unavailable(`${path} cannot be read`);
    }),
  );
  type Font = ReturnType<typeof fontkit.create>;
  let font: Font;
  try {
    const opened = fontkit.create(bytes) as Font | { fonts: Font[] };
    font = 'fonts' in opened ? opened.fonts[0] : opened;
  } catch {
    throw unavailable(`${path} is not a TrueType font or collection`);
  }
  if (![...'许可决定书整改通知'].every((c) => font.hasGlyphForCodePoint(c.codePointAt(0)!))) throw unavailable(`${path} has no Chinese glyphs`);
  const name = font.postscriptName ?? undefined;
  return { bytes, engine: { create: (buffer) => fontkit.create(buffer, name) } };
}

/** A day as a Chinese document dates it (2026年3月5日), in China's time zone. */
export function chineseDate(iso: string): string {
  return new Intl.DateTimeFormat('zh-CN', { timeZone: 'Asia/Shanghai', year: 'numeric', month: 'long', day: 'numeric' }).format(new Date(iso));
}

const A4: [number, number] = [595.28, 841.89];
const MARGIN = { top: 72, bottom: 64, side: 64 };
const BODY = 12;
const LEADING = 1.6;
/** Punctuation that may not begin a line (避头). */
const CLOSING = /^[，。、；：！？）》」』”’〕】,.;:!?)]$/u;

/** Writes top to bottom on A4 pages, wrapping text to the margins and starting a new page when one is full. */
export class DocumentWriter {
  private page!: PDFPage;
  private y = 0;

  private constructor(
    private readonly doc: PDFDocument,
    private readonly font: PDFFont,
  ) {
    this.newPage();
  }

  /** A new document with its metadata: the title, and the case number as subject and keyword (what a register searches). */
  static async create(meta: { title: string; caseNumber: string; date: string; author: string }): Promise<DocumentWriter> {
    const { bytes, engine } = await cjkFont();
    const doc = await PDFDocument.create({ updateMetadata: false });
    doc.registerFontkit(engine);
    const font = await doc.embedFont(bytes, { subset: true });
    doc.setTitle(`${meta.title}（${meta.caseNumber}）`, { showInWindowTitleBar: true });
    doc.setSubject(meta.caseNumber);
    doc.setKeywords([meta.caseNumber]);
    doc.setAuthor(meta.author);
    doc.setLanguage('zh-CN');
    doc.setProducer('appraisal-supervision');
    // Dated by the act, not the download: the same case prints the same document.
    doc.setCreationDate(new Date(meta.date));
    doc.setModificationDate(new Date(meta.date));
    return new DocumentWriter(doc, font);
  }

  private get width(): number {
    return A4[0] - 2 * MARGIN.side;
  }

  private newPage(): void {
    this.page = this.doc.addPage(A4);
    this.y = A4[1] - MARGIN.top;
  }

  /** Room for `height` more points on this page, else a new page. */
  private need(height: number): void {
    if (this.y - height < MARGIN.bottom) this.newPage();
  }

  /**
   * Splits text into lines no wider than `width`: Chinese breaks between any two characters (a closing mark such as ，。）
   * stays at the end of its line rather than starting the next), other text between words where it can.
   */
  private wrap(text: string, size: number, width: number): string[] {
    const lines: string[] = [];
    for (const paragraph of text.split('\n')) {
      let line = '';
      for (const token of paragraph.match(/[A-Za-z0-9.,;:!?'"()\-_/@#%&+=]+|\s+|./gsu) ?? []) {
        if (this.font.widthOfTextAtSize(line + token, size) <= width || (line.trim() && CLOSING.test(token))) {
          line += token;
          continue;
        }
        if (line.trim()) lines.push(line.trimEnd());
        line = token.trimStart();
        // A word wider than the line is cut where it must be.
        while (this.font.widthOfTextAtSize(line, size) > width) {
          const chars = [...line];
          let fit = chars.length - 1;
          while (fit > 1 && this.font.widthOfTextAtSize(chars.slice(0, fit).join(''), size) > width) fit--;
          lines.push(chars.slice(0, fit).join(''));
          line = chars.slice(fit).join('');
        }
      }
      lines.push(line.trimEnd());
    }
    return lines;
  }

  private drawLine(text: string, x: number, size: number): void {
    this.page.drawText(text, { x, y: this.y - size, size, font: this.font, color: rgb(0, 0, 0) });
  }

  /** A wrapped paragraph; `indent` in characters (a Chinese paragraph starts two in), `align` for headings and signatures. */
  paragraph(text: string, options: { size?: number; indent?: number; align?: 'left' | 'center' | 'right'; after?: number } = {}): this {
    const size = options.size ?? BODY;
    // Indented with ideographic spaces, so only the first line moves in.
    const lines = this.wrap('\u3000'.repeat(options.indent ?? 0) + text, size, this.width);
    for (const line of lines) {
      this.need(size * LEADING);
      const width = this.font.widthOfTextAtSize(line, size);
      const x = options.align === 'center' ? (A4[0] - width) / 2 : options.align === 'right' ? A4[0] - MARGIN.side - width : MARGIN.side;
      this.drawLine(line, x, size);
      this.y -= size * LEADING;
    }
    this.y -= options.after ?? size * 0.4;
    return this;
  }

  /** Vertical space. */
  space(points: number): this {
    this.y -= points;
    return this;
  }

  /** A ruled table; `widths` are shares of the text width. A row never splits across pages; the header repeats on a new page. */
  table(header: string[], rows: string[][], widths: number[]): this {
    const size = BODY - 1;
    const pad = 4;
    const total = widths.reduce((a, b) => a + b, 0);
    const columns = widths.map((w) => (w / total) * this.width);
    const drawRow = (cells: string[], shaded: boolean) => {
      const wrapped = cells.map((cell, i) => this.wrap(cell, size, columns[i] - 2 * pad));
      const height = Math.max(...wrapped.map((l) => l.length)) * size * 1.4 + 2 * pad;
      if (this.y - height < MARGIN.bottom) {
        this.newPage();
        if (!shaded) drawRow(header, true);
      }
      let x = MARGIN.side;
      wrapped.forEach((lines, i) => {
        this.page.drawRectangle({
          x,
          y: this.y - height,
          width: columns[i],
          height,
          borderColor: rgb(0, 0, 0),
          borderWidth: 0.6,
          ...(shaded ? { color: rgb(0.92, 0.92, 0.92) } : {}),
        });
        lines.forEach((line, j) =>
          this.page.drawText(line, { x: x + pad, y: this.y - pad - (j + 1) * size * 1.4 + size * 0.3, size, font: this.font, color: rgb(0, 0, 0) }),
        );
        x += columns[i];
      });
      this.y -= height;
    };
    drawRow(header, true);
    for (const row of rows) drawRow(row, false);
    this.y -= BODY * 0.8;
    return this;
  }

  /** The signature block at the right: the authority and the date, kept together on one page. */
  signature(authority: string, date: string): this {
    this.need(BODY * LEADING * 3);
    this.space(BODY);
    this.paragraph(authority, { align: 'right' });
    this.paragraph(chineseDate(date), { align: 'right' });
    return this;
  }

  /** Numbers the pages (第 1 页 / 共 2 页) and returns the file. */
  async save(): Promise<Uint8Array> {
    const pages = this.doc.getPages();
    pages.forEach((page, i) => {
      const text = `第 ${i + 1} 页 / 共 ${pages.length} 页`;
      const size = 9;
      page.drawText(text, { x: (A4[0] - this.font.widthOfTextAtSize(text, size)) / 2, y: MARGIN.bottom / 2, size, font: this.font, color: rgb(0.3, 0.3, 0.3) });
    });
    return this.doc.save();
  }
}

/** A document as a download: the browser saves or opens it under `filename`. */
export function pdfResponse(bytes: Uint8Array, filename: string): Response {
  return new Response(bytes, {
    headers: { 'content-type': 'application/pdf', 'content-disposition': `attachment; filename="${filename}"`, 'content-length': String(bytes.length) },
  });
}
