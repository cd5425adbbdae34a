import { api, fetchFile, hasRole, type Me } from '../api';
import { h, show, type Child } from '../dom';
import { LEVELS, levelLabel } from '../forms';
import { formatTime, label, t, type MessageKey } from '../messages';
import { occupationName } from '../occupations';
import { placeName } from '../places';
import { SESSION_STATUSES } from '../session';
import { errorNotice, heading } from '../view';
import { calendars, dueDate, type Calendars } from '../workingDays';

/**
 * Registers (台账): one page per kind (#/registers/<kind>?<filters>), the filters in the address so that a filtered
 * list can be linked to and gone back to; a count, pages on demand, links to each case, and the filtered list's
 * export as XLSX or CSV.
 */

type Row = Record<string, any>;
type Filter = 'place' | 'occupation' | 'level' | 'held' | 'created' | 'due' | 'overdue' | 'pendingOnMe' | 'sort' | 'sessionDate' | 'signals';

interface Column {
  key: MessageKey;
  /** `calendar`: the working-day calendars of the page, for due times. */
  cell: (row: Row, calendar: Calendars) => Child;
}

interface Register {
  path: string;
  roles: string[];
  statuses: string[];
  filters: Filter[];
  columns: Column[];
}

export const REGISTER_KINDS = ['applications', 'stations', 'inspections', 'sessions', 'qualifications', 'examiners', 'complaints', 'campaigns'] as const;
export type RegisterKind = (typeof REGISTER_KINDS)[number];

const link = (hash: string, text: Child) => h('a', { href: hash }, text);
const caseLink = (process: string, id: string | number, text: Child) => link(`#/cases/${process}/${encodeURIComponent(String(id))}`, text);
const status = (row: Row) => h('span', { 'data-status': row.status }, label('status', row.status));
const region = (row: Row) => [row.provinceCode, row.cityCode].filter(Boolean).map(placeName).join(' / ') || '—';
const overdue = (due: string | null | undefined, escalation = 0) =>
  escalation > 0 || (due && Date.parse(due) < Date.now()) ? h('span', { class: 'badge danger' }, t('registers.overdueBadge')) : null;
/** A due time: its date and the working days left in the calendar of the case's province, and whether it is overdue. */
const due = (calendar: Calendars, dueAt: string | null | undefined, provinceCode: string | null | undefined, escalation?: number) => [
  dueDate(dueAt, provinceCode, calendar),
  overdue(dueAt, escalation),
];
const pendingAction = (row: Row) => (row.pending?.action ? label('action', row.pending.action) : '—');
const CASE_FILTERS: Filter[] = ['place', 'occupation', 'created', 'due', 'overdue', 'pendingOnMe', 'sort'];

const REGISTERS: Record<RegisterKind, Register> = {
  applications: {
    path: '/v1/station-applications',
    roles: ['station_admin', 'supervisor', 'reviewer', 'inspector'],
    statuses: [
      'submitted',
      'incomplete',
      'awaiting_reviewer',
      'in_review',
      'returned',
      'awaiting_assessors',
      'on_site',
      'awaiting_concurrence',
      'awaiting_decision',
      'approved',
      'rejected',
      'withdrawn',
    ],
    filters: CASE_FILTERS,
    columns: [
      { key: 'registers.col.stationName', cell: (r) => caseLink('station-application', r.id, r.stationName) },
      { key: 'registers.col.organisation', cell: (r) => r.organisation },
      { key: 'registers.col.region', cell: region },
      { key: 'registers.col.status', cell: status },
      { key: 'registers.col.pending', cell: pendingAction },
      { key: 'registers.col.due', cell: (r, c) => due(c, r.pending?.dueAt, r.provinceCode, r.pending?.escalationLevel) },
      { key: 'registers.col.submittedAt', cell: (r) => formatTime(r.submittedAt) },
    ],
  },
  stations: {
    path: '/v1/stations',
    roles: ['supervisor', 'station_admin', 'inspector', 'reviewer'],
    statuses: ['active', 'suspended', 'lapsed', 'revoked'],
    filters: ['place', 'occupation', 'created', 'due', 'overdue', 'sort'],
    columns: [
      { key: 'registers.col.name', cell: (r) => caseLink('station', r.id, r.name) },
      { key: 'registers.col.licence', cell: (r) => r.licenceNumber },
      { key: 'registers.col.region', cell: region },
      { key: 'registers.col.status', cell: status },
      { key: 'registers.col.rating', cell: (r) => r.rating ?? '—' },
      {
        key: 'registers.col.nextDue',
        cell: (r, c) => (r.status === 'active' ? due(c, r.nextInspectionDueAt, r.provinceCode) : formatTime(r.nextInspectionDueAt)),
      },
      { key: 'registers.col.demonstration', cell: (r) => label('demonstration', r.demonstration) },
    ],
  },
  inspections: {
    path: '/v1/inspections',
    roles: ['supervisor', 'inspector', 'station_admin'],
    statuses: [
      'awaiting_team',
      'awaiting_acknowledgement',
      'fieldwork',
      'awaiting_report',
      'awaiting_review',
      'rectification',
      'verification',
      'awaiting_sanction',
      'closed',
      'revoked',
    ],
    filters: CASE_FILTERS,
    columns: [
      { key: 'registers.col.id', cell: (r) => caseLink('inspection', r.id, r.id) },
      { key: 'registers.col.station', cell: (r) => caseLink('station', r.stationId, String(r.stationId)) },
      { key: 'registers.col.kind', cell: (r) => label('kind', r.kind) },
      { key: 'registers.col.status', cell: status },
      { key: 'registers.col.pending', cell: pendingAction },
      // In the station's province (`provinceCode`), else the national calendar.
      { key: 'registers.col.due', cell: (r, c) => due(c, r.pending?.dueAt, r.provinceCode, r.pending?.escalationLevel) },
      { key: 'registers.col.rating', cell: (r) => r.rating ?? '—' },
    ],
  },
  sessions: {
    path: '/v1/sessions',
    roles: ['station_admin', 'supervisor', 'reviewer', 'examiner', 'quality_supervisor'],
    statuses: [...SESSION_STATUSES],
    filters: ['place', 'occupation', 'level', 'held', 'sessionDate', 'signals', 'created', 'due', 'overdue', 'pendingOnMe', 'sort'],
    columns: [
      { key: 'registers.col.sessionDate', cell: (r) => caseLink('session', r.id, r.date) },
      { key: 'registers.col.station', cell: (r) => caseLink('station', r.stationId, r.stationName) },
      { key: 'registers.col.occupation', cell: (r) => occupationName(r.occupationCode) },
      { key: 'registers.col.level', cell: (r) => levelLabel(r.level) },
      { key: 'registers.col.region', cell: (r) => region(r.site) },
      { key: 'registers.col.status', cell: status },
      { key: 'registers.col.candidates', cell: (r) => String(r.candidates) },
      { key: 'registers.col.passed', cell: (r) => (r.status === 'approved' ? String(r.passed) : '—') },
      {
        key: 'registers.col.signals',
        cell: (r) =>
          (r.signals as Array<{ rule: string; serious: boolean }>).length
            ? h(
                'ul',
                { class: 'signals' },
                (r.signals as Array<{ rule: string; serious: boolean }>).map((x) =>
                  h('li', { 'data-signal': x.rule }, label('signal', x.rule), x.serious ? h('span', { class: 'badge danger' }, t('sessions.serious')) : null),
                ),
              )
            : '—',
      },
      { key: 'registers.col.pending', cell: pendingAction },
      { key: 'registers.col.due', cell: (r, c) => due(c, r.pending?.dueAt, r.site?.provinceCode, r.pending?.escalationLevel) },
    ],
  },
  qualifications: {
    path: '/v1/qualifications',
    roles: ['examiner', 'reviewer', 'supervisor'],
    statuses: ['applied', 'active', 'renewal_submitted', 'awaiting_supervisor', 'suspended', 'lapsed', 'revoked', 'rejected'],
    filters: ['place', 'occupation', 'created', 'due', 'pendingOnMe', 'sort'],
    columns: [
      { key: 'registers.col.card', cell: (r) => caseLink('qualification', r.id, r.cardNumber ?? r.id) },
      { key: 'registers.col.examiner', cell: (r) => caseLink('examiner', r.examinerId, r.examinerId) },
      { key: 'registers.col.occupation', cell: (r) => occupationName(r.occupationCode) },
      { key: 'registers.col.level', cell: (r) => levelLabel(r.level) },
      { key: 'registers.col.status', cell: status },
      { key: 'registers.col.expiresAt', cell: (r) => formatTime(r.expiresAt) },
    ],
  },
  examiners: {
    path: '/v1/examiners',
    roles: ['examiner', 'reviewer', 'supervisor'],
    statuses: ['active', 'suspended', 'lapsed', 'revoked'],
    filters: ['place', 'occupation'],
    columns: [
      { key: 'registers.col.personName', cell: (r) => caseLink('examiner', r.id, r.name) },
      { key: 'registers.col.id', cell: (r) => r.id },
      { key: 'registers.col.organisation', cell: (r) => r.organisation },
      { key: 'registers.col.region', cell: (r) => placeName(r.regionCode) },
      { key: 'registers.col.status', cell: status },
      { key: 'registers.col.suspendedUntil', cell: (r) => formatTime(r.suspendedUntil) },
    ],
  },
  complaints: {
    path: '/v1/complaints',
    roles: ['complaint_handler', 'supervisor', 'inspector'],
    statuses: ['consultation', 'answered', 'received', 'triaged', 'investigating', 'closed', 'appealed', 'merged', 'final'],
    filters: CASE_FILTERS,
    columns: [
      { key: 'registers.col.trackingNumber', cell: (r) => caseLink('complaint', r.id, r.trackingNumber) },
      { key: 'registers.col.category', cell: (r) => label('category', r.category) },
      { key: 'registers.col.severity', cell: (r) => (r.severity ? label('severity', r.severity) : label('severity', 'untriaged')) },
      { key: 'registers.col.region', cell: (r) => placeName(r.provinceCode) },
      { key: 'registers.col.status', cell: status },
      { key: 'registers.col.due', cell: (r, c) => due(c, r.dueAt, r.provinceCode, r.escalationLevel) },
      { key: 'registers.col.createdAt', cell: (r) => formatTime(r.createdAt) },
    ],
  },
  campaigns: {
    path: '/v1/campaigns',
    roles: ['supervisor'],
    statuses: ['running', 'completed'],
    filters: ['place', 'occupation', 'created'],
    columns: [
      { key: 'registers.col.name', cell: (r) => link(`#/campaigns/${encodeURIComponent(r.id)}`, r.name) },
      { key: 'registers.col.status', cell: status },
      { key: 'registers.col.region', cell: (r) => region(r.filter ?? {}) },
      { key: 'registers.col.matched', cell: (r) => String(r.matched) },
      { key: 'registers.col.started', cell: (r) => String(r.started) },
      { key: 'registers.col.launchedAt', cell: (r) => formatTime(r.createdAt) },
    ],
  },
};

export const isRegisterKind = (kind: string): kind is RegisterKind => (REGISTER_KINDS as readonly string[]).includes(kind);
/** The registers this user's roles open. */
export const registersFor = (me: Me) => REGISTER_KINDS.filter((kind) => hasRole(me, ...REGISTERS[kind].roles));

function menu(me: Me, current?: RegisterKind): HTMLElement {
  return h(
    'nav',
    { class: 'registers-menu', 'aria-label': t('registers.menu') },
    h(
      'ul',
      {},
      registersFor(me).map((kind) =>
        h('li', {}, h('a', { href: `#/registers/${kind}`, 'aria-current': kind === current ? 'page' : null }, t(`registers.kind.${kind}`))),
      ),
    ),
  );
}

export function registersIndexPage(main: HTMLElement, me: Me): void {
  show(main, heading(t('registers.title')), h('p', {}, t('registers.intro')), menu(me));
}

/** The form's fields, as the address holds them (days as the user picked them). */
const FIELDS = [
  'q',
  'status',
  'provinceCode',
  'cityCode',
  'occupationCode',
  'createdFrom',
  'createdTo',
  'dueFrom',
  'dueTo',
  'overdue',
  'pendingOnMe',
  'sort',
  'dateFrom',
  'dateTo',
  'signals',
  'level',
  'held',
] as const;

/** The start of a day picked in the user's own time zone, as the API takes times. */
const startOf = (day: string, plusDays = 0) => {
  const [y, m, d] = day.split('-').map(Number);
  return new Date(y, m - 1, d + plusDays).toISOString();
};

/** The API's query for the filters in the address: a "to" day includes the whole day. */
function apiQuery(filters: URLSearchParams): URLSearchParams {
  const query = new URLSearchParams();
  for (const [name, value] of filters) {
    if (!value || !(FIELDS as readonly string[]).includes(name)) continue;
    const day = /^\d{4}-\d{2}-\d{2}$/.test(value);
    if (name === 'createdFrom' || name === 'dueFrom') query.set(name, day ? startOf(value) : value);
    else if (name === 'createdTo' || name === 'dueTo') query.set(name === 'createdTo' ? 'createdBefore' : 'dueBefore', day ? startOf(value, 1) : value);
    else query.set(name, value);
  }
  return query;
}

function filterForm(kind: RegisterKind, register: Register, filters: URLSearchParams): HTMLFormElement {
  const id = (name: string) => `register-${name}`;
  const value = (name: string) => filters.get(name) ?? '';
  const field = (name: string, text: string, input: HTMLElement) => h('div', { class: 'field' }, h('label', { for: id(name) }, text), input);
  const text = (name: string, caption: string, attributes: Record<string, string> = {}) =>
    field(name, caption, h('input', { id: id(name), name, type: 'text', value: value(name), ...attributes }));
  const date = (name: string, caption: string) => field(name, caption, h('input', { id: id(name), name, type: 'date', value: value(name) }));
  const check = (name: string, caption: string) =>
    h(
      'div',
      { class: 'field checkbox' },
      h('label', { for: id(name) }, h('input', { id: id(name), name, type: 'checkbox', value: 'true', checked: value(name) === 'true' }), ' ', caption),
    );
  const has = (filter: Filter) => register.filters.includes(filter);
  const created = has('created') ? t(`registers.created.${kind}` as MessageKey) : '';
  const dueLabel = has('due') ? t(`registers.due.${kind}` as MessageKey) : '';
  const form = h(
    'form',
    { class: 'filters', role: 'search', 'aria-label': t('registers.filters') },
    text('q', t(`registers.search.${kind}`), { size: '28', maxlength: '100' }),
    field(
      'status',
      t('registers.status'),
      h(
        'select',
        { id: id('status'), name: 'status' },
        h('option', { value: '' }, t('registers.all')),
        register.statuses.map((s) => h('option', { value: s, selected: s === value('status') }, label('status', s))),
      ),
    ),
    has('place')
      ? [
          text('provinceCode', t('registers.provinceCode'), { inputmode: 'numeric', pattern: '\\d{6}', size: '8' }),
          text('cityCode', t('registers.cityCode'), { inputmode: 'numeric', pattern: '\\d{6}', size: '8' }),
        ]
      : null,
    has('occupation') ? text('occupationCode', t('registers.occupationCode'), { pattern: '\\d-\\d{2}-\\d{2}-\\d{2}', size: '12' }) : null,
    has('level')
      ? field(
          'level',
          t('registers.level'),
          h(
            'select',
            { id: id('level'), name: 'level' },
            h('option', { value: '' }, t('registers.all')),
            LEVELS.map((l) => h('option', { value: String(l), selected: String(l) === value('level') }, levelLabel(l))),
          ),
        )
      : null,
    has('held') ? check('held', t('registers.held')) : null,
    has('sessionDate')
      ? [date('dateFrom', t('registers.from', { what: t('registers.sessionDate') })), date('dateTo', t('registers.to', { what: t('registers.sessionDate') }))]
      : null,
    has('signals')
      ? field(
          'signals',
          t('registers.signals'),
          h(
            'select',
            { id: id('signals'), name: 'signals' },
            h('option', { value: '' }, t('registers.all')),
            ['any', 'serious', 'none'].map((v) => h('option', { value: v, selected: v === value('signals') }, t(`registers.signals.${v}` as MessageKey))),
          ),
        )
      : null,
    has('created') ? [date('createdFrom', t('registers.from', { what: created })), date('createdTo', t('registers.to', { what: created }))] : null,
    has('due') ? [date('dueFrom', t('registers.from', { what: dueLabel })), date('dueTo', t('registers.to', { what: dueLabel }))] : null,
    has('overdue') ? check('overdue', t('registers.overdue')) : null,
    has('pendingOnMe') ? check('pendingOnMe', t('registers.pendingOnMe')) : null,
    has('sort')
      ? field(
          'sort',
          t('registers.sort'),
          h(
            'select',
            { id: id('sort'), name: 'sort' },
            ['newest', 'due'].map((s) => h('option', { value: s, selected: s === (value('sort') || 'newest') }, t(`registers.sort.${s}` as MessageKey))),
          ),
        )
      : null,
    h('button', { type: 'submit' }, t('registers.filter')),
    h('a', { href: `#/registers/${kind}`, class: 'reset' }, t('registers.reset')),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const chosen = new URLSearchParams();
    for (const [name, entry] of new FormData(form))
      if (typeof entry === 'string' && entry.trim() && !(name === 'sort' && entry === 'newest')) chosen.set(name, entry.trim());
    const query = chosen.toString();
    location.hash = `#/registers/${kind}${query ? `?${query}` : ''}`;
  });
  return form;
}

/** Saves a blob under a name: the export is fetched with the token, then handed to the browser as a download. */
export function save(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const anchor = h('a', { href: url, download: name, hidden: true });
  document.body.append(anchor);
  anchor.click();
  anchor.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

function downloads(kind: RegisterKind, register: Register, query: URLSearchParams): HTMLElement {
  const notice = h('p', { role: 'status', class: 'download-status' });
  const button = (extension: 'xlsx' | 'csv') =>
    h(
      'button',
      {
        type: 'button',
        'data-export': extension,
        onclick: async () => {
          notice.textContent = t('registers.downloading');
          try {
            save(
              await fetchFile(`${register.path}/export.${extension}?${query}`),
              `${t(`registers.kind.${kind}`).replace(/\//g, '')}-${new Date().toISOString().slice(0, 10)}.${extension}`,
            );
            notice.textContent = t('registers.downloaded');
          } catch (error) {
            notice.replaceChildren(errorNotice(error));
          }
        },
      },
      t(extension === 'xlsx' ? 'registers.xlsx' : 'registers.csv'),
    );
  return h(
    'section',
    { class: 'exports', 'aria-labelledby': 'register-export' },
    h('h2', { id: 'register-export' }, t('registers.export')),
    h('p', {}, button('xlsx'), ' ', button('csv')),
    notice,
  );
}

export async function registerPage(main: HTMLElement, me: Me, kind: RegisterKind, filters: URLSearchParams): Promise<void> {
  const register = REGISTERS[kind];
  const title = t(`registers.kind.${kind}`);
  const form = filterForm(kind, register, filters);
  const query = apiQuery(filters);
  show(main, heading(title), menu(me, kind), form, h('p', { role: 'status' }, t('common.loading')));
  const body = h('tbody', {});
  const count = h('p', { role: 'status', class: 'register-count' });
  const more = h('button', { type: 'button', class: 'more' }, t('registers.more'));
  const calendar = calendars();
  let shown = 0;
  const load = async (cursor: string | null) => {
    const page = new URLSearchParams(query);
    page.set('limit', '50');
    if (cursor) page.set('cursor', cursor);
    const { items, total, nextCursor } = await api<{ items: Row[]; total: number; nextCursor: string | null }>('GET', `${register.path}?${page}`);
    body.append(
      ...items.map((row) =>
        h(
          'tr',
          { 'data-id': String(row.id) },
          register.columns.map((c, i) => (i === 0 ? h('th', { scope: 'row' }, c.cell(row, calendar)) : h('td', {}, c.cell(row, calendar)))),
        ),
      ),
    );
    shown += items.length;
    count.textContent = nextCursor ? t('registers.countShown', { n: total, shown }) : t('registers.count', { n: total });
    more.hidden = !nextCursor;
    more.onclick = nextCursor ? () => void load(nextCursor).catch((error) => more.replaceWith(errorNotice(error))) : null;
    return total;
  };
  try {
    const total = await load(null);
    show(
      main,
      heading(title),
      menu(me, kind),
      form,
      count,
      total === 0
        ? h('p', { class: 'notice' }, t('registers.empty'))
        : h(
            'table',
            { class: `register register-${kind}` },
            h('caption', {}, title),
            h(
              'thead',
              {},
              h(
                'tr',
                {},
                register.columns.map((c) => h('th', { scope: 'col' }, t(c.key))),
              ),
            ),
            body,
          ),
      more,
      downloads(kind, register, query),
    );
  } catch (error) {
    show(main, heading(title), menu(me, kind), form, errorNotice(error));
  }
}
