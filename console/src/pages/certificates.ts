import { api, fetchFile, hasRole, type Me } from '../api';
import { loadNames, nameOf, type Names, type TimelineEntry } from '../caseDetails';
import { h, show, type Child } from '../dom';
import { apiForm, LEVELS, levelLabel } from '../forms';
import { formatTime, label, t, type MessageKey } from '../messages';
import { errorNotice, heading } from '../view';
import { issuerName, occupationOf, statusBadge } from './certificate';
import { save } from './registers';

/**
 * The certificate register (证书台账) for staff: a filtered, paged list (the filters in the address, so a list can be
 * linked to and gone back to), and each certificate's page: its facts, its timeline, the e-certificate, and what
 * this user may do: a supervisor revokes (with a reason) or replaces (lost or damaged), the station's administrator
 * prints it on a blank form of the station's stock.
 */

export const CERTIFICATE_STATUSES = ['valid', 'revoked', 'replaced'] as const;

/** A certificate as staff read it (the holder's full name, the identity number masked). */
export interface CertificateView {
  number: string;
  holderName: string;
  holderMaskedId: string;
  occupationCode: string;
  occupationName: string | null;
  level: number;
  sessionId: string | null;
  stationId: number | null;
  stationName: string | null;
  issuerCode: string;
  issuedOn: string;
  quarter: string;
  source: string;
  blankSerial: string | null;
  status: string;
  revokedAt: string | null;
  revokedReason: string | null;
  revokedBy: string | null;
  revokedCase: string | null;
  replaces: string | null;
  replacedBy: string | null;
}

const FILTERS = ['number', 'holderName', 'stationId', 'status', 'occupationCode', 'level', 'issuedFrom', 'issuedTo'] as const;
const PAGE_SIZE = 50;

export const certificateLink = (number: string, text: Child = number) =>
  h('a', { href: `#/certificates/${encodeURIComponent(number)}`, translate: 'no' }, text);
const stationLink = (c: Pick<CertificateView, 'stationId' | 'stationName'>) =>
  c.stationId === null ? '—' : h('a', { href: `#/cases/station/${c.stationId}` }, c.stationName ?? String(c.stationId));
const hrefWith = (filters: URLSearchParams) => `#/certificates${filters.toString() ? `?${filters}` : ''}`;

function filterForm(filters: URLSearchParams): HTMLFormElement {
  const id = (name: string) => `certificates-${name}`;
  const value = (name: string) => filters.get(name) ?? '';
  const field = (name: string, text: string, input: HTMLElement) => h('div', { class: 'field' }, h('label', { for: id(name) }, text), input);
  const input = (name: string, caption: string, type = 'text', attributes: Record<string, string> = {}) =>
    field(name, caption, h('input', { id: id(name), name, type, value: value(name), ...attributes }));
  const select = (name: string, caption: string, options: readonly string[], labelOf: (o: string) => string) =>
    field(
      name,
      caption,
      h(
        'select',
        { id: id(name), name },
        h('option', { value: '' }, t('certificates.all')),
        options.map((o) => h('option', { value: o, selected: o === value(name) }, labelOf(o))),
      ),
    );
  const form = h(
    'form',
    { class: 'filters', role: 'search', 'aria-label': t('certificates.filter') },
    input('number', t('field.number'), 'text', { size: '18', maxlength: '20' }),
    input('holderName', t('field.holderName'), 'text', { size: '10', maxlength: '50' }),
    input('stationId', t('certificates.stationId'), 'text', { inputmode: 'numeric', size: '6' }),
    select('status', t('certificates.col.status'), CERTIFICATE_STATUSES, (s) => label('certStatus', s)),
    input('occupationCode', t('registers.occupationCode'), 'text', { pattern: '\\d-\\d{2}-\\d{2}-\\d{2}', size: '12' }),
    select('level', t('certificates.col.level'), LEVELS.map(String), levelLabel),
    input('issuedFrom', t('certificates.issuedFrom'), 'date'),
    input('issuedTo', t('certificates.issuedTo'), 'date'),
    h('button', { type: 'submit' }, t('certificates.filter')),
    h('a', { href: '#/certificates', class: 'reset' }, t('certificates.reset')),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const chosen = new URLSearchParams();
    for (const [name, entry] of new FormData(form)) if (typeof entry === 'string' && entry.trim()) chosen.set(name, entry.trim());
    location.hash = hrefWith(chosen);
  });
  return form;
}

export async function certificatesPage(main: HTMLElement, me: Me, filters: URLSearchParams): Promise<void> {
  const title = t('certificates.title');
  const form = filterForm(filters);
  const tools = hasRole(me, 'supervisor') ? h('p', {}, h('a', { href: '#/certificates/import' }, t('certificates.import'))) : null;
  show(main, heading(title), h('p', { class: 'hint' }, t('certificates.intro')), tools, form, h('p', { role: 'status' }, t('common.loading')));
  const page = Math.max(1, Number(filters.get('page')) || 1);
  const query = new URLSearchParams();
  for (const name of FILTERS) if (filters.get(name)) query.set(name, filters.get(name)!);
  query.set('page', String(page));
  query.set('pageSize', String(PAGE_SIZE));
  try {
    const answer = await api<{ items: CertificateView[]; total: number; page: number; pageSize: number }>('GET', `/v1/certificates?${query}`);
    const pages = Math.max(1, Math.ceil(answer.total / answer.pageSize));
    const pageLink = (to: number, key: MessageKey) => {
      const next = new URLSearchParams(filters);
      next.set('page', String(to));
      return h('a', { href: hrefWith(next), rel: to < page ? 'prev' : 'next' }, t(key));
    };
    show(
      main,
      heading(title),
      h('p', { class: 'hint' }, t('certificates.intro')),
      tools,
      form,
      h('p', { role: 'status', class: 'register-count' }, t('certificates.count', { n: answer.total, page: answer.page, pages })),
      answer.items.length === 0
        ? h('p', { class: 'notice' }, t('certificates.empty'))
        : h(
            'div',
            { class: 'grid-scroll' },
            h(
              'table',
              { class: 'register register-certificates' },
              h('caption', {}, title),
              h(
                'thead',
                {},
                h(
                  'tr',
                  {},
                  (['number', 'holder', 'occupation', 'level', 'station', 'issuedOn', 'status'] as const).map((c) =>
                    h('th', { scope: 'col' }, t(`certificates.col.${c}`)),
                  ),
                ),
              ),
              h(
                'tbody',
                {},
                answer.items.map((c) =>
                  h(
                    'tr',
                    { 'data-number': c.number },
                    h('th', { scope: 'row' }, certificateLink(c.number)),
                    h('td', {}, c.holderName),
                    h('td', {}, occupationOf(c)),
                    h('td', {}, levelLabel(c.level)),
                    h('td', {}, stationLink(c)),
                    h('td', {}, c.issuedOn),
                    h('td', {}, statusBadge(c.status)),
                  ),
                ),
              ),
            ),
          ),
      pages > 1
        ? h(
            'nav',
            { class: 'paging', 'aria-label': t('certificates.paging') },
            page > 1 ? pageLink(page - 1, 'certificates.previous') : null,
            ' ',
            page < pages ? pageLink(page + 1, 'certificates.next') : null,
          )
        : null,
    );
  } catch (error) {
    show(main, heading(title), tools, form, errorNotice(error));
  }
}

/** The certificate's audit trail in sentences: when, who, what, and the reason given. */
function timelineTable(timeline: TimelineEntry[], names: Names): HTMLElement {
  const what = (e: TimelineEntry) => {
    const action = e.action.replace(/^certificate[._]/, '');
    const reason = e.data?.reason ?? e.data?.revokedReason;
    const detail = [
      e.data?.serial ?? e.data?.blankSerial,
      e.data?.replacedBy ?? e.data?.replacement,
      reason ? label('replacementReason', String(reason)) : null,
      e.data?.note,
    ].filter(Boolean);
    return `${label('certEvent', action)}${detail.length ? `（${detail.join(t('cases.listSeparator'))}）` : ''}`;
  };
  return h(
    'section',
    { 'aria-labelledby': 'certificate-timeline' },
    h('h2', { id: 'certificate-timeline' }, t('certificate.page.timeline')),
    timeline.length
      ? h(
          'table',
          { class: 'timeline' },
          h(
            'thead',
            {},
            h('tr', {}, h('th', { scope: 'col' }, t('case.when')), h('th', { scope: 'col' }, t('case.who')), h('th', { scope: 'col' }, t('case.what'))),
          ),
          h(
            'tbody',
            {},
            timeline.map((e) =>
              h(
                'tr',
                { 'data-action': e.action },
                h('td', {}, h('time', { datetime: e.at }, formatTime(e.at))),
                h('td', {}, `${nameOf(names, e.actorId)}（${label('role', e.actorRole)}）`),
                h('td', {}, what(e)),
              ),
            ),
          ),
        )
      : h('p', {}, t('certificate.page.noTimeline')),
  );
}

function pdfButton(number: string): HTMLElement {
  const status = h('div', { role: 'status' });
  const button = h('button', { type: 'button', 'data-document': 'certificate' }, t('certificate.page.pdf'));
  button.addEventListener('click', async () => {
    button.disabled = true;
    status.textContent = t('certificate.downloading');
    try {
      save(await fetchFile(`/v1/certificates/${encodeURIComponent(number)}/pdf`), `${number}.pdf`);
      status.textContent = t('certificate.downloaded');
    } catch (error) {
      status.replaceChildren(errorNotice(error));
    } finally {
      button.disabled = false;
    }
  });
  return h('section', { class: 'documents', 'aria-label': t('certificate.page.pdf') }, button, status);
}

/** The forms this user may use on this certificate now (the API decides again on every call). */
function actionForms(c: CertificateView, me: Me, reload: (notice?: Child) => void): HTMLElement[] {
  const path = (rest: string) => `/v1/certificates/${encodeURIComponent(c.number)}/${rest}`;
  const forms: HTMLElement[] = [];
  if (c.status === 'valid' && hasRole(me, 'supervisor')) {
    forms.push(
      apiForm({
        id: 'certificate-revoke',
        title: t('certificate.revoke'),
        fields: [{ name: 'reason', kind: 'textarea' }],
        confirm: () => t('certificate.revoke.confirm'),
        submit: (body, idempotencyKey) => api('POST', path('revocation'), { body, idempotencyKey }),
        onDone: () => reload(),
      }),
      apiForm({
        id: 'certificate-replace',
        title: t('certificate.replace'),
        fields: [
          { name: 'reason', kind: 'select', options: ['lost', 'damaged'], labelPrefix: 'replacementReason', choose: true },
          { name: 'note', kind: 'textarea', optional: true, labelKey: 'field.note' },
        ],
        confirm: () => t('certificate.replace.confirm'),
        submit: (body, idempotencyKey) => api('POST', path('replacement'), { body, idempotencyKey }),
        onDone: (answer: { replacement: CertificateView }) =>
          reload(h('p', { class: 'notice success', role: 'status' }, t('certificate.replace.done'), certificateLink(answer.replacement.number))),
      }),
    );
  }
  if (c.status === 'valid' && !c.blankSerial && hasRole(me, 'station_admin') && c.stationId !== null) {
    forms.push(
      apiForm({
        id: 'certificate-print',
        title: t('certificate.print'),
        intro: t('certificate.print.hint'),
        fields: [{ name: 'serial', kind: 'text', labelKey: 'field.serial' }],
        submit: (body, idempotencyKey) => api('POST', path('print'), { body, idempotencyKey }),
        onDone: () => reload(h('p', { class: 'notice success', role: 'status' }, t('certificate.done'))),
      }),
    );
  }
  return forms;
}

export async function certificateStaffPage(main: HTMLElement, me: Me, number: string, notice?: Child): Promise<void> {
  const title = t('certificate.page.title', { number });
  show(main, heading(title), h('p', { role: 'status' }, t('common.loading')));
  let c: CertificateView & { timeline?: TimelineEntry[] };
  try {
    c = await api('GET', `/v1/certificates/${encodeURIComponent(number)}`);
  } catch (error) {
    show(main, heading(title), errorNotice(error));
    return;
  }
  const timeline = c.timeline ?? [];
  const names = await loadNames([...timeline.map((e) => e.actorId), c.revokedBy].filter((id): id is string => !!id));
  const row = (key: MessageKey, value: Child): Child => [h('dt', {}, t(key)), h('dd', {}, value)];
  const forms = actionForms(c, me, (after) => void certificateStaffPage(main, me, number, after));
  show(
    main,
    heading(title),
    notice ?? null,
    h(
      'section',
      { class: 'state', 'aria-labelledby': 'certificate-details' },
      h('h2', { id: 'certificate-details' }, t('certificate.page.details')),
      h(
        'dl',
        { class: 'facts' },
        row('certificate.status', statusBadge(c.status)),
        row('field.number', h('span', { translate: 'no' }, c.number)),
        row('certificate.holder', c.holderName),
        row('certificate.page.identity', h('span', { translate: 'no' }, c.holderMaskedId)),
        row('certificate.occupation', occupationOf(c)),
        row('certificate.level', levelLabel(c.level)),
        row('certificates.col.station', stationLink(c)),
        row('certificate.page.session', c.sessionId ? h('a', { href: `#/cases/session/${encodeURIComponent(c.sessionId)}` }, c.sessionId) : '—'),
        row('certificate.issuer', issuerName(c.issuerCode)),
        row('certificate.issuedOn', c.issuedOn),
        row('certificate.page.quarter', c.quarter),
        row('certificate.page.source', label('certSource', c.source)),
        row('certificate.page.blankSerial', c.blankSerial ? h('span', { translate: 'no', 'data-serial': c.blankSerial }, c.blankSerial) : '—'),
        c.replaces ? row('certificate.page.replaces', certificateLink(c.replaces)) : null,
        c.replacedBy ? row('certificate.page.replacedBy', certificateLink(c.replacedBy)) : null,
        c.status === 'revoked'
          ? [
              row('certificate.page.revokedAt', formatTime(c.revokedAt)),
              row('certificate.page.revokedReason', c.revokedReason ?? '—'),
              row('certificate.page.revokedBy', nameOf(names, c.revokedBy)),
              c.revokedCase ? row('certificate.page.revokedCase', caseLink(c.revokedCase)) : null,
            ]
          : null,
      ),
    ),
    pdfButton(c.number),
    h(
      'section',
      { class: 'actions', 'aria-labelledby': 'certificate-actions' },
      h('h2', { id: 'certificate-actions' }, t('certificate.page.actions')),
      forms.length ? forms : h('p', { class: 'notice' }, t('certificate.page.noActions')),
    ),
    timelineTable(timeline, names),
  );
}

/** The case that caused a revocation (complaint:<id> or a bare complaint id) as a link to it. */
function caseLink(ref: string): Child {
  const [kind, id] = ref.includes(':') ? ref.split(':', 2) : ['complaint', ref];
  return h('a', { href: `#/cases/${encodeURIComponent(kind)}/${encodeURIComponent(id)}` }, ref);
}
