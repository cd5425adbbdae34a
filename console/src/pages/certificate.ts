import { api } from '../api';
import { h, show } from '../dom';
import { formatTime, t } from '../messages';
import { errorNotice, heading } from '../view';

/**
 * Whether a certificate was declared invalid (作废) after a complaint finding, for anyone. The API knows only
 * invalidations: a number without one is "not on record", never "valid".
 */
export function certificatePage(main: HTMLElement, number = ''): void {
  const result = h('div', { 'aria-live': 'polite' });
  const error = h('p', { class: 'field-error', id: 'certificate-number-error', role: 'alert' });
  const input = h('input', {
    id: 'certificate-number',
    name: 'certificateNumber',
    value: number,
    autocomplete: 'off',
    'aria-required': 'true',
    'aria-describedby': 'certificate-number-error',
  });
  const form = h(
    'form',
    { class: 'action-form', novalidate: true },
    h('div', { class: 'field' }, h('label', { for: 'certificate-number' }, t('field.certificateNumber')), input, error),
    h('button', { type: 'submit' }, t('certificate.submit')),
  );
  const check = async () => {
    const wanted = input.value.trim();
    error.replaceChildren();
    input.removeAttribute('aria-invalid');
    if (!wanted) {
      input.setAttribute('aria-invalid', 'true');
      error.textContent = t('certificate.required');
      return;
    }
    try {
      const answer = await api<{ certificateNumber: string; invalid: boolean; invalidatedAt: string | null }>(
        'GET',
        `/v1/public/certificates/${encodeURIComponent(wanted)}`,
      );
      show(
        result,
        h(
          'p',
          { class: answer.invalid ? 'notice error' : 'notice', role: 'status', 'data-certificate-invalid': String(answer.invalid) },
          h('strong', {}, answer.certificateNumber),
          '：',
          answer.invalid ? t('certificate.invalid', { at: formatTime(answer.invalidatedAt) }) : t('certificate.notInvalid'),
        ),
      );
    } catch (failure) {
      show(result, errorNotice(failure));
    }
  };
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void check();
  });
  show(main, heading(t('certificate.title')), h('p', { class: 'hint' }, t('certificate.intro')), form, result);
  if (number) void check();
}
