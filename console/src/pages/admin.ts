import { api, ApiError, fetchFile, newKey, type Me } from '../api';
import { h, show } from '../dom';
import { errorText } from '../errors';
import { apiForm } from '../forms';
import { isMessageKey, label, t } from '../messages';
import { placeName } from '../places';
import { errorNotice, heading } from '../view';
import { save } from './registers';

/** Supervisors' administration: the examiner bulk import (CSV) and the routine checklist template's versions. */

/** The import's columns (domain/examinerImport.ts IMPORT_COLUMNS), named in the page's instructions. */
const IMPORT_COLUMNS = 'examiner_id, name, email, organisation, national_id, occupation_code, level, card_number, issued_on, expires_on, region_code';

interface ImportAnswer {
  importId: string;
  imported: number;
  rejectedCount: number;
  rejectedByReason: Record<string, number>;
  rejected: Array<{ line: number; reasons: string[]; errors: string[] }>;
  rejectionReport: string | null;
}

/** A reason in words: the fixed ones by their label, a malformed cell (`invalid email`) by its column, else as the API says it. */
function reasonLabel(reason: string): string {
  const key = `importReason.${reason}`;
  if (isMessageKey(key)) return t(key);
  const column = /^invalid (\w+)$/.exec(reason)?.[1];
  return column ? t('admin.import.invalidColumn', { column }) : reason;
}

/** The import takes the CSV as sent (text/csv), which `api` (JSON only) cannot send. */
async function postCsv(csv: string, idempotencyKey: string): Promise<ImportAnswer> {
  const token = sessionStorage.getItem('token');
  const response = await fetch('/v1/examiners/import', {
    method: 'POST',
    headers: {
      accept: 'application/json',
      'content-type': 'text/csv',
      'idempotency-key': idempotencyKey,
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: csv,
  });
  const body = await response.json().catch(() => undefined);
  if (!response.ok) {
    const error = body?.error ?? {};
    throw new ApiError(response.status, error.code ?? 'error', error.message ?? response.statusText, error.details ?? []);
  }
  return body as ImportAnswer;
}

function importError(error: unknown): HTMLElement {
  // A file refused as a whole (a header lacking columns) says why in the API's words: they name the columns.
  const csv = error instanceof ApiError ? error.details.find((d) => (d as { code?: string }).code === 'invalid_csv') : undefined;
  return csv ? h('p', { class: 'notice error', role: 'alert' }, t('admin.import.invalidCsv', { message: csv.message })) : errorNotice(error);
}

function importResult(answer: ImportAnswer): HTMLElement {
  const status = h('p', { role: 'status', class: 'download-status' });
  const download = async () => {
    status.textContent = t('registers.downloading');
    try {
      save(await fetchFile(answer.rejectionReport!), `examiner-import-${answer.importId}-rejections.csv`);
      status.textContent = t('registers.downloaded');
    } catch (error) {
      status.replaceChildren(errorNotice(error));
    }
  };
  return h(
    'section',
    { 'aria-labelledby': 'import-result-title' },
    h('h2', { id: 'import-result-title' }, t('admin.import.result')),
    h('p', { role: 'status', class: 'import-summary' }, t('admin.import.summary', { imported: answer.imported, rejected: answer.rejectedCount })),
    answer.rejectedCount
      ? [
          h(
            'table',
            { class: 'import-reasons' },
            h('caption', {}, t('admin.import.byReason')),
            h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, t('admin.import.reason')), h('th', { scope: 'col' }, t('admin.import.count')))),
            h(
              'tbody',
              {},
              Object.entries(answer.rejectedByReason).map(([reason, n]) =>
                h('tr', { 'data-reason': reason }, h('th', { scope: 'row' }, reasonLabel(reason)), h('td', {}, n)),
              ),
            ),
          ),
          h(
            'table',
            { class: 'import-rejected' },
            h('caption', {}, t('admin.import.rejectedRows')),
            h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, t('admin.import.line')), h('th', { scope: 'col' }, t('admin.import.reason')))),
            h(
              'tbody',
              {},
              answer.rejected.map((r) =>
                h('tr', { 'data-line': r.line }, h('th', { scope: 'row' }, r.line), h('td', {}, r.reasons.map(reasonLabel).join('；'))),
              ),
            ),
          ),
          answer.rejected.length < answer.rejectedCount
            ? h('p', { class: 'hint' }, t('admin.import.firstRows', { shown: answer.rejected.length, n: answer.rejectedCount }))
            : null,
          answer.rejectionReport ? h('p', {}, h('button', { type: 'button', onclick: () => void download() }, t('admin.import.download'))) : null,
          status,
        ]
      : null,
  );
}

/** #/examiners/import: a CSV file (or pasted text) imported at once; the answer counts and lists what was rejected. */
export function examinerImportPage(main: HTMLElement): void {
  // One key per import shown: sending again after a lost answer repeats the same import, not a second one.
  let idempotencyKey = newKey();
  const result = h('div', { class: 'import-result' });
  const formError = h('div', { class: 'form-error', role: 'alert' });
  const file = h('input', { id: 'import-file', type: 'file', accept: '.csv,text/csv' });
  const text = h('textarea', { id: 'import-text', rows: 8, spellcheck: 'false' });
  const form = h(
    'form',
    { id: 'examiner-import', class: 'action-form', novalidate: true, 'aria-label': t('admin.import.title') },
    // The column names are the file's own words, not the page's (translate="no").
    h('p', { class: 'hint', translate: 'no' }, t('admin.import.intro', { columns: IMPORT_COLUMNS })),
    h('div', { class: 'field' }, h('label', { for: 'import-file' }, t('admin.import.file')), file),
    h('div', { class: 'field' }, h('label', { for: 'import-text' }, t('admin.import.text')), text),
    formError,
    h('button', { type: 'submit' }, t('admin.import.submit')),
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    formError.replaceChildren();
    const chosen = file.files?.[0];
    const csv = chosen ? await chosen.text() : text.value;
    if (!csv.trim()) return void formError.replaceChildren(h('p', {}, t('admin.import.empty')));
    const button = form.querySelector('button')!;
    button.disabled = true;
    show(result, h('p', { role: 'status' }, t('admin.import.sending')));
    try {
      const answer = await postCsv(csv, idempotencyKey);
      idempotencyKey = newKey();
      show(result, importResult(answer));
    } catch (error) {
      // A refused import recorded nothing: the corrected file is a new request.
      if (error instanceof ApiError && error.status < 500) idempotencyKey = newKey();
      show(result, importError(error));
    } finally {
      button.disabled = false;
    }
  });
  show(main, heading(t('admin.import.title')), form, result);
}

const TEMPLATE = 'station-routine';

interface ChecklistItem {
  id: string;
  section: string;
  text: string;
  weight: number;
  maxScore: number;
  critical: boolean;
}

interface Template {
  id: string;
  version: number;
  jurisdiction: string;
  items: ChecklistItem[];
}

/** The items as typed, or null when they are no JSON array. */
function parseItems(raw: unknown): unknown[] | null {
  try {
    const items: unknown = JSON.parse(typeof raw === 'string' ? raw : '');
    return Array.isArray(items) ? items : null;
  } catch {
    return null;
  }
}

/** The API's refusals of an item (`items.3.text`) name the item by its place in the list, as a person counts. */
function localised(error: unknown): unknown {
  if (!(error instanceof ApiError)) return error;
  const message = (detail: ApiError['details'][number]) => {
    const index = /^items\.(\d+)/.exec(detail.field)?.[1];
    if (index !== undefined) return t('admin.templates.itemError', { n: Number(index) + 1, problem: errorText(detail) });
    return detail.field === 'items' ? t('admin.templates.itemsInvalid') : errorText(detail);
  };
  return new ApiError(
    error.status,
    error.code,
    error.message,
    error.details.map((d) => ({ field: d.field, message: message(d) })),
  );
}

function itemsTable(items: ChecklistItem[]): HTMLTableElement {
  const columns = ['id', 'section', 'text', 'weight', 'maxScore', 'critical'] as const;
  return h(
    'table',
    { class: 'template-items' },
    h('caption', {}, t('admin.templates.items')),
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        columns.map((c) => h('th', { scope: 'col' }, t(`admin.templates.${c}`))),
      ),
    ),
    h(
      'tbody',
      {},
      items.map((i) =>
        h(
          'tr',
          { 'data-item': i.id },
          h('th', { scope: 'row' }, i.id),
          h('td', {}, label('onSite', i.section)),
          h('td', {}, i.text),
          h('td', {}, i.weight),
          h('td', {}, i.maxScore),
          h('td', {}, t(i.critical ? 'common.yes' : 'common.no')),
        ),
      ),
    ),
  );
}

/** #/checklist-templates?jurisdiction=CODE: the routine checklist that applies there, and a new version for it. */
export async function checklistTemplatesPage(main: HTMLElement, me: Me, params: URLSearchParams, notice?: string): Promise<void> {
  // Industry authorities have no checklist of their own: theirs is the national one.
  const jurisdiction = params.get('jurisdiction')?.trim() || me.jurisdictions.find((j) => !j.startsWith('IND:')) || 'CN';
  const title = t('admin.templates.title');
  const chooser = h(
    'form',
    { class: 'filters', 'aria-label': t('admin.templates.choose') },
    h(
      'div',
      { class: 'field' },
      h('label', { for: 'template-jurisdiction' }, t('admin.templates.jurisdiction')),
      h('p', { class: 'hint', id: 'template-jurisdiction-hint', translate: 'no' }, t('admin.templates.jurisdictionHint')),
      h('input', { id: 'template-jurisdiction', name: 'jurisdiction', type: 'text', value: jurisdiction, 'aria-describedby': 'template-jurisdiction-hint' }),
    ),
    h('button', { type: 'submit' }, t('admin.templates.show')),
  );
  chooser.addEventListener('submit', (event) => {
    event.preventDefault();
    const code = (chooser.elements.namedItem('jurisdiction') as HTMLInputElement).value.trim();
    location.hash = `#/checklist-templates${code ? `?jurisdiction=${encodeURIComponent(code)}` : ''}`;
  });
  show(main, heading(title), chooser, h('p', { role: 'status' }, t('common.loading')));
  let template: Template;
  try {
    template = await api<Template>('GET', `/v1/checklist-templates/${TEMPLATE}?jurisdiction=${encodeURIComponent(jurisdiction)}`);
  } catch (error) {
    show(main, heading(title), chooser, errorNotice(error));
    return;
  }
  const place = placeName(jurisdiction);
  const form = apiForm({
    id: 'template-publish',
    title: t('admin.templates.publish', { place }),
    fields: [
      {
        name: 'items',
        kind: 'textarea',
        label: t('admin.templates.itemsJson'),
        hint: t('admin.templates.itemsHint'),
        value: JSON.stringify(template.items, null, 2),
      },
    ],
    submitLabel: t('admin.templates.publishButton'),
    check: (body) => (parseItems(body.items) ? [] : [{ field: 'items', message: t('admin.templates.badJson') }]),
    confirm: (body) => t('admin.templates.confirm', { place, n: parseItems(body.items)?.length ?? 0 }),
    submit: (body, idempotencyKey) =>
      api<Template>('POST', `/v1/checklist-templates/${TEMPLATE}/versions`, { body: { items: parseItems(body.items), jurisdiction }, idempotencyKey }).catch(
        (error) => {
          throw localised(error);
        },
      ),
    onDone: (published: Template) => void checklistTemplatesPage(main, me, params, t('admin.templates.published', { version: published.version })),
  });
  const items = form.querySelector('textarea')!;
  items.rows = 16;
  // The items are JSON, edited as written: codes, not words.
  items.setAttribute('translate', 'no');
  show(
    main,
    heading(title),
    notice ? h('p', { class: 'notice success', role: 'status' }, notice) : null,
    chooser,
    h(
      'p',
      { class: 'template-version', 'data-version': template.version },
      t('admin.templates.applies', { place, version: template.version, source: placeName(template.jurisdiction) }),
    ),
    itemsTable(template.items),
    form,
  );
  // After publishing the form is new: keep the keyboard on the page, where the notice is read out.
  if (notice) main.querySelector<HTMLElement>('h1')?.focus();
}
