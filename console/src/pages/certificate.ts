import { api, ApiError, fetchFile } from '../api';
import { append, h, show } from '../dom';
import { apiForm } from '../forms';
import { formatTime, label, t } from '../messages';
import { placeName } from '../places';
import { errorNotice, heading } from '../view';
import { save } from './registers';

/**
 * Public certificate verification (证书查询), made for a phone: by number and holder's name, as the national services
 * answer. A number with a typo is refused beside its field (its check character), and an unknown number or a name
 * that does not match read the same "not found", never "valid". Opened from an e-certificate's QR code (`?s=<jws>`),
 * the signed statement is also checked online. The holder downloads their e-certificate with their identity number;
 * employers check many at once on #/public/certificate-check.
 */

/** What the public check answers: the holder's name masked (张*明). */
interface PublicCertificate {
  number: string;
  holderName: string;
  occupationCode: string;
  occupationName: string;
  level: number;
  stationName: string | null;
  issuerCode: string;
  issuedOn: string;
  status: 'valid' | 'revoked' | 'replaced';
  revokedAt: string | null;
  replacedBy: string | null;
}

/** The occupation as the certificate names it: 车工（6-18-01-01）. */
export const occupationOf = (c: { occupationCode: string; occupationName?: string | null }) =>
  c.occupationName ? `${c.occupationName}（${c.occupationCode}）` : c.occupationCode;
/** An issuing authority's code (a province: 44 or 440000) by its place name. */
export const issuerName = (code: string) => placeName(/^\d{2}$/.test(code) ? `${code}0000` : code);

/** The status as a badge anyone can tell apart without colour: 有效, 已撤销, 已换发. */
export function statusBadge(status: string): HTMLElement {
  return h('strong', { class: `badge cert-${status}`, 'data-status': status }, label('certStatus', status));
}

function resultCard(c: PublicCertificate): HTMLElement {
  const row = (key: Parameters<typeof t>[0], value: string | Node) => [h('dt', {}, t(key)), h('dd', {}, value)];
  const statusLine =
    c.status === 'revoked'
      ? h('p', { class: 'notice error', 'data-verdict': 'revoked' }, t('certificate.statusRevoked', { at: formatTime(c.revokedAt) }))
      : c.status === 'replaced'
        ? h('p', { class: 'notice error', 'data-verdict': 'replaced' }, t('certificate.statusReplaced', { number: c.replacedBy ?? '—' }))
        : h('p', { class: 'notice success', 'data-verdict': 'valid' }, t('certificate.statusValid'));
  return h(
    'section',
    { class: `certificate-card cert-card-${c.status}`, 'aria-labelledby': 'certificate-result-title', 'data-certificate': c.number },
    h('h2', { id: 'certificate-result-title' }, t('certificate.result')),
    statusLine,
    h(
      'dl',
      { class: 'facts' },
      row('field.number', h('span', { translate: 'no' }, c.number)),
      row('certificate.holder', h('span', { 'data-holder': '' }, c.holderName)),
      row('certificate.occupation', occupationOf(c)),
      row('certificate.level', label('level', String(c.level))),
      row('certificate.station', c.stationName ?? '—'),
      row('certificate.issuer', issuerName(c.issuerCode)),
      row('certificate.issuedOn', c.issuedOn),
      row('certificate.status', statusBadge(c.status)),
    ),
  );
}

/** The signed statement a QR code carries, checked by the API against its published keys, with the status now. */
async function statementCheck(statement: string): Promise<HTMLElement> {
  const box = h(
    'section',
    { class: 'statement', 'aria-labelledby': 'statement-title', 'aria-live': 'polite' },
    h('h2', { id: 'statement-title' }, t('certificate.statement.title')),
  );
  try {
    const answer = await api<{ valid: boolean; kid?: string; current?: string | { status?: string } | null }>(
      'POST',
      '/v1/public/certificate-statements/verification',
      { body: { statement } },
    );
    const current = typeof answer.current === 'string' ? answer.current : answer.current?.status;
    append(box, [
      answer.valid
        ? h('p', { class: 'notice success', 'data-signature': 'valid' }, t('certificate.statement.valid', { kid: answer.kid ?? '—' }))
        : h('p', { class: 'notice error', 'data-signature': 'invalid' }, t('certificate.statement.invalid')),
      answer.valid && current ? h('p', {}, t('certificate.statement.current', { status: '' }), statusBadge(current)) : null,
    ]);
  } catch (error) {
    // A statement the API cannot even read is no good signature either.
    box.append(
      error instanceof ApiError && error.status === 400
        ? h('p', { class: 'notice error', 'data-signature': 'invalid' }, t('certificate.statement.invalid'))
        : errorNotice(error),
    );
  }
  return box;
}

/** The holder's own copy: number and identity number, the PDF saved by the browser. */
function holderDownload(number: string): HTMLElement {
  const status = h('div', { role: 'status', class: 'download-status' });
  const form = apiForm({
    id: 'holder-pdf',
    title: t('certificate.holderSection'),
    titled: false,
    submitLabel: t('certificate.download'),
    fields: [
      { name: 'number', kind: 'text', labelKey: 'field.number', value: number },
      { name: 'identityNumber', kind: 'text', labelKey: 'field.identityNumber' },
    ],
    check: (body) =>
      (['number', 'identityNumber'] as const)
        .filter((f) => !body[f])
        .map((field) => ({ field, message: t('certificate.required', { field: t(`field.${field}`) }) })),
    submit: async (body) => {
      status.textContent = t('certificate.downloading');
      const wanted = String(body.number).replace(/[\s-]/g, '').toUpperCase();
      try {
        const pdf = await fetchFile(
          `/v1/public/certificates/${encodeURIComponent(wanted)}/pdf?identityNumber=${encodeURIComponent(String(body.identityNumber))}`,
        );
        save(pdf, `${wanted}.pdf`);
        return true;
      } catch (error) {
        status.replaceChildren();
        if (error instanceof ApiError && error.status === 404) return false;
        throw error;
      }
    },
    onDone: (found: boolean) =>
      found
        ? (status.textContent = t('certificate.downloaded'))
        : show(status, h('p', { class: 'notice error', 'data-result': 'holder-not-found' }, t('certificate.holderNotFound'))),
  });
  return h(
    'section',
    { class: 'holder-download', 'aria-labelledby': 'holder-title' },
    h('h2', { id: 'holder-title' }, t('certificate.holderSection')),
    h('p', { class: 'hint' }, t('certificate.holderIntro')),
    form,
    status,
  );
}

export function certificatePage(main: HTMLElement, number = '', query = new URLSearchParams()): void {
  const statement = query.get('s') ?? new URLSearchParams(location.search).get('s');
  const result = h('div', { 'aria-live': 'polite', class: 'certificate-result' });
  const form = apiForm({
    id: 'verify',
    title: t('certificate.title'),
    titled: false,
    submitLabel: t('certificate.submit'),
    fields: [
      { name: 'number', kind: 'text', labelKey: 'field.number', value: number },
      { name: 'name', kind: 'text', labelKey: 'field.holderName' },
    ],
    check: (body) =>
      (['number', 'name'] as const)
        .filter((f) => !body[f])
        .map((field) => ({ field, message: t('certificate.required', { field: t(field === 'number' ? 'field.number' : 'field.holderName') }) })),
    submit: async (body) => {
      result.replaceChildren();
      try {
        return await api<PublicCertificate>(
          'GET',
          `/v1/public/certificates/${encodeURIComponent(String(body.number))}?name=${encodeURIComponent(String(body.name))}`,
        );
      } catch (error) {
        // Unknown number and wrong name answer alike: one sentence that never reads as "valid".
        if (error instanceof ApiError && error.status === 404) return null;
        throw error;
      }
    },
    onDone: (found: PublicCertificate | null) =>
      show(result, found ? resultCard(found) : h('p', { class: 'notice error', role: 'status', 'data-result': 'not-found' }, t('certificate.notFound'))),
  });
  for (const input of form.querySelectorAll('input')) input.setAttribute('autocomplete', 'off');
  show(
    main,
    h(
      'div',
      { class: 'public-certificate' },
      heading(t('certificate.title')),
      h('p', { class: 'hint' }, t('certificate.intro')),
      form,
      result,
      statement ? h('div', { 'data-statement': '' }, t('certificate.statement.checking')) : null,
      holderDownload(number),
      h('p', {}, h('a', { href: '#/public/certificate-check' }, t('certificate.batchLink'))),
    ),
  );
  if (statement) {
    const slot = main.querySelector('[data-statement]')!;
    void statementCheck(statement).then((box) => slot.replaceWith(box));
  }
}

/** A CSV's rows (RFC 4180: quoted cells may hold commas, quotes and line breaks). */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  const endCell = () => {
    row.push(cell);
    cell = '';
  };
  const endRow = () => {
    endCell();
    rows.push(row);
    row = [];
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') endCell();
    else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      endRow();
    } else cell += c;
  }
  if (cell !== '' || row.length) endRow();
  return rows.filter((r) => r.some((x) => x.trim() !== ''));
}

/** Posts to the API and reads its text answer (a CSV); refusals as api() throws them. */
export async function postForText(path: string, body: BodyInit, contentType: string): Promise<string> {
  const token = sessionStorage.getItem('token');
  const headers: Record<string, string> = { 'content-type': contentType, accept: 'text/csv, application/json' };
  if (token && !path.startsWith('/v1/public/')) headers.authorization = `Bearer ${token}`;
  const response = await fetch(path, { method: 'POST', headers, body });
  const text = await response.text();
  if (!response.ok) {
    const error = (() => {
      try {
        return JSON.parse(text)?.error ?? {};
      } catch {
        return {};
      }
    })();
    throw new ApiError(response.status, error.code ?? 'error', error.message ?? response.statusText, error.details ?? []);
  }
  return text;
}

/** The employer's batch check: a CSV of number,name pairs in, the API's CSV of results out, summed up on the page. */
export function certificateCheckPage(main: HTMLElement): void {
  const MAX = 1000;
  const result = h('div', { 'aria-live': 'polite' });
  const form = apiForm({
    id: 'batch-check',
    title: t('check.title'),
    titled: false,
    submitLabel: t('check.submit'),
    fields: [{ name: 'csv', kind: 'textfile', accept: '.csv,text/csv', labelKey: 'field.csv', hint: t('check.hint') }],
    check: (body) => (typeof body.csv === 'string' && body.csv.trim() ? [] : [{ field: 'csv', message: t('import.chooseFile') }]),
    submit: (body) => postForText('/v1/public/certificate-checks', JSON.stringify({ csv: body.csv }), 'application/json'),
    onDone: (csv: string) => show(result, checkResults(csv)),
  });
  show(main, h('div', { class: 'public-certificate' }, heading(t('check.title')), h('p', { class: 'hint' }, t('check.intro', { max: MAX })), form, result));
}

function checkResults(csv: string): HTMLElement {
  const [header = [], ...rows] = parseCsv(csv.replace(/^\uFEFF/, ''));
  const column = (name: string) => header.indexOf(name);
  const [number, name, outcome, status, occupation, level, issuedOn] = ['number', 'name', 'result', 'status', 'occupation', 'level', 'issuedOn'].map(column);
  const counts = new Map<string, number>();
  for (const r of rows) {
    const key = r[outcome] === 'found' ? `status:${r[status]}` : `result:${r[outcome]}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  const keyLabel = (key: string) => (key.startsWith('status:') ? label('certStatus', key.slice(7)) : label('check.result', key.slice(7)));
  const cell = (r: string[], i: number) => (i >= 0 && r[i] ? r[i] : '—');
  return h(
    'section',
    { class: 'batch-results', 'aria-labelledby': 'batch-summary' },
    h('h2', { id: 'batch-summary' }, t('check.summary')),
    h('p', { role: 'status' }, t('check.total', { n: rows.length })),
    h(
      'table',
      { class: 'batch-summary' },
      h('caption', {}, t('check.summary')),
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, t('check.col.result')), h('th', { scope: 'col' }, t('check.col.count')))),
      h(
        'tbody',
        {},
        [...counts].map(([key, n]) => h('tr', { 'data-outcome': key }, h('th', { scope: 'row' }, keyLabel(key)), h('td', {}, String(n)))),
      ),
    ),
    h(
      'p',
      {},
      h(
        'button',
        { type: 'button', 'data-download': 'results', onclick: () => save(new Blob([csv], { type: 'text/csv' }), 'certificate-check.csv') },
        t('check.download'),
      ),
    ),
    h(
      'div',
      { class: 'grid-scroll' },
      h(
        'table',
        { class: 'batch-rows' },
        h('caption', {}, t('check.rows')),
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            [
              t('field.number'),
              t('field.holderName'),
              t('check.col.result'),
              t('certificate.status'),
              t('certificate.occupation'),
              t('certificate.level'),
              t('certificate.issuedOn'),
            ].map((x) => h('th', { scope: 'col' }, x)),
          ),
        ),
        h(
          'tbody',
          {},
          rows.map((r) =>
            h(
              'tr',
              { 'data-number': cell(r, number) },
              h('th', { scope: 'row', translate: 'no' }, cell(r, number)),
              h('td', {}, cell(r, name)),
              h('td', {}, label('check.result', cell(r, outcome))),
              h('td', {}, r[status] ? label('certStatus', r[status]) : '—'),
              h('td', {}, cell(r, occupation)),
              h('td', {}, /^\d$/.test(r[level] ?? '') ? label('level', r[level]) : cell(r, level)),
              h('td', {}, cell(r, issuedOn)),
            ),
          ),
        ),
      ),
    ),
  );
}
