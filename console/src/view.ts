import { ApiError } from './api';
import { h } from './dom';
import { factLabel } from './cases';
import { errorSummary } from './errors';
import { formatTime, label, t } from './messages';
import { occupationName } from './occupations';
import { placeName } from './places';

/** Codes whose values have labels of their own. */
const VALUE_LABELS: Record<string, string> = {
  status: 'status',
  category: 'category',
  severity: 'severity',
  finding: 'finding',
  outcome: 'outcome',
  demonstration: 'demonstration',
  kind: 'kind',
};

/** One value as shown: times in the user's locale, codes by their label, lists joined. */
export function formatValue(key: string, value: unknown): string {
  if (value === null || value === undefined || value === '') return '—';
  if (typeof value === 'boolean') return value ? t('common.yes') : t('common.no');
  if (key === 'level' && typeof value === 'number') return label('level', String(value));
  if (Array.isArray(value)) return value.length ? value.join(', ') : '—';
  if (typeof value === 'string' && /At$|Until$/.test(key) && !Number.isNaN(Date.parse(value))) return formatTime(value);
  if (typeof value === 'string' && VALUE_LABELS[key]) return label(VALUE_LABELS[key], value);
  if (typeof value === 'string' && /^(provinceCode|cityCode|regionCode)$/.test(key)) return placeName(value);
  if (typeof value === 'string' && key === 'occupationCode') return occupationName(value);
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** A definition list of the record's facts; links where a fact names another case. */
export function factList(record: Record<string, any>, keys: string[]): HTMLDListElement {
  const links: Record<string, (v: string) => string> = {
    stationId: (v) => `#/cases/station/${v}`,
    examinerId: (v) => `#/cases/examiner/${v}`,
  };
  return h(
    'dl',
    { class: 'facts' },
    keys
      .filter((k) => k in record)
      .map((k) => [
        h('dt', {}, factLabel(k)),
        h('dd', {}, links[k] && record[k] !== null ? h('a', { href: links[k](record[k]) }, formatValue(k, record[k])) : formatValue(k, record[k])),
      ]),
  );
}

export const heading = (text: string) => h('h1', { tabindex: '-1' }, text);

export function errorNotice(error: unknown): HTMLElement {
  const message =
    error instanceof ApiError && error.status === 404
      ? t('case.notFound')
      : error instanceof ApiError && error.status === 403
        ? t('common.notAllowed')
        : errorSummary(error);
  return h('p', { class: 'notice error', role: 'alert' }, message);
}

/** Horizontal bars as inline SVG, with the numbers in text for screen readers and print. */
export function barChart(title: string, rows: Array<{ label: string; value: number; display?: string }>): HTMLElement {
  const max = Math.max(1, ...rows.map((r) => r.value));
  const rowHeight = 28;
  const svgNs = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(svgNs, 'svg');
  svg.setAttribute('viewBox', `0 0 400 ${Math.max(rowHeight, rows.length * rowHeight)}`);
  svg.setAttribute('role', 'img');
  svg.setAttribute('aria-label', title);
  rows.forEach((row, i) => {
    const y = i * rowHeight;
    const text = document.createElementNS(svgNs, 'text');
    text.setAttribute('x', '0');
    text.setAttribute('y', String(y + 18));
    text.textContent = row.label;
    const bar = document.createElementNS(svgNs, 'rect');
    bar.setAttribute('x', '160');
    bar.setAttribute('y', String(y + 6));
    bar.setAttribute('height', '16');
    bar.setAttribute('width', String(Math.max(2, (row.value / max) * 190)));
    bar.setAttribute('class', 'bar');
    const value = document.createElementNS(svgNs, 'text');
    value.setAttribute('x', String(166 + (row.value / max) * 190));
    value.setAttribute('y', String(y + 18));
    value.textContent = row.display ?? String(row.value);
    svg.append(text, bar, value);
  });
  return h('figure', { class: 'chart' }, h('figcaption', {}, title), rows.length ? svg : h('p', {}, t('common.none')));
}
