import { PDFDocument, rgb, type PDFFont, type PDFPage } from 'pdf-lib';
import QRCode from 'qrcode';
import type { NamedCertificate } from '../../db/queries/certificates';
import { CERTIFICATE_STATUS_LABELS } from '../../domain/certificate';
import { OCCUPATIONS } from '../../domain/occupations';
import type { CertificateStatement, Signer } from '../../platform/signing';
import { levelName } from './decision';
import { chineseDate, cjkFont } from './pdf';

/**
 * 职业技能等级证书: the electronic certificate, one A4 landscape page in Chinese. Its QR code opens the public
 * verification page with the certificate's signed statement; the same statement is the PDF's Subject, so a relying
 * party's software reads it without scanning.
 */

const TITLE = '职业技能等级证书';
const PAGE: [number, number] = [841.89, 595.28];
const INK = rgb(0.1, 0.1, 0.1);
const RED = rgb(0.75, 0.1, 0.1);

/** An occupation's Chinese name, or its code where the classification's name is not known here. */
export function occupationName(code: string): string {
  return OCCUPATIONS.find((o) => o.code === code)?.name ?? code;
}

/** What the QR code carries, signed: the certificate's essentials as issued (its status is asked online). */
function certificateStatement(c: NamedCertificate): CertificateStatement {
  return { n: c.number, h: c.holderName, o: c.occupationCode, l: c.level, d: c.issuedOn, i: c.issuerCode, s: c.stationId };
}

/** The verification page a certificate's QR code opens, carrying its signed statement. */
function verificationUrl(publicBaseUrl: string, number: string, statement: string): string {
  return `${publicBaseUrl}/#/public/certificate/${number}?s=${statement}`;
}

/** A certificate's status as printed when it is no longer valid: revoked with its date, replaced with the new number. */
function statusLine(c: NamedCertificate): string | null {
  if (c.status === 'revoked') return `${CERTIFICATE_STATUS_LABELS.revoked.zh}${c.revokedAt ? `（${chineseDate(c.revokedAt)}）` : ''}`;
  if (c.status === 'replaced') return `${CERTIFICATE_STATUS_LABELS.replaced.zh}${c.replacedBy ? `，新证书编号 ${c.replacedBy}` : ''}`;
  return null;
}

/** Text at x, shrunk until it fits `width` (a long station name stays on its line). */
function drawFitted(page: PDFPage, font: PDFFont, text: string, x: number, y: number, size: number, width: number, color = INK): void {
  let fitted = size;
  while (fitted > 8 && font.widthOfTextAtSize(text, fitted) > width) fitted -= 0.5;
  page.drawText(text, { x, y, size: fitted, font, color });
}

export async function certificatePdf(c: NamedCertificate, signer: Signer, publicBaseUrl: string): Promise<Uint8Array> {
  const statement = await signer.sign(certificateStatement(c));
  const qr = await QRCode.toBuffer(verificationUrl(publicBaseUrl, c.number, statement), { type: 'png', errorCorrectionLevel: 'M', margin: 1, width: 360 });

  const { bytes, engine } = await cjkFont();
  const doc = await PDFDocument.create({ updateMetadata: false });
  doc.registerFontkit(engine);
  const font = await doc.embedFont(bytes, { subset: true });
  const issuer = c.issuerName ?? c.issuerCode;
  doc.setTitle(`${TITLE}（${c.number}）`, { showInWindowTitleBar: true });
  doc.setSubject(statement);
  doc.setKeywords([c.number]);
  doc.setAuthor(issuer);
  doc.setLanguage('zh-CN');
  doc.setProducer('appraisal-supervision');
  // Dated by the issue, not the download: the same certificate prints the same document.
  doc.setCreationDate(new Date(c.issuedOn));
  doc.setModificationDate(new Date(c.issuedOn));

  const page = doc.addPage(PAGE);
  const [width, height] = PAGE;
  page.drawRectangle({ x: 24, y: 24, width: width - 48, height: height - 48, borderColor: rgb(0.55, 0.4, 0.1), borderWidth: 3 });
  page.drawRectangle({ x: 32, y: 32, width: width - 64, height: height - 64, borderColor: rgb(0.55, 0.4, 0.1), borderWidth: 0.8 });
  const titleSize = 32;
  page.drawText(TITLE, { x: (width - font.widthOfTextAtSize(TITLE, titleSize)) / 2, y: height - 110, size: titleSize, font, color: INK });

  const rows: Array<[string, string]> = [
    ['姓　　名', c.holderName],
    ['身份证件号码', c.holderMaskedId],
    ['职业（工种）', `${occupationName(c.occupationCode)}（${c.occupationCode}）`],
    ['技能等级', levelName(c.level)],
    ['评价机构', c.stationName ?? '—'],
    ['发证机构', issuer],
    ['发证日期', chineseDate(c.issuedOn)],
    ['证书编号', c.number],
  ];
  const status = statusLine(c);
  if (status) rows.push(['证书状态', status]);
  const size = 15;
  const labelX = 90;
  const valueX = 210;
  let y = height - 175;
  for (const [label, value] of rows) {
    page.drawText(`${label}：`, { x: labelX, y, size, font, color: INK });
    drawFitted(page, font, value, valueX, y, size, 560 - valueX, label === '证书状态' ? RED : INK);
    y -= size * 2.1;
  }

  const qrSize = 170;
  const qrX = width - 90 - qrSize;
  const qrY = 120;
  page.drawImage(await doc.embedPng(qr), { x: qrX, y: qrY, width: qrSize, height: qrSize });
  const caption = '扫码核验证书真伪及状态';
  page.drawText(caption, { x: qrX + (qrSize - font.widthOfTextAtSize(caption, 11)) / 2, y: qrY - 18, size: 11, font, color: INK });
  if (status) {
    // Across the page, so a printed copy of a certificate no longer valid cannot pass for a valid one.
    const mark = CERTIFICATE_STATUS_LABELS[c.status].zh;
    const markX = labelX + (qrX - 20 - labelX - font.widthOfTextAtSize(mark, 96)) / 2;
    page.drawText(mark, { x: markX, y: height / 2 - 60, size: 96, font, color: RED, opacity: 0.25 });
  }
  return doc.save();
}
