import { api, ApiError, newKey, type FieldError } from './api';
import { h, show, type Child } from './dom';
import { errorSummary, errorText } from './errors';
import { label, t, type MessageKey } from './messages';

/** Someone who may be chosen for a step, or (with reasons) who may not. */
export interface Candidate {
  id: string;
  name: string;
  organisation?: string;
  /** Why they may not take the step; none when they may. */
  reasons: Array<{ code: string; message: string }>;
}

/** Whom the API proposes for a step, in one shape whatever the endpoint's (eligible, and recused or ineligible with why). */
export async function candidates(url: string): Promise<Candidate[]> {
  type Row = { id: string; name: string; organisation?: string; reasons?: Candidate['reasons']; recusal?: string | null; refusals?: string[] };
  const answer = await api<{ eligible: Row[]; ineligible?: Row[]; recused?: Row[] }>('GET', url);
  const codeOf = (reason: string) =>
    /^recusal/.test(reason)
      ? 'recusal'
      : /^rotation/.test(reason)
        ? 'rotation'
        : /^qualification/.test(reason)
          ? 'not_qualified'
          : /outside/.test(reason)
            ? 'outside_jurisdiction'
            : 'other';
  const reasonsOf = (r: Row) =>
    r.reasons ?? [
      ...(r.recusal ? [{ code: 'recusal', message: r.recusal }] : []),
      ...(r.refusals ?? []).map((message) => ({ code: codeOf(message), message })),
    ];
  return [...answer.eligible, ...(answer.ineligible ?? []), ...(answer.recused ?? [])].map((r) => ({
    id: r.id,
    name: r.name,
    organisation: r.organisation,
    reasons: reasonsOf(r),
  }));
}

/** One line of a score grid: a candidate, and what is entered for them already. */
export interface GridRow {
  id: string;
  label: string;
  /** Why this user may not score the row (回避), shown beside it; its inputs are closed. */
  recused?: string;
  absent?: boolean;
  theory?: number | null;
  practical?: number | null;
}

/** A column of a `rows` field: each row becomes one object of the list. */
export interface Column {
  name: string;
  kind: 'text' | 'select' | 'level';
  options?: readonly string[];
  labelPrefix?: string;
}

interface FieldBase {
  /** The body path (dotted for nested objects), which is also how the API names a bad field. */
  name: string;
  optional?: boolean;
  labelKey?: MessageKey;
  /** A label already in the user's language (where the name alone does not say it). */
  label?: string;
  hint?: string;
}

export type Field = FieldBase &
  (
    | { kind: 'text' | 'textarea' | 'number' | 'date' | 'email'; value?: string }
    | { kind: 'datetime'; value?: string }
    /** One string per line, or ids separated by commas or spaces: both become arrays (empty ones too). */
    | { kind: 'lines' | 'ids'; value?: string[] }
    /** `choose`: a decision, made on purpose: no option is selected until the user picks one. */
    | { kind: 'select'; options: readonly string[]; labelPrefix: string; value?: string; choose?: boolean; optionLabel?: (option: string) => string }
    /** A level (1 高级技师 … 5 初级), sent as a number. */
    | { kind: 'level'; value?: number; choose?: boolean }
    /** A number per item: `{ [item]: score }`. */
    | { kind: 'scores'; items: Array<{ id: string; label: string; max: number }> }
    /** Checkboxes that become `[{ type }]`, or with `plain` a list of the checked values. */
    | { kind: 'flags'; options: readonly string[]; labelPrefix: string; value?: string[]; plain?: boolean; optionLabel?: (option: string) => string }
    /** One person (`person`) or several (`people`) among candidates; those who may not serve are shown with why. */
    | { kind: 'person' | 'people'; candidates: Candidate[]; value?: string[] }
    /** A list of objects, one row each, rows added and removed in place. */
    | { kind: 'rows'; columns: Column[]; value: Array<Record<string, string | number>> }
    /**
     * Scores per candidate (0–100), with `absent` a box for whoever did not sit: `[{ candidateId, absent?, theory,
     * practical }]` for the rows changed here only, so what others entered is not sent again in this user's name.
     */
    | { kind: 'grid'; rows: GridRow[]; absent: boolean }
    /** Text from a file the user picks, shown (and editable) in the box below it, or pasted there. */
    | { kind: 'textfile'; accept: string; value?: string }
  );

export const LEVELS = [5, 4, 3, 2, 1] as const;
export const levelLabel = (level: unknown) => label('level', String(level));

const fieldLabel = (field: Field): string => field.label ?? (field.labelKey ? t(field.labelKey) : label('field', field.name));
const domId = (formId: string, name: string) => `${formId}-${name.replace(/[^A-Za-z0-9_-]/g, '_')}`;

function selectOptions(options: readonly string[], labelOf: (o: string) => string, value: string | undefined, placeholder: string | null) {
  return [
    placeholder === null ? null : h('option', { value: '', selected: value === undefined || value === '' }, placeholder),
    options.map((o) => h('option', { value: o, selected: o === value }, labelOf(o))),
  ];
}

function control(formId: string, field: Field): HTMLElement {
  const id = domId(formId, field.name);
  const common = {
    id,
    name: field.name,
    'data-field': field.name,
    'aria-describedby': `${id}-error${field.hint ? ` ${id}-hint` : ''}`,
    'aria-required': field.optional ? null : 'true',
  };
  switch (field.kind) {
    case 'textarea':
      return h('textarea', { ...common, rows: 3 }, field.value ?? '');
    case 'lines':
      return h('textarea', { ...common, rows: 3 }, (field.value ?? []).join('\n'));
    case 'ids':
      return h('input', { ...common, type: 'text', value: (field.value ?? []).join(', ') || undefined });
    case 'select':
      return h(
        'select',
        common,
        selectOptions(
          field.options,
          field.optionLabel ?? ((o) => label(field.labelPrefix, o)),
          field.value,
          field.optional ? '—' : field.choose ? t('cases.form.choose') : null,
        ),
      );
    case 'level':
      return h(
        'select',
        common,
        selectOptions(
          LEVELS.map(String),
          levelLabel,
          field.value === undefined ? undefined : String(field.value),
          field.optional ? '—' : t('cases.form.choose'),
        ),
      );
    case 'number':
      return h('input', { ...common, type: 'number', step: 'any', inputmode: 'decimal', value: field.value });
    case 'date':
      return h('input', { ...common, type: 'date', value: field.value });
    case 'datetime':
      return h('input', { ...common, type: 'datetime-local', value: field.value });
    case 'email':
      return h('input', { ...common, type: 'email', autocomplete: 'email', value: field.value });
    default:
      return h('input', { ...common, type: 'text', value: 'value' in field ? (field.value as string | undefined) : undefined });
  }
}

const errorSlot = (id: string) => h('p', { class: 'field-error', id: `${id}-error`, role: 'alert' });

/** Why a candidate may not serve, in words (回避 names the organisation the rule found). */
export function ineligibility(reason: { code: string; message: string }): string {
  const organisation = /(?:belongs to|affiliated with) (.+)$/.exec(reason.message)?.[1];
  if (reason.code === 'recusal' && organisation) return t('cases.ineligible.recusalOf', { organisation });
  return label('ineligible', reason.code);
}

function pickerRows(formId: string, field: Extract<Field, { kind: 'person' | 'people' }>): Child[] {
  const type = field.kind === 'person' ? 'radio' : 'checkbox';
  const chosen = new Set(field.value ?? []);
  const row = (c: Candidate) => {
    const id = domId(formId, `${field.name}-${c.id}`);
    const why = c.reasons.length ? c.reasons.map(ineligibility).join(t('cases.listSeparator')) : null;
    return h(
      'li',
      { 'data-candidate': c.id, 'data-eligible': String(!why) },
      h('input', {
        id,
        type,
        name: field.name,
        value: c.id,
        'data-pick': field.name,
        checked: chosen.has(c.id),
        disabled: !!why,
        'aria-describedby': why ? `${id}-why` : null,
      }),
      ' ',
      h(
        'label',
        { for: id, class: 'check-inline' },
        c.organisation ? t('cases.person.withOrganisation', { name: c.name, organisation: c.organisation }) : c.name,
      ),
      why ? [' ', h('span', { id: `${id}-why`, class: 'badge warn' }, why)] : null,
    );
  };
  const eligible = field.candidates.filter((c) => c.reasons.length === 0);
  const ineligible = field.candidates.filter((c) => c.reasons.length > 0);
  return [
    eligible.length ? h('ul', { class: 'picker' }, eligible.map(row)) : h('p', { class: 'notice' }, t('cases.picker.none')),
    ineligible.length ? [h('p', { class: 'hint' }, t('cases.picker.ineligible')), h('ul', { class: 'picker ineligible' }, ineligible.map(row))] : null,
  ].flat();
}

function rowsBlock(formId: string, field: Extract<Field, { kind: 'rows' }>): HTMLElement {
  const list = h('ol', { class: 'rows' });
  const columnLabel = (c: Column) => label('field', `${field.name.split('.').pop()}.${c.name}`);
  /** Row inputs are named by their place (`scope.0.occupationCode`), as the API names a bad one. */
  const renumber = () =>
    list.querySelectorAll('li').forEach((li, index) => {
      for (const input of li.querySelectorAll<HTMLElement>('[data-column]')) {
        const path = `${field.name}.${index}.${input.dataset.column}`;
        const id = domId(formId, path);
        input.id = id;
        input.dataset.field = path;
        input.setAttribute('aria-describedby', `${id}-error`);
        input.parentElement!.querySelector('label')!.htmlFor = id;
        input.parentElement!.querySelector('.field-error')!.id = `${id}-error`;
      }
    });
  const addRow = (value: Record<string, string | number> = {}) => {
    const cells = field.columns.map((c) => {
      const current = value[c.name] === undefined ? undefined : String(value[c.name]);
      const input =
        c.kind === 'text'
          ? h('input', { type: 'text', 'data-column': c.name, value: current })
          : c.kind === 'level'
            ? h('select', { 'data-column': c.name, 'data-number': 'true' }, selectOptions(LEVELS.map(String), levelLabel, current, t('cases.form.choose')))
            : h(
                'select',
                { 'data-column': c.name },
                selectOptions(c.options ?? [], (o) => label(c.labelPrefix ?? '', o), current, t('cases.form.choose')),
              );
      return h('div', { class: 'field' }, h('label', {}, columnLabel(c)), input, h('p', { class: 'field-error', role: 'alert' }));
    });
    const remove = h('button', { type: 'button', class: 'link' }, t('cases.rows.remove'));
    const li = h('li', { class: 'row' }, cells, remove);
    remove.addEventListener('click', () => (li.remove(), renumber()));
    list.append(li);
    renumber();
  };
  for (const value of field.value) addRow(value);
  const id = domId(formId, field.name);
  return h(
    'fieldset',
    { 'data-field': field.name, id },
    h('legend', {}, fieldLabel(field)),
    field.hint ? h('p', { class: 'hint', id: `${id}-hint` }, field.hint) : null,
    list,
    h('button', { type: 'button', class: 'link', onclick: () => addRow() }, t('cases.rows.add')),
    errorSlot(id),
  );
}

const GRID_PARTS = ['theory', 'practical'] as const;
const gridValue = (v: number | null | undefined) => (v === null || v === undefined ? '' : String(v));

/** A score grid: one row per candidate, a box for absence (where asked) and a number per part, each named for its row. */
function gridBlock(formId: string, field: Extract<Field, { kind: 'grid' }>): HTMLElement {
  const id = domId(formId, field.name);
  const row = (r: GridRow) => {
    const cell = (name: string, input: HTMLElement) => {
      const cellId = domId(formId, `${field.name}.${r.id}.${name}`);
      input.id = cellId;
      input.dataset.field = `${field.name}.${r.id}.${name}`;
      input.setAttribute('aria-describedby', `${cellId}-error${r.recused ? ` ${id}-${r.id}-why` : ''}`);
      return h('td', {}, input, errorSlot(cellId));
    };
    const absent = h('input', { type: 'checkbox', 'data-grid-absent': 'true', checked: !!r.absent, disabled: !!r.recused });
    const parts = GRID_PARTS.map((part) =>
      h('input', {
        type: 'number',
        min: 0,
        max: 100,
        step: 'any',
        inputmode: 'decimal',
        'data-grid-part': part,
        value: gridValue(r[part]),
        disabled: !!r.recused || !!r.absent,
        'aria-label': t(`forms.grid.${part}For`, { name: r.label }),
      }),
    );
    absent.setAttribute('aria-label', t('forms.grid.absentFor', { name: r.label }));
    // Absent, the parts are no scores: emptied and closed until the box is cleared.
    absent.addEventListener('change', () => parts.forEach((p) => ((p.disabled = absent.checked), absent.checked && (p.value = ''))));
    const tr = h(
      'tr',
      { 'data-row': r.id, 'data-initial': JSON.stringify([!!r.absent, gridValue(r.theory), gridValue(r.practical)]) },
      h('th', { scope: 'row' }, r.label, r.recused ? [' ', h('span', { class: 'badge warn', id: `${id}-${r.id}-why` }, r.recused)] : null),
      field.absent ? cell('absent', absent) : null,
      parts.map((p, i) => cell(GRID_PARTS[i], p)),
    );
    return tr;
  };
  return h(
    'fieldset',
    { 'data-field': field.name, id, 'aria-describedby': `${id}-error` },
    h('legend', {}, fieldLabel(field)),
    field.hint ? h('p', { class: 'hint', id: `${id}-hint` }, field.hint) : null,
    h(
      'div',
      { class: 'grid-scroll' },
      h(
        'table',
        { class: 'score-grid' },
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            h('th', { scope: 'col' }, t('forms.grid.candidate')),
            field.absent ? h('th', { scope: 'col' }, t('forms.grid.absent')) : null,
            GRID_PARTS.map((part) => h('th', { scope: 'col' }, t(`forms.grid.${part}`))),
          ),
        ),
        h('tbody', {}, field.rows.map(row)),
      ),
    ),
    errorSlot(id),
  );
}

/** A file picker that loads the file's text into the box below it, where it may be read, corrected or pasted instead. */
function textfileBlock(formId: string, field: Extract<Field, { kind: 'textfile' }>): HTMLElement {
  const id = domId(formId, field.name);
  const text = h(
    'textarea',
    { id, name: field.name, 'data-field': field.name, rows: 6, spellcheck: 'false', 'aria-describedby': `${id}-error${field.hint ? ` ${id}-hint` : ''}` },
    field.value ?? '',
  );
  const file = h('input', { id: `${id}-file`, type: 'file', accept: field.accept });
  file.addEventListener('change', async () => {
    const chosen = file.files?.[0];
    if (chosen) text.value = await chosen.text();
  });
  return h(
    'div',
    { class: 'field' },
    h('label', { for: `${id}-file` }, t('forms.file.choose')),
    file,
    h('label', { for: id }, fieldLabel(field)),
    field.hint ? h('p', { class: 'hint', id: `${id}-hint`, translate: 'no' }, field.hint) : null,
    text,
    errorSlot(id),
  );
}

function fieldBlock(formId: string, field: Field): HTMLElement {
  const id = domId(formId, field.name);
  const hint = field.hint ? h('p', { class: 'hint', id: `${id}-hint` }, field.hint) : null;
  if (field.kind === 'rows') return rowsBlock(formId, field);
  if (field.kind === 'grid') return gridBlock(formId, field);
  if (field.kind === 'textfile') return textfileBlock(formId, field);
  if (field.kind === 'scores' || field.kind === 'flags' || field.kind === 'person' || field.kind === 'people') {
    const rows =
      field.kind === 'scores'
        ? field.items.map((item) => {
            const itemId = domId(formId, `${field.name}.${item.id}`);
            const path = `${field.name}.${item.id}`;
            return h(
              'div',
              { class: 'field' },
              h('label', { for: itemId }, `${item.label} (0–${item.max})`),
              h('input', {
                id: itemId,
                type: 'number',
                min: 0,
                max: item.max,
                step: 'any',
                inputmode: 'decimal',
                'data-field': path,
                'data-score': item.id,
                'aria-describedby': `${itemId}-error`,
              }),
              errorSlot(itemId),
            );
          })
        : field.kind === 'flags'
          ? field.options.map((o) =>
              h(
                'label',
                { class: 'check' },
                h('input', { type: 'checkbox', value: o, 'data-flag': field.name, checked: field.value?.includes(o) }),
                ' ',
                field.optionLabel ? field.optionLabel(o) : label(field.labelPrefix, o),
              ),
            )
          : pickerRows(formId, field);
    return h('fieldset', { 'data-field': field.name, id, 'aria-describedby': `${id}-error` }, h('legend', {}, fieldLabel(field)), hint, rows, errorSlot(id));
  }
  return h('div', { class: 'field' }, h('label', { for: id }, fieldLabel(field)), hint, control(formId, field), errorSlot(id));
}

function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const parts = path.split('.');
  let node = target;
  for (const part of parts.slice(0, -1)) node = (node[part] ??= {}) as Record<string, unknown>;
  node[parts[parts.length - 1]] = value;
}

/** Reads the form into the request body: empty optional fields are left out, so the API's defaults apply. */
function readBody(form: HTMLFormElement, fields: Field[]): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const field of fields) {
    const block = form.querySelector<HTMLElement>(`[data-field="${CSS.escape(field.name)}"]`);
    switch (field.kind) {
      case 'scores': {
        const scores: Record<string, number> = {};
        for (const input of form.querySelectorAll<HTMLInputElement>(`[data-score][data-field^="${field.name}."]`)) {
          if (input.value !== '') scores[input.dataset.score!] = Number(input.value);
        }
        setPath(body, field.name, scores);
        continue;
      }
      case 'flags': {
        const checked = [...form.querySelectorAll<HTMLInputElement>(`[data-flag="${field.name}"]:checked`)].map((c) => c.value);
        setPath(body, field.name, field.plain ? checked : checked.map((type) => ({ type })));
        continue;
      }
      case 'person':
      case 'people': {
        const picked = [...form.querySelectorAll<HTMLInputElement>(`[data-pick="${field.name}"]:checked`)].map((c) => c.value);
        if (field.kind === 'people') setPath(body, field.name, picked);
        else if (picked.length) setPath(body, field.name, picked[0]);
        continue;
      }
      case 'grid': {
        const entries = [...block!.querySelectorAll<HTMLTableRowElement>('tr[data-row]')].flatMap((tr) => {
          const absent = !!tr.querySelector<HTMLInputElement>('[data-grid-absent]')?.checked;
          const [theory, practical] = GRID_PARTS.map((part) => tr.querySelector<HTMLInputElement>(`[data-grid-part="${part}"]`)!.value.trim());
          if (JSON.stringify([absent, theory, practical]) === tr.dataset.initial) return [];
          const score = (raw: string) => (absent || raw === '' ? null : Number(raw));
          return [{ candidateId: tr.dataset.row!, ...(field.absent ? { absent } : {}), theory: score(theory), practical: score(practical) }];
        });
        setPath(body, field.name, entries);
        continue;
      }
      case 'rows': {
        const rows = [...block!.querySelectorAll('li.row')].map((li) => {
          const row: Record<string, unknown> = {};
          for (const input of li.querySelectorAll<HTMLInputElement | HTMLSelectElement>('[data-column]')) {
            const raw = input.value.trim();
            if (raw !== '') row[input.dataset.column!] = input.dataset.number ? Number(raw) : raw;
          }
          return row;
        });
        // A row left wholly empty is no row.
        setPath(
          body,
          field.name,
          rows.filter((r) => Object.keys(r).length > 0),
        );
        continue;
      }
    }
    const raw = (form.elements.namedItem(field.name) as HTMLInputElement | null)?.value.trim() ?? '';
    if (field.kind === 'lines')
      setPath(
        body,
        field.name,
        raw
          .split('\n')
          .map((l) => l.trim())
          .filter(Boolean),
      );
    else if (field.kind === 'ids') setPath(body, field.name, raw.split(/[\s,，、]+/).filter(Boolean));
    else if (raw === '' && field.optional) continue;
    else if (field.kind === 'number' || field.kind === 'level') setPath(body, field.name, raw === '' ? undefined : Number(raw));
    else if (field.kind === 'datetime') setPath(body, field.name, raw === '' ? '' : new Date(raw).toISOString());
    else setPath(body, field.name, raw);
  }
  return body;
}

/** The choices a person must make before anything is sent: a decision left unchosen, nobody picked. */
function unchosen(form: HTMLFormElement, fields: Field[]): FieldError[] {
  return fields
    .filter((f) => !f.optional && (((f.kind === 'select' || f.kind === 'level') && 'choose' in f && f.choose) || f.kind === 'person' || f.kind === 'people'))
    .filter((f) =>
      f.kind === 'person' || f.kind === 'people'
        ? !form.querySelector(`[data-pick="${f.name}"]:checked`)
        : (form.elements.namedItem(f.name) as HTMLSelectElement).value === '',
    )
    .map((f) => ({ field: f.name, message: t(f.kind === 'people' ? 'cases.error.choosePeople' : 'cases.error.choose') }));
}

/** Shows each refusal next to its field (the longest field path it falls under), the rest above the button. */
function showErrors(form: HTMLFormElement, error: unknown, details?: FieldError[]): void {
  const general = form.querySelector('.form-error')!;
  if (!details && !(error instanceof ApiError)) {
    show(general, errorSummary(error));
    return;
  }
  const loose: string[] = [];
  const fieldNames = [...form.querySelectorAll<HTMLElement>('[data-field]')].map((e) => e.dataset.field!);
  for (const detail of details ?? (error as ApiError).details) {
    const message = details ? detail.message : errorText(detail);
    const match = fieldNames.filter((n) => detail.field === n || detail.field.startsWith(`${n}.`)).sort((a, b) => b.length - a.length)[0];
    const target = match ? form.querySelector<HTMLElement>(`[data-field="${CSS.escape(match)}"]`) : null;
    const slot = target ? document.getElementById(`${target.id || domId(form.id, match)}-error`) : null;
    if (target && slot) {
      target.setAttribute('aria-invalid', 'true');
      slot.textContent = message;
    } else {
      loose.push(message);
    }
  }
  const summary = details ? t('error.summary.invalid') : errorSummary(error);
  show(
    general,
    summary,
    loose.length
      ? h(
          'ul',
          {},
          loose.map((l) => h('li', {}, l)),
        )
      : null,
  );
}

/**
 * A form that posts its body and shows the API's refusals in place; `onDone` runs after a success. A decision asks
 * first (`confirm` names its consequence); declined, nothing is sent. A `submit` answering null sent nothing.
 */
export function apiForm(options: {
  id: string;
  title: string;
  fields: Field[];
  submitLabel?: string;
  /** False where the page's own heading names the form. */
  titled?: boolean;
  /** What the form is about, above its fields. */
  intro?: Node | string | null;
  confirm?: (body: Record<string, unknown>) => string | null;
  /** Refusals the console can tell before asking the API (a missing date for a chosen action…). */
  check?: (body: Record<string, unknown>) => FieldError[];
  submit: (body: Record<string, unknown>, idempotencyKey: string) => Promise<unknown>;
  onDone: (result: any) => void;
}): HTMLFormElement {
  // One key per form shown: pressing the button again after a lost answer repeats the same request.
  let idempotencyKey = newKey();
  const form: HTMLFormElement = h(
    'form',
    { id: options.id, class: 'action-form', novalidate: true, 'aria-label': options.title },
    options.titled === false ? null : h('h3', {}, options.title),
    options.intro ? h('div', { class: 'hint' }, options.intro) : null,
    options.fields.map((f) => fieldBlock(options.id, f)),
    h('div', { class: 'form-error', role: 'alert' }),
    h('button', { type: 'submit' }, options.submitLabel ?? options.title),
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    for (const slot of form.querySelectorAll('.field-error, .form-error')) slot.replaceChildren();
    for (const bad of form.querySelectorAll('[aria-invalid]')) bad.removeAttribute('aria-invalid');
    const body = readBody(form, options.fields);
    const missing = [...unchosen(form, options.fields), ...(options.check?.(body) ?? [])];
    if (missing.length) return showErrors(form, null, missing);
    const question = options.confirm?.(body);
    if (question && !window.confirm(question)) return;
    const button = form.querySelector<HTMLButtonElement>('button[type=submit]')!;
    button.disabled = true;
    try {
      const result = await options.submit(body, idempotencyKey);
      idempotencyKey = newKey();
      options.onDone(result);
    } catch (error) {
      // A refused request changed nothing: its correction is a new request.
      if (error instanceof ApiError && error.status < 500) idempotencyKey = newKey();
      showErrors(form, error);
    } finally {
      button.disabled = false;
    }
  });
  return form;
}
