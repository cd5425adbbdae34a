import { api } from '../api';
import { h, show } from '../dom';
import { apiForm } from '../forms';
import { formatTime, label, t } from '../messages';
import { placeName } from '../places';
import { errorNotice, heading } from '../view';

/**
 * Early warnings (预警): the list in the supervisor's jurisdiction (#/warnings?rule=…&status=…&place=…) and one warning's
 * page (#/warnings/<id>) with the figures that triggered it, the case it opened and the dismissal form.
 */

const RULES = ['complaints_per_station', 'pass_rate_above_history', 'serious_irregularity', 'examiner_violations', 'blank_stock_mismatch', 'mass_incident'];
const STATUSES = ['open', 'dismissed'];

interface Warning {
  id: string;
  rule: string;
  subjectType: string;
  subjectId: string;
  windowStart: string;
  windowEnd: string;
  provinceCode: string | null;
  cityCode: string | null;
  figures: Record<string, unknown>;
  case: { type: string; id: string } | null;
  caseLink: string | null;
  status: string;
  dismissedBy: string | null;
  dismissalReasons: string[] | null;
  createdAt: string;
  timeline?: Array<{ seq: number; at: string; action: string; actorId: string; data?: Record<string, unknown> }>;
}

const subject = (w: Warning) => label('warnSubject', w.subjectType).replace('{id}', w.subjectId);
const place = (w: Warning) => placeName(w.cityCode ?? w.provinceCode);
const caseLink = (w: Warning) =>
  w.case && w.caseLink
    ? h('a', { href: w.caseLink }, label('warnCase', w.case.type).replace('{id}', w.case.id))
    : h('span', { class: 'hint' }, t('warn.noCase'));

function select(name: string, options: string[], prefix: string, value: string | null): HTMLElement {
  return h(
    'label',
    {},
    t(name === 'rule' ? 'warn.rule' : 'warn.status'),
    h(
      'select',
      { name },
      h('option', { value: '' }, t('warn.any')),
      options.map((o) => h('option', { value: o, ...(o === value ? { selected: true } : {}) }, label(prefix, o))),
    ),
  );
}

export async function warningsPage(main: HTMLElement, query: URLSearchParams): Promise<void> {
  const filters: HTMLFormElement = h(
    'form',
    { class: 'filters', 'aria-label': t('warn.filters') },
    select('rule', RULES, 'warnRule', query.get('rule')),
    select('status', STATUSES, 'warnStatus', query.get('status')),
    h('label', {}, t('warn.place'), h('input', { name: 'place', value: query.get('place') ?? '', inputmode: 'numeric', size: 8 })),
    h('button', { type: 'submit' }, t('warn.show')),
  );
  filters.addEventListener('submit', (event) => {
    event.preventDefault();
    const wanted = new URLSearchParams();
    for (const name of ['rule', 'status', 'place']) {
      const value = (filters.elements.namedItem(name) as HTMLInputElement).value.trim();
      if (value) wanted.set(name, value);
    }
    location.hash = `#/warnings${wanted.size ? `?${wanted}` : ''}`;
  });
  let items: Warning[];
  try {
    items = (await api<{ items: Warning[] }>('GET', `/v1/warnings?${query}`)).items;
  } catch (error) {
    show(main, heading(t('warn.title')), filters, errorNotice(error));
    return;
  }
  const table = items.length
    ? h(
        'div',
        { class: 'grid-scroll' },
        h(
          'table',
          { class: 'details-table warnings-table' },
          h('caption', {}, t('warn.caption')),
          h(
            'thead',
            {},
            h(
              'tr',
              {},
              (['warn.col.created', 'warn.col.rule', 'warn.col.subject', 'warn.col.place', 'warn.col.status', 'warn.col.case'] as const).map((k) =>
                h('th', { scope: 'col' }, t(k)),
              ),
            ),
          ),
          h(
            'tbody',
            {},
            items.map((w) =>
              h(
                'tr',
                { 'data-warning': w.id },
                h('th', { scope: 'row' }, h('a', { href: `#/warnings/${encodeURIComponent(w.id)}` }, formatTime(w.createdAt))),
                h('td', {}, label('warnRule', w.rule)),
                h('td', {}, subject(w)),
                h('td', {}, place(w)),
                h('td', {}, label('warnStatus', w.status)),
                h('td', {}, caseLink(w)),
              ),
            ),
          ),
        ),
      )
    : h('p', {}, t('warn.none'));
  show(main, heading(t('warn.title')), h('p', { class: 'hint' }, t('warn.intro')), filters, table);
}

const figureValue = (value: unknown): string =>
  typeof value === 'number' || typeof value === 'string' ? String(value) : Array.isArray(value) ? value.join('、') : '—';

export async function warningPage(main: HTMLElement, id: string): Promise<void> {
  let w: Warning;
  try {
    w = await api<Warning>('GET', `/v1/warnings/${encodeURIComponent(id)}`);
  } catch (error) {
    show(main, heading(t('warn.page', { id })), errorNotice(error));
    return;
  }
  const facts: Array<[string, Node | string]> = [
    [t('warn.col.rule'), label('warnRule', w.rule)],
    [t('warn.col.subject'), subject(w)],
    [t('warn.col.place'), place(w)],
    [t('warn.window'), t('warn.windowValue', { start: formatTime(w.windowStart), end: formatTime(w.windowEnd) })],
    [t('warn.col.status'), label('warnStatus', w.status)],
    [t('warn.case'), caseLink(w)],
    ...(w.dismissedBy
      ? ([
          [t('warn.dismissedBy'), w.dismissedBy],
          [t('warn.dismissalReasons'), (w.dismissalReasons ?? []).join('；')],
        ] as Array<[string, string]>)
      : []),
  ];
  const dl = (rows: Array<[string, Node | string]>, attributes: Record<string, string> = {}) =>
    h(
      'dl',
      { class: 'facts', ...attributes },
      rows.map(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]),
    );
  show(
    main,
    heading(t('warn.page', { id: w.id })),
    h('p', {}, h('a', { href: '#/warnings' }, t('warn.back'))),
    dl(facts),
    h('h2', {}, t('warn.figures')),
    dl(
      Object.entries(w.figures).map(([k, v]) => [label('warnFigure', k), figureValue(v)]),
      { 'data-figures': '' },
    ),
    h('h2', {}, t('warn.timeline')),
    h(
      'ol',
      { class: 'timeline' },
      (w.timeline ?? []).map((e) => h('li', {}, `${formatTime(e.at)} ${label('warnEvent', e.action)}（${e.actorId}）`)),
    ),
    w.status === 'open'
      ? apiForm({
          id: 'warning-dismissal',
          title: t('warn.dismiss'),
          intro: t('warn.dismiss.hint'),
          fields: [{ name: 'reasons', kind: 'lines', labelKey: 'field.reasons' }],
          submit: (body, idempotencyKey) => api('POST', `/v1/warnings/${encodeURIComponent(w.id)}/dismissal`, { body, idempotencyKey }),
          // The page again, as the dismissal left it.
          onDone: () => void warningPage(main, id),
        })
      : null,
  );
}
