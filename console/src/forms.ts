import { ApiError, newKey } from './api';
import { h, show } from './dom';
import { label, t, type MessageKey } from './messages';

/** A form field; `name` is the body path (dotted for nested objects), which is also how the API names a bad field. */
export type Field =
  | { name: string; kind: 'text' | 'textarea' | 'number' | 'date' | 'email'; optional?: boolean; labelKey?: MessageKey; value?: string }
  | { name: string; kind: 'datetime'; optional?: boolean }
  /** One string per line, or ids separated by commas or spaces: both become arrays. */
  | { name: string; kind: 'lines' | 'ids'; optional?: boolean }
  | { name: string; kind: 'select'; options: readonly string[]; labelPrefix: string; optional?: boolean; labelKey?: MessageKey }
  /** A number per item: `{ [item]: score }`. */
  | { name: string; kind: 'scores'; items: Array<{ id: string; label: string; max: number }> }
  /** Checkboxes that become `[{ type }]`. */
  | { name: string; kind: 'flags'; options: readonly string[]; labelPrefix: string };

const fieldLabel = (field: Field): string => ('labelKey' in field && field.labelKey ? t(field.labelKey) : label('field', field.name));
const domId = (formId: string, name: string) => `${formId}-${name.replace(/[^A-Za-z0-9_-]/g, '_')}`;

function control(formId: string, field: Field): HTMLElement {
  const id = domId(formId, field.name);
  const common = { id, name: field.name, 'data-field': field.name, 'aria-describedby': `${id}-error`, 'aria-required': 'optional' in field && field.optional ? null : 'true' };
  switch (field.kind) {
    case 'textarea':
    case 'lines':
      return h('textarea', { ...common, rows: 3 }, 'value' in field ? field.value : '');
    case 'select':
      return h(
        'select',
        common,
        field.optional ? h('option', { value: '' }, '—') : null,
        field.options.map((o) => h('option', { value: o }, label(field.labelPrefix, o))),
      );
    case 'number':
      return h('input', { ...common, type: 'number', step: 'any', inputmode: 'decimal' });
    case 'date':
      return h('input', { ...common, type: 'date' });
    case 'datetime':
      return h('input', { ...common, type: 'datetime-local' });
    case 'email':
      return h('input', { ...common, type: 'email', autocomplete: 'email' });
    default:
      return h('input', { ...common, type: 'text', value: 'value' in field ? field.value : undefined });
  }
}

function fieldBlock(formId: string, field: Field): HTMLElement {
  const errorId = `${domId(formId, field.name)}-error`;
  if (field.kind === 'scores' || field.kind === 'flags') {
    const rows =
      field.kind === 'scores'
        ? field.items.map((item) => {
            const id = domId(formId, `${field.name}.${item.id}`);
            const path = `${field.name}.${item.id}`;
            return h(
              'div',
              { class: 'field' },
              h('label', { for: id }, `${item.label} (0–${item.max})`),
              h('input', { id, type: 'number', min: 0, max: item.max, step: 'any', inputmode: 'decimal', 'data-field': path, 'data-score': item.id, 'aria-describedby': `${id}-error` }),
              h('p', { class: 'field-error', id: `${id}-error`, role: 'alert' }),
            );
          })
        : field.options.map((o) => h('label', { class: 'check' }, h('input', { type: 'checkbox', value: o, 'data-flag': field.name }), ' ', label(field.labelPrefix, o)));
    return h('fieldset', { 'data-field': field.name }, h('legend', {}, fieldLabel(field)), rows, h('p', { class: 'field-error', id: errorId, role: 'alert' }));
  }
  return h('div', { class: 'field' }, h('label', { for: domId(formId, field.name) }, fieldLabel(field)), control(formId, field), h('p', { class: 'field-error', id: errorId, role: 'alert' }));
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
    if (field.kind === 'scores') {
      const scores: Record<string, number> = {};
      for (const input of form.querySelectorAll<HTMLInputElement>(`[data-field^="${field.name}."]`)) {
        if (input.value !== '') scores[input.dataset.score!] = Number(input.value);
      }
      body[field.name] = scores;
      continue;
    }
    if (field.kind === 'flags') {
      body[field.name] = [...form.querySelectorAll<HTMLInputElement>(`[data-flag="${field.name}"]:checked`)].map((c) => ({ type: c.value }));
      continue;
    }
    const raw = (form.elements.namedItem(field.name) as HTMLInputElement | null)?.value.trim() ?? '';
    if (raw === '' && field.optional) continue;
    const value =
      field.kind === 'number' ? (raw === '' ? undefined : Number(raw))
      : field.kind === 'lines' ? raw.split('\n').map((l) => l.trim()).filter(Boolean)
      : field.kind === 'ids' ? raw.split(/[\s,，]+/).filter(Boolean)
      : field.kind === 'datetime' ? (raw === '' ? '' : new Date(raw).toISOString())
      : raw;
    if (value !== undefined) setPath(body, field.name, value);
  }
  return body;
}

/** Shows each API error next to its field (the longest field path it falls under), the rest above the button. */
function showErrors(form: HTMLFormElement, error: unknown): void {
  const general = form.querySelector('.form-error')!;
  if (!(error instanceof ApiError)) {
    show(general, t('common.error', { message: String(error) }));
    return;
  }
  const loose: string[] = [];
  const fieldNames = [...form.querySelectorAll<HTMLElement>('[data-field]')].map((e) => e.dataset.field!);
  for (const detail of error.details) {
    const match = fieldNames.filter((n) => detail.field === n || detail.field.startsWith(`${n}.`)).sort((a, b) => b.length - a.length)[0];
    const target = match ? form.querySelector<HTMLElement>(`[data-field="${CSS.escape(match)}"]`) : null;
    const slot = target ? document.getElementById(`${target.id || domId(form.id, match!)}-error`) : null;
    if (target && slot) {
      target.setAttribute('aria-invalid', 'true');
      slot.textContent = detail.message;
    } else {
      loose.push(`${detail.field}: ${detail.message}`);
    }
  }
  show(general, error.message, loose.length ? h('ul', {}, loose.map((l) => h('li', {}, l))) : null);
}

/** A form that posts its body and shows the API's refusals in place; `onDone` runs after a success. */
export function apiForm(options: { id: string; title: string; fields: Field[]; submitLabel?: string; /** False where the page's own heading names the form. */ titled?: boolean; submit: (body: Record<string, unknown>, idempotencyKey: string) => Promise<unknown>; onDone: (result: any) => void }): HTMLFormElement {
  // One key per form shown: pressing the button again after a lost answer repeats the same request.
  let idempotencyKey = newKey();
  const form: HTMLFormElement = h(
    'form',
    { id: options.id, class: 'action-form', novalidate: true, 'aria-label': options.title },
    options.titled === false ? null : h('h3', {}, options.title),
    options.fields.map((f) => fieldBlock(options.id, f)),
    h('div', { class: 'form-error', role: 'alert' }),
    h('button', { type: 'submit' }, options.submitLabel ?? options.title),
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    for (const slot of form.querySelectorAll('.field-error, .form-error')) slot.replaceChildren();
    for (const bad of form.querySelectorAll('[aria-invalid]')) bad.removeAttribute('aria-invalid');
    const button = form.querySelector('button')!;
    button.disabled = true;
    try {
      const result = await options.submit(readBody(form, options.fields), idempotencyKey);
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
