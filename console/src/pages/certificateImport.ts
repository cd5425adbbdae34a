import { fetchFile, type Me } from '../api';
import { h, show } from '../dom';
import { errorSummary } from '../errors';
import { label, t } from '../messages';
import { errorNotice, heading } from '../view';
import { postForText } from './certificate';
import { save } from './registers';

/**
 * Legacy certificates (已发证书数据入网): a supervisor uploads a CSV of historical certificates. The file goes as it
 * is (text/csv), for the API to stream and check row by row; the answer is counts by reason, and the rejected rows
 * are a report to download.
 */

interface ImportAnswer {
  importId: string;
  total: number;
  imported: number;
  rejected: number;
  byReason: Record<string, number>;
}

function summary(answer: ImportAnswer): HTMLElement {
  const status = h('p', { role: 'status', class: 'download-status' });
  const reasons = Object.entries(answer.byReason).filter(([, n]) => n > 0);
  return h(
    'section',
    { class: 'import-result', 'aria-labelledby': 'import-result-title', 'data-import': answer.importId },
    h('h2', { id: 'import-result-title' }, t('import.byReason')),
    h(
      'p',
      { class: answer.rejected ? 'notice' : 'notice success' },
      [t('import.total', { n: answer.total }), t('import.imported', { n: answer.imported }), t('import.rejected', { n: answer.rejected })].join(
        t('cases.listSeparator'),
      ),
    ),
    reasons.length
      ? [
          h(
            'table',
            { class: 'details-table import-reasons' },
            h('caption', {}, t('import.byReason')),
            h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, t('import.col.reason')), h('th', { scope: 'col' }, t('import.col.count')))),
            h(
              'tbody',
              {},
              reasons.map(([reason, n]) =>
                h('tr', { 'data-reason': reason }, h('th', { scope: 'row' }, label('importReason', reason)), h('td', {}, String(n))),
              ),
            ),
          ),
          h(
            'p',
            {},
            h(
              'button',
              {
                type: 'button',
                'data-download': 'rejections',
                onclick: async () => {
                  try {
                    save(
                      await fetchFile(`/v1/certificates/imports/${encodeURIComponent(answer.importId)}/rejections.csv`),
                      `rejections-${answer.importId}.csv`,
                    );
                  } catch (error) {
                    status.replaceChildren(errorNotice(error));
                  }
                },
              },
              t('import.report'),
            ),
          ),
          status,
        ]
      : h('p', {}, t('import.noRejections')),
  );
}

export function certificateImportPage(main: HTMLElement, _me: Me): void {
  const result = h('div', { 'aria-live': 'polite' });
  const error = h('p', { class: 'field-error', id: 'import-file-error', role: 'alert' });
  const file = h('input', { id: 'import-file', type: 'file', accept: '.csv,text/csv', 'aria-describedby': 'import-file-error', 'aria-required': 'true' });
  const button = h('button', { type: 'submit' }, t('import.submit'));
  const form = h(
    'form',
    { class: 'action-form', id: 'certificate-import', novalidate: true, 'aria-label': t('import.title') },
    h('div', { class: 'field' }, h('label', { for: 'import-file' }, t('import.file')), file, error),
    button,
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    error.replaceChildren();
    file.removeAttribute('aria-invalid');
    const chosen = file.files?.[0];
    if (!chosen) {
      file.setAttribute('aria-invalid', 'true');
      error.textContent = t('import.chooseFile');
      return;
    }
    button.disabled = true;
    show(result, h('p', { role: 'status' }, t('import.sending')));
    try {
      // The file itself is the body: the API reads it as a stream, never as one JSON string.
      const answer = JSON.parse(await postForText('/v1/certificates/imports', chosen, 'text/csv; charset=utf-8')) as ImportAnswer;
      show(result, summary(answer));
    } catch (failure) {
      show(result, h('p', { class: 'notice error', role: 'alert' }, errorSummary(failure)));
    } finally {
      button.disabled = false;
    }
  });
  show(main, heading(t('import.title')), h('p', { class: 'hint' }, t('import.intro')), form, result);
}
