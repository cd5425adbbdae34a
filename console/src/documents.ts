import { fetchFile, hasRole, type Me } from './api';
import type { CaseData, ProcessKey } from './cases';
import { h } from './dom';
import { currentLocale } from './messages';
import { errorNotice } from './view';

/** The printable documents of a case (the API's PDFs): the licensing decision and the rectification notice. */

const TEXT = {
  'zh-CN': { decision: '打印决定书', notice: '打印整改通知书', preparing: '正在生成文书…', title: '文书' },
  en: { decision: 'Print the decision', notice: 'Print the rectification notice', preparing: 'Preparing the document…', title: 'Documents' },
};

interface Printable {
  label: 'decision' | 'notice';
  path: string;
  filename: string;
}

function printableOf(process: ProcessKey, id: string, { record, live }: CaseData, me: Me): Printable | null {
  const ref = encodeURIComponent(id);
  if (process === 'station-application' && ['approved', 'rejected'].includes(record.status) && hasRole(me, 'supervisor', 'station_admin')) {
    return { label: 'decision', path: `/v1/station-applications/${ref}/decision.pdf`, filename: `decision-${id}.pdf` };
  }
  const orders = live?.rectifications ?? record.summary?.rectifications ?? [];
  if (process === 'inspection' && orders.length > 0) {
    return { label: 'notice', path: `/v1/inspections/${ref}/rectification-notice.pdf`, filename: `rectification-notice-${id}.pdf` };
  }
  return null;
}

/**
 * The button that downloads the case's document, where it has one for this user (打印决定书 once an application is
 * decided, 打印整改通知书 once an inspection has a rectification order); null otherwise. A plain link cannot carry the
 * token, so the file is fetched and handed to the browser to save or open.
 */
export function documentLink(process: ProcessKey, id: string, data: CaseData, me: Me): HTMLElement | null {
  const printable = printableOf(process, id, data, me);
  if (!printable) return null;
  const text = TEXT[currentLocale()];
  const status = h('div', { role: 'status' });
  const button = h('button', { type: 'button', 'data-document': printable.label }, text[printable.label]);
  button.addEventListener('click', async () => {
    button.disabled = true;
    status.replaceChildren(text.preparing);
    try {
      const url = URL.createObjectURL(await fetchFile(printable.path));
      h('a', { href: url, download: printable.filename }).click();
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
      status.replaceChildren();
    } catch (error) {
      status.replaceChildren(errorNotice(error));
    } finally {
      button.disabled = false;
    }
  });
  return h('section', { class: 'documents', 'aria-label': text.title }, button, status);
}
