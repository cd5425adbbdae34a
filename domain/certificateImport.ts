import { CERTIFICATE_NUMBER_PROBLEMS, certificateNumberProblem, normaliseCertificateNumber, parseCertificateNumber } from './certificate';
import { IDENTITY_PROBLEMS, identityNumberProblems, normaliseIdentityNumber, type IdentityProblem } from './identity';
import { splitCsvLine } from './csv';
import { coversJurisdiction } from './jurisdiction';
import { OCCUPATIONS } from './occupations';
import { singleLine } from './text';

/**
 * Legacy certificates (已发证书数据入网): a CSV of certificates issued before the register, one a line, each row
 * judged on its own here; repeats and stations are judged against the file and the register by the caller.
 */
export const CERTIFICATE_IMPORT_COLUMNS = ['number', 'holder_name', 'identity_number', 'occupation_code', 'level', 'issued_on', 'station_id'] as const;
/** station_id may be left out of the header altogether. */
const REQUIRED_COLUMNS = CERTIFICATE_IMPORT_COLUMNS.length - 1;

export type CertificateImportRejection =
  | 'missing_columns'
  | 'extra_columns'
  | 'number_format'
  | 'number_check_character'
  | 'name_invalid'
  | `identity_${IdentityProblem}`
  | 'unknown_occupation'
  | 'level_invalid'
  | 'level_mismatch'
  | 'date_invalid'
  | 'year_mismatch'
  | 'outside_jurisdiction'
  | 'unknown_station'
  | 'duplicate_in_file'
  | 'duplicate_in_register';

export const CERTIFICATE_IMPORT_REJECTIONS: Readonly<Record<CertificateImportRejection, { zh: string; en: string }>> = {
  missing_columns: { zh: '列数不足', en: 'fewer cells than the header' },
  extra_columns: { zh: '列数过多', en: 'more cells than the header' },
  number_format: CERTIFICATE_NUMBER_PROBLEMS.format,
  number_check_character: CERTIFICATE_NUMBER_PROBLEMS.check_character,
  name_invalid: { zh: '持证人姓名为空、超过50个字符或含控制字符', en: 'the holder name is empty, longer than 50 characters or not one line' },
  identity_format: IDENTITY_PROBLEMS.format,
  identity_region: IDENTITY_PROBLEMS.region,
  identity_birth_date: IDENTITY_PROBLEMS.birth_date,
  identity_check_digit: IDENTITY_PROBLEMS.check_digit,
  unknown_occupation: { zh: '职业编码不在职业分类中', en: 'not a known occupation code' },
  level_invalid: { zh: '等级应为1至5', en: 'the level must be 1 to 5' },
  level_mismatch: { zh: '等级与证书编号中的等级位不符', en: "the level differs from the number's level digit" },
  date_invalid: { zh: '发证日期应为 YYYY-MM-DD 格式的有效日期，且不晚于今天', en: 'the issue date must be a real YYYY-MM-DD date, not after today' },
  year_mismatch: { zh: '发证年份与证书编号中的年份不符', en: "the issue year differs from the number's year" },
  outside_jurisdiction: { zh: '证书编号所属省份不在您的管辖范围内', en: "the number's province is outside your jurisdiction" },
  unknown_station: { zh: '鉴定站编号不存在或不在您的管辖范围内', en: 'no such station in your jurisdiction' },
  duplicate_in_file: { zh: '该证书编号在文件前面的行中已出现', en: 'the number is on an earlier line of the file' },
  duplicate_in_register: { zh: '该证书编号已在证书台账中', en: 'the number is already in the register' },
};

/** The reasons in Chinese, for the report people open. */
export const rejectionText = (reasons: readonly string[]) =>
  reasons.map((r) => CERTIFICATE_IMPORT_REJECTIONS[r as CertificateImportRejection]?.zh ?? r).join('；');

/** The header's column count when it names the columns in order (station_id may be left out), else null. */
export function importHeaderColumns(line: string): number | null {
  const header = splitCsvLine(line.replace(/^\uFEFF/, ''));
  const known = header.length === REQUIRED_COLUMNS || header.length === CERTIFICATE_IMPORT_COLUMNS.length;
  return known && header.every((c, i) => c === CERTIFICATE_IMPORT_COLUMNS[i]) ? header.length : null;
}

const COLUMNS_TEXT = CERTIFICATE_IMPORT_COLUMNS.join(',');
export const IMPORT_HEADER_ERROR = `首行应为表头 ${COLUMNS_TEXT}（station_id 可省略）（the first line must be the header ${COLUMNS_TEXT}, station_id optional）`;

export interface LegacyCertificateRow {
  number: string;
  holderName: string;
  /** Normalised; in clear, for the caller to seal and hash. */
  identityNumber: string;
  occupationCode: string;
  level: number;
  issuedOn: string;
  stationId: number | null;
  /** The issuing province (GB/T 2260, e.g. 440000), from the number. */
  issuerCode: string;
}

const KNOWN_OCCUPATIONS = new Set(OCCUPATIONS.map((o) => o.code));
const nameSchema = singleLine(1, 50);

/** A real calendar day written YYYY-MM-DD. */
const isIsoDay = (v: string) => /^\d{4}-\d{2}-\d{2}$/.test(v) && new Date(`${v}T00:00:00Z`).toISOString().slice(0, 10) === v;

/**
 * Every reason one row may not enter the register, judged on its own: `today` (a China date) bounds the issue date
 * and the holder's birth; `jurisdictions` are the importer's, which must cover the number's province.
 */
export function judgeLegacyCertificate(
  cells: readonly string[],
  ctx: { today: string; jurisdictions: readonly string[]; columns: number },
): {
  reasons: CertificateImportRejection[];
  /** The row when no reason was found here; else the well-formed number and station id, for the caller's checks. */
  row?: LegacyCertificateRow;
  number: string | null;
  stationId: number | null;
} {
  const [numberCell = '', holderName = '', identityCell = '', occupationCode = '', levelCell = '', issuedOn = '', stationCell = ''] = cells;
  const reasons: CertificateImportRejection[] = [];
  if (cells.length < ctx.columns) reasons.push('missing_columns');
  if (cells.length > ctx.columns) reasons.push('extra_columns');
  const number = normaliseCertificateNumber(numberCell);
  const numberProblem = certificateNumberProblem(number);
  if (numberProblem) reasons.push(numberProblem === 'format' ? 'number_format' : 'number_check_character');
  if (!nameSchema.safeParse(holderName).success) reasons.push('name_invalid');
  reasons.push(...identityNumberProblems(identityCell, ctx.today).map((p) => `identity_${p}` as const));
  if (!KNOWN_OCCUPATIONS.has(occupationCode)) reasons.push('unknown_occupation');
  const level = /^[1-5]$/.test(levelCell) ? Number(levelCell) : null;
  if (level === null) reasons.push('level_invalid');
  const dayOk = isIsoDay(issuedOn) && issuedOn <= ctx.today;
  if (!dayOk) reasons.push('date_invalid');
  // A malformed number has no parts to compare; its check character does not hide them.
  const parts = numberProblem === 'format' ? null : parseCertificateNumber(number);
  const issuerCode = parts ? `${parts.provinceCode}0000` : '';
  if (parts) {
    if (level !== null && parts.level !== level) reasons.push('level_mismatch');
    if (dayOk && Number(issuedOn.slice(0, 4)) !== parts.year) reasons.push('year_mismatch');
    if (!coversJurisdiction(ctx.jurisdictions, issuerCode)) reasons.push('outside_jurisdiction');
  }
  const stationId = stationCell === '' ? null : /^[1-9]\d{0,9}$/.test(stationCell) ? Number(stationCell) : NaN;
  if (Number.isNaN(stationId)) reasons.push('unknown_station');
  const checks = { number: numberProblem ? null : number, stationId: Number.isNaN(stationId) ? null : stationId };
  if (reasons.length) return { reasons, ...checks };
  return {
    reasons,
    ...checks,
    row: {
      number,
      holderName: holderName.trim(),
      identityNumber: normaliseIdentityNumber(identityCell),
      occupationCode,
      level: level!,
      issuedOn,
      stationId,
      issuerCode,
    },
  };
}
