import { api, fetchFile, type Me } from '../api';
import { h, show } from '../dom';
import { levelLabel } from '../forms';
import { isMessageKey, t, type MessageKey } from '../messages';
import { occupationName } from '../occupations';
import { placeName } from '../places';
import { barChart, errorNotice, heading } from '../view';
import { save } from './registers';

/**
 * Statistics (统计, #/statistics?subject=…&period=…|from=…&to=…&place=…&by=…): the figures of the caller's jurisdictions
 * for a period, grouped by place (drilling down nation → provinces → cities, a breadcrumb back up), occupation or level;
 * a table whose numbers open the register filtered to the cases behind them, bar charts of the main figures, exports and
 * a province's quarterly report. The choices live in the address, so a view can be linked to and gone back to.
 * Complaints are counted in the same scheme (GET /v1/statistics/complaints) as every other subject; the complaints'
 * own endpoint (GET /v1/complaints/statistics) stays for its API callers.
 */

type Row = Record<string, any>;

const SUBJECTS = ['sessions', 'certificates', 'blankForms', 'stations', 'examiners', 'inspections', 'complaints'] as const;
type Subject = (typeof SUBJECTS)[number];
type Figures = Subject;
const BYS = ['place', 'occupation', 'level'] as const;
type By = (typeof BYS)[number];
const PERIOD_KINDS = ['month', 'quarter', 'year', 'range'] as const;
type PeriodKind = (typeof PERIOD_KINDS)[number];

/** Each subject's figures as the API names them (its table's columns), and those drawn as charts. */
const FIGURES: Record<Figures, { columns: string[]; charts: string[]; bys: readonly By[] }> = {
  sessions: { columns: ['held', 'candidates', 'passed', 'passRate', 'supervised', 'withSignals'], charts: ['held', 'candidates', 'passRate'], bys: BYS },
  certificates: { columns: ['issued', 'revoked', 'valid', 'replaced'], charts: ['issued', 'revoked'], bys: BYS },
  // Blank forms are counted where they are, by place only: they have no occupation or level.
  blankForms: { columns: ['province', 'station', 'printed', 'voided'], charts: ['station', 'printed'], bys: ['place'] },
  // The other subjects carry no occupation or level on most of their figures: counted by place only.
  stations: {
    columns: [
      'active',
      'suspended',
      'revoked',
      'ratingA',
      'ratingB',
      'ratingC',
      'ratingD',
      'unrated',
      'demonstration',
      'demonstrationCandidates',
      'licenceExpiring',
    ],
    charts: ['active', 'licenceExpiring'],
    bys: ['place'],
  },
  examiners: { columns: ['active', 'suspended', 'lapsed', 'revoked', 'expiring', 'violations'], charts: ['active', 'expiring'], bys: ['place'] },
  inspections: {
    columns: [
      'due',
      'overdue',
      'done',
      'ratedA',
      'ratedB',
      'ratedC',
      'ratedD',
      'rectificationOpen',
      'sanctionWarnings',
      'sanctionSuspensions',
      'sanctionRevocations',
    ],
    charts: ['overdue', 'done'],
    bys: ['place'],
  },
  complaints: {
    columns: [
      'received',
      'open',
      'openFraudulent',
      'openCrossRegion',
      'openOutOfScope',
      'openExaminerMisconduct',
      'openCertificate',
      'openOther',
      'openUntriaged',
      'openNormal',
      'openSerious',
      'openCritical',
      'closed',
      'slaMet',
      'slaRate',
      'found',
      'substantiated',
      'substantiatedRate',
    ],
    charts: ['open', 'slaRate', 'substantiatedRate'],
    bys: ['place'],
  },
};

/** A figure's label: the subject's own where it has one (stations' and examiners' "active" differ), else the shared one. */
function figureLabel(subject: Subject, figure: string): string {
  const own = `stat.fig.${subject}.${figure}`;
  return t(isMessageKey(own) ? own : (`stat.fig.${figure}` as MessageKey));
}

const isRate = (figure: string) => figure === 'passRate' || figure === 'slaRate' || figure === 'substantiatedRate';
const figureText = (figure: string, value: unknown) =>
  value === null || value === undefined ? '—' : isRate(figure) ? `${(Number(value) * 100).toFixed(1)}%` : Number(value).toLocaleString();

interface Period {
  kind: PeriodKind;
  /** The API's `period` (2026Q4, 2026-11, 2026); none for a date range. */
  value?: string;
  from?: string;
  to?: string;
}

/** Today in China (UTC+8, no summer time), as YYYY-MM-DD: the figures are counted by China dates. */
const chinaToday = () => new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
const quarterOf = (day: string) => `${day.slice(0, 4)}Q${Math.floor((Number(day.slice(5, 7)) - 1) / 3) + 1}`;

function periodOf(query: URLSearchParams): Period {
  const value = query.get('period') ?? '';
  if (/^\d{4}Q[1-4]$/.test(value)) return { kind: 'quarter', value };
  if (/^\d{4}-\d{2}$/.test(value)) return { kind: 'month', value };
  if (/^\d{4}$/.test(value)) return { kind: 'year', value };
  const from = query.get('from') ?? '';
  const to = query.get('to') ?? '';
  if (from && to) return { kind: 'range', from, to };
  return { kind: 'quarter', value: quarterOf(chinaToday()) };
}

function periodText(period: Period): string {
  const value = period.value ?? '';
  if (period.kind === 'quarter') return t('stat.period.quarter', { year: value.slice(0, 4), q: value.slice(5) });
  if (period.kind === 'month') return t('stat.period.month', { year: value.slice(0, 4), month: Number(value.slice(5)) });
  if (period.kind === 'year') return t('stat.period.year', { year: value });
  return t('stat.period.range', { from: period.from ?? '', to: period.to ?? '' });
}

/** The places a supervisor may count: their jurisdictions that are places (the nation, provinces, cities), not industries. */
function placesOf(me: Me): string[] {
  const places = me.jurisdictions.filter((code) => code === 'CN' || /^\d{4}00$/.test(code));
  // An industry authority counts its occupations across the nation.
  return places.length || !me.jurisdictions.some((code) => code.startsWith('IND:')) ? places : ['CN'];
}
const provinceOf = (code: string) => `${code.slice(0, 2)}0000`;
const isProvince = (code: string) => /^\d{2}0000$/.test(code);
const isCity = (code: string) => /^\d{4}00$/.test(code) && !isProvince(code);

/** The way from the caller's jurisdiction down to the place (全国 › 广东省 › 广州市), starting where the caller's jurisdiction starts. */
function trail(place: string, jurisdictions: string[]): string[] {
  const chain = place === 'CN' ? ['CN'] : isProvince(place) ? ['CN', place] : ['CN', provinceOf(place), place];
  const start = chain.findIndex((code) => jurisdictions.includes(code));
  return chain.slice(Math.max(0, start));
}

interface View {
  subject: Subject;
  period: Period;
  place: string;
  by: By;
}

/**
 * The groupings a subject has at a place, the default first: a city has no places below it (by place it shows its own
 * row), so a subject counted by occupation starts there.
 */
const bysAt = (subject: Figures, place: string): readonly By[] =>
  isCity(place) && FIGURES[subject].bys.length > 1 ? ['occupation', 'level', 'place'] : FIGURES[subject].bys;

function viewOf(me: Me, query: URLSearchParams): View {
  const subject = (SUBJECTS as readonly string[]).includes(query.get('subject') ?? '') ? (query.get('subject') as Subject) : 'sessions';
  const place = query.get('place') || placesOf(me)[0] || '';
  const asked = query.get('by') as By;
  const bys = bysAt(subject, place);
  return { subject, period: periodOf(query), place, by: bys.includes(asked) ? asked : (bys[0] ?? 'place') };
}

/** The API's query for a view. */
function apiQuery(view: View): URLSearchParams {
  const { value, from = '', to = '' } = view.period;
  return new URLSearchParams({ ...(value ? { period: value } : { from, to }), place: view.place, by: view.by });
}

/** The page's address for a view: the API's query and the subject. */
const hashOf = (view: View) => `#/statistics?subject=${view.subject}&${apiQuery(view)}`;

function subjectTabs(view: View): HTMLElement {
  return h(
    'nav',
    { class: 'stat-subjects', 'aria-label': t('stat.subjects') },
    h(
      'ul',
      {},
      SUBJECTS.map((subject) =>
        h('li', {}, h('a', { href: hashOf({ ...view, subject }), 'aria-current': subject === view.subject ? 'page' : null }, t(`stat.subject.${subject}`))),
      ),
    ),
  );
}

/** The period and place form: the period's own fields shown for the kind chosen; submitting changes the address. */
function chooser(me: Me, view: View): HTMLFormElement {
  const id = (name: string) => `stat-${name}`;
  const field = (name: string, text: string, input: HTMLElement, kind?: PeriodKind) =>
    h(
      'div',
      { class: 'field', 'data-period': kind ?? null, hidden: kind !== undefined && kind !== view.period.kind },
      h('label', { for: id(name) }, text),
      input,
    );
  const current = view.period.value ?? '';
  const today = chinaToday();
  const quarter = view.period.kind === 'quarter' ? current : quarterOf(view.period.from ?? today);
  const year = (view.period.kind === 'year' ? current : (view.period.value ?? view.period.from ?? today)).slice(0, 4);
  const places = placesOf(me);
  // A place drilled into is not one of the caller's jurisdictions: it is offered too, so the form keeps it.
  const offered = places.includes(view.place) || !view.place ? places : [...places, view.place];
  const form = h(
    'form',
    { class: 'filters stat-chooser', 'aria-label': t('stat.choose') },
    field(
      'kind',
      t('stat.periodKind'),
      h(
        'select',
        { id: id('kind'), name: 'kind' },
        PERIOD_KINDS.map((kind) => h('option', { value: kind, selected: kind === view.period.kind }, t(`stat.periodKind.${kind}`))),
      ),
    ),
    field(
      'month',
      t('stat.month'),
      h('input', { id: id('month'), name: 'month', type: 'month', value: view.period.kind === 'month' ? current : today.slice(0, 7) }),
      'month',
    ),
    field(
      'quarter-year',
      t('stat.year'),
      h('input', { id: id('quarter-year'), name: 'quarterYear', type: 'number', min: 2000, max: 2100, value: quarter.slice(0, 4) }),
      'quarter',
    ),
    field(
      'quarter',
      t('stat.quarter'),
      h(
        'select',
        { id: id('quarter'), name: 'quarter' },
        ['1', '2', '3', '4'].map((q) => h('option', { value: q, selected: quarter.slice(5) === q }, t('stat.quarterOf', { q }))),
      ),
      'quarter',
    ),
    field('year', t('stat.year'), h('input', { id: id('year'), name: 'year', type: 'number', min: 2000, max: 2100, value: year }), 'year'),
    field('from', t('stat.from'), h('input', { id: id('from'), name: 'from', type: 'date', value: view.period.from ?? `${today.slice(0, 8)}01` }), 'range'),
    field('to', t('stat.to'), h('input', { id: id('to'), name: 'to', type: 'date', value: view.period.to ?? today }), 'range'),
    field(
      'place',
      t('stat.place'),
      h(
        'select',
        { id: id('place'), name: 'place' },
        offered.map((code) => h('option', { value: code, selected: code === view.place }, trail(code, places).map(placeName).join(' › '))),
      ),
    ),
    h('button', { type: 'submit' }, t('stat.show')),
  );
  const kindSelect = form.querySelector<HTMLSelectElement>('select[name=kind]')!;
  kindSelect.addEventListener('change', () => {
    for (const element of form.querySelectorAll<HTMLElement>('[data-period]')) element.hidden = element.dataset.period !== kindSelect.value;
  });
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const data = new FormData(form);
    const get = (name: string) => {
      const value = data.get(name);
      return typeof value === 'string' ? value.trim() : '';
    };
    const kind = get('kind') as PeriodKind;
    const period: Period =
      kind === 'month'
        ? { kind, value: get('month') }
        : kind === 'year'
          ? { kind, value: get('year') }
          : kind === 'range'
            ? { kind, from: get('from'), to: get('to') }
            : { kind, value: `${get('quarterYear')}Q${get('quarter')}` };
    location.hash = hashOf({ ...view, period, place: get('place') });
  });
  return form;
}

function breadcrumb(me: Me, view: View): HTMLElement {
  const codes = trail(view.place, placesOf(me));
  return h(
    'nav',
    { class: 'breadcrumb', 'aria-label': t('stat.breadcrumb') },
    h(
      'ol',
      {},
      codes.map((code, i) =>
        h(
          'li',
          {},
          i === codes.length - 1
            ? h('span', { 'aria-current': 'location' }, placeName(code))
            : h('a', { href: hashOf({ ...view, place: code }) }, placeName(code)),
        ),
      ),
    ),
  );
}

function groupings(view: View & { subject: Figures }): HTMLElement | null {
  const bys = bysAt(view.subject, view.place);
  if (bys.length < 2) return null;
  return h(
    'nav',
    { class: 'stat-by', 'aria-label': t('stat.groupings') },
    h(
      'ul',
      {},
      bys.map((by) => h('li', {}, h('a', { href: hashOf({ ...view, by }), 'aria-current': by === view.by ? 'page' : null }, t(`stat.by.${by}`)))),
    ),
  );
}

/** A row's name as the reader reads it: places and levels by the console's own labels, unknown places said so. */
function rowName(by: By, row: Row): string {
  const key = String(row.key ?? '');
  if (by === 'level') return key && key !== '0' ? levelLabel(key) : (row.name ?? '—');
  if (by === 'occupation') return key ? occupationName(key) : (row.name ?? '—');
  if (!key || key === 'unknown') return t('stat.unknownPlace');
  const name = placeName(key);
  return name === key ? (row.name ?? key) : name;
}

/** A figure's register link: the number's own (the API's `links`), else its row's. */
const linkOf = (row: Row, figure: string): string | null =>
  (row.links as Record<string, string> | undefined)?.[figure] ?? (typeof row.registerLink === 'string' ? row.registerLink : null);

/** The grouping kept when drilling into a place: the same where it applies there, else the place's default. */
const drillBy = (view: View, place: string): By => {
  const bys = bysAt(view.subject, place);
  return view.by === 'place' && isCity(place) ? bys[0] : bys.includes(view.by) ? view.by : bys[0];
};

function figuresTable(view: View & { subject: Figures }, answer: Row): HTMLTableElement {
  const { columns } = FIGURES[view.subject];
  const drillable = view.by === 'place' && !isCity(view.place);
  const cell = (row: Row, name: string, figure: string) => {
    const value = figureText(figure, row[figure]);
    const href = row[figure] === null || row[figure] === undefined ? null : linkOf(row, figure);
    return h(
      'td',
      { class: 'number', 'data-figure': figure },
      href ? h('a', { href, 'aria-label': t('stat.figureLink', { name, figure: figureLabel(view.subject, figure), value }) }, value) : value,
    );
  };
  const nameCell = (row: Row) => {
    const name = rowName(view.by, row);
    const key = String(row.key ?? '');
    // Drilling goes one level down, to a province or a city the API named; an unknown place has nothing below it.
    const canDrill = drillable && /^\d{6}$/.test(key) && key !== view.place;
    return h(
      'th',
      { scope: 'row' },
      canDrill
        ? h('a', { href: hashOf({ ...view, place: key, by: drillBy(view, key) }), 'data-drill': key, title: t('stat.drill', { place: name }) }, name)
        : name,
    );
  };
  const rows = answer.rows as Row[];
  return h(
    'table',
    { class: 'stat-figures', 'data-subject': view.subject },
    h(
      'caption',
      {},
      t('stat.caption', {
        subject: t(`stat.subject.${view.subject}`),
        place: placeName(view.place),
        period: periodText(view.period),
        by: t(`stat.by.${view.by}`),
      }),
    ),
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        h('th', { scope: 'col' }, t(`stat.col.${view.by}`)),
        columns.map((figure) => h('th', { scope: 'col', class: 'number', 'data-figure': figure }, figureLabel(view.subject, figure))),
      ),
    ),
    h(
      'tbody',
      {},
      rows.length
        ? rows.map((row) =>
            h(
              'tr',
              { 'data-key': String(row.key ?? '') },
              nameCell(row),
              columns.map((figure) => cell(row, rowName(view.by, row), figure)),
            ),
          )
        : h('tr', {}, h('td', { colspan: columns.length + 1 }, t('stat.none'))),
    ),
    answer.total
      ? h(
          'tfoot',
          {},
          h(
            'tr',
            { 'data-key': 'total' },
            h('th', { scope: 'row' }, t('stat.total')),
            columns.map((figure) => cell(answer.total, t('stat.total'), figure)),
          ),
        )
      : null,
  );
}

/** The subject's main figures as bars; the image's text alternative says every bar's value (the table stays the full source). */
function charts(view: View & { subject: Figures }, rows: Row[]): HTMLElement | null {
  if (!rows.length) return null;
  return h(
    'div',
    { class: 'charts' },
    FIGURES[view.subject].charts.map((figure) => {
      const title = t('stat.chart', { figure: figureLabel(view.subject, figure), by: t(`stat.by.${view.by}`) });
      const bars = rows.map((row) => ({ label: rowName(view.by, row), value: Number(row[figure] ?? 0), display: figureText(figure, row[figure]) }));
      const chart = barChart(title, bars);
      chart.querySelector('svg')?.setAttribute('aria-label', t('stat.chartText', { title, values: bars.map((b) => `${b.label} ${b.display}`).join('；') }));
      return chart;
    }),
  );
}

function downloads(view: View & { subject: Figures }): HTMLElement {
  const notice = h('p', { role: 'status', class: 'download-status' });
  const period = view.period.value ?? `${view.period.from}_${view.period.to}`;
  const fetchAndSave = async (path: string, name: string) => {
    notice.textContent = t('registers.downloading');
    try {
      save(await fetchFile(path), name);
      notice.textContent = t('registers.downloaded');
    } catch (error) {
      notice.replaceChildren(errorNotice(error));
    }
  };
  const exportButton = (format: 'xlsx' | 'csv') =>
    h(
      'button',
      {
        type: 'button',
        'data-export': format,
        onclick: () => {
          const query = apiQuery(view);
          query.set('format', format);
          void fetchAndSave(
            `/v1/statistics/${view.subject}?${query}`,
            `${t('stat.title')}-${t(`stat.subject.${view.subject}`)}-${placeName(view.place)}-${period}-${t(`stat.by.${view.by}`)}.${format}`,
          );
        },
      },
      t(format === 'xlsx' ? 'stat.xlsx' : 'stat.csv'),
    );
  // A province's quarterly report: the quarter chosen, or the one the period starts in.
  const quarter = view.period.kind === 'quarter' ? view.period.value! : quarterOf(view.period.from ?? `${view.period.value}-01-01`.slice(0, 10));
  const quarterName = periodText({ kind: 'quarter', value: quarter });
  return h(
    'section',
    { class: 'exports', 'aria-labelledby': 'stat-export' },
    h('h2', { id: 'stat-export' }, t('stat.export')),
    h('p', {}, exportButton('xlsx'), ' ', exportButton('csv')),
    isProvince(view.place)
      ? [
          h('p', {}, t('stat.quarterlyIntro')),
          h(
            'p',
            {},
            h(
              'button',
              {
                type: 'button',
                'data-export': 'quarterly',
                onclick: () =>
                  void fetchAndSave(
                    `/v1/statistics/quarterly-report?${new URLSearchParams({ province: view.place, quarter })}`,
                    `${t('stat.quarterlyFile')}-${placeName(view.place)}-${quarter}.xlsx`,
                  ),
              },
              t('stat.quarterly', { place: placeName(view.place), quarter: quarterName }),
            ),
          ),
        ]
      : null,
    notice,
  );
}

export async function statisticsPage(main: HTMLElement, me: Me, query: URLSearchParams): Promise<void> {
  const view = viewOf(me, query);
  const title = heading(t('stat.title'));
  const results = h('div', { class: 'stat-results' }, h('p', { role: 'status' }, t('common.loading')));
  if (!view.place) {
    show(main, title, subjectTabs(view), h('p', { class: 'notice' }, t('stat.noPlace')));
    return;
  }
  const figures = { ...view, subject: view.subject };
  show(
    main,
    title,
    subjectTabs(view),
    chooser(me, view),
    breadcrumb(me, view),
    groupings(figures),
    view.subject !== 'sessions' ? h('p', { class: 'hint' }, t('stat.currentNote')) : null,
    ['stations', 'examiners', 'inspections'].includes(view.subject) ? h('p', { class: 'hint' }, t('stat.expiringNote')) : null,
    isCity(view.place) && view.by === 'place' ? h('p', { class: 'hint' }, t('stat.cityOwnRow')) : null,
    results,
  );
  try {
    const answer = await api<Row>('GET', `/v1/statistics/${view.subject}?${apiQuery(view)}`);
    show(results, figuresTable(figures, answer), charts(figures, answer.rows as Row[]), downloads(figures));
  } catch (error) {
    show(results, errorNotice(error));
  }
}
