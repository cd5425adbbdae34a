import { api, hasRole, type Me } from '../api';
import { h, show, type Child } from '../dom';
import { apiForm, type Field } from '../forms';
import { formatTime, label, t, type MessageKey } from '../messages';
import { placeName } from '../places';
import { errorNotice, heading } from '../view';

/**
 * Blank certificate forms (空白证书): the province's page (#/blank-stock: receive a serial range, distribute to a
 * station, the stock) and a station's (#/stations/<id>/blank-forms: the quarter's reconciliation received = printed +
 * voided + in stock, requests, voiding a spoiled form, stocktakes). The supervisor reads the station's page without
 * the station's forms, and distributes from it.
 */

type Row = Record<string, any>;

/** The quarter it is now in China (UTC+8, no summer time): 2026Q4. */
const quarterNow = () => {
  const day = new Date(Date.now() + 8 * 3_600_000).toISOString();
  return `${day.slice(0, 4)}Q${Math.floor((Number(day.slice(5, 7)) - 1) / 3) + 1}`;
};

interface SerialRange {
  first: string;
  last: string;
  count: number;
}
interface TrailEntry {
  at: string;
  action: string;
  actorId: string;
  data?: Row;
}
interface Stocktake {
  id: string;
  quarter: string;
  counted: number;
  expected: number;
  balanced: boolean;
  complaintId: string | null;
  at: string;
}

/** A station's quarter as GET /v1/stations/{id}/blank-forms answers it. */
interface Reconciliation {
  quarter: string;
  approvedPasses: number;
  received: number;
  issued: number;
  voided: number;
  inStock: number;
  balanced: boolean;
  allowance: number;
  inStockRanges: SerialRange[];
  requests: TrailEntry[];
  stocktakes: Stocktake[];
}

/** A table with a caption, the first cell of each row its header. */
function simpleTable(
  caption: string,
  className: string,
  headers: MessageKey[],
  rows: Child[][],
  rowAttributes: Array<Record<string, string>> = [],
): HTMLElement {
  return h(
    'div',
    { class: 'grid-scroll' },
    h(
      'table',
      { class: `details-table ${className}` },
      h('caption', {}, caption),
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          headers.map((k) => h('th', { scope: 'col' }, t(k))),
        ),
      ),
      h(
        'tbody',
        {},
        rows.map((cells, i) =>
          h(
            'tr',
            rowAttributes[i] ?? {},
            cells.map((c, j) => (j === 0 ? h('th', { scope: 'row' }, c) : h('td', {}, c))),
          ),
        ),
      ),
    ),
  );
}

const rangesTable = (ranges: SerialRange[]) =>
  simpleTable(
    t('blank.ranges'),
    'blank-ranges',
    ['blank.col.first', 'blank.col.last', 'blank.col.count'],
    ranges.map((r) => [h('span', { translate: 'no' }, r.first), h('span', { translate: 'no' }, r.last), String(r.count)]),
  );

/** The stock's trail (received, requested, distributed, printed, voided, counted) in words. */
const trailTable = (caption: string, trail: TrailEntry[]) =>
  simpleTable(
    caption,
    'blank-trail',
    ['blank.col.at', 'blank.col.action', 'blank.col.detail'],
    [...trail]
      .reverse()
      .map((e) => [
        h('time', { datetime: e.at }, formatTime(e.at)),
        label('blankEvent', e.action),
        [
          e.data?.count !== undefined ? t('blank.value', { label: t('field.count'), value: e.data.count }) : null,
          e.data?.quarter ? t('blank.value', { label: t('field.quarter'), value: e.data.quarter }) : null,
          e.data?.serial ?? null,
          e.data?.firstSerial ? `${e.data.firstSerial}–${e.data.lastSerial}` : null,
          e.data?.reason ?? null,
        ]
          .filter(Boolean)
          .join(t('cases.listSeparator')) || '—',
      ]),
  );

/** received = printed + voided + in stock, with whether it holds. */
function reconciliationBox(r: Reconciliation): HTMLElement {
  const figure = (key: MessageKey, value: number, name: string) => [h('dt', {}, t(key)), h('dd', { 'data-count': name }, String(value))];
  return h(
    'section',
    { class: 'reconciliation', 'aria-labelledby': 'reconciliation-title', 'data-balanced': String(r.balanced) },
    h('h2', { id: 'reconciliation-title' }, t('blank.reconciliation', { quarter: r.quarter })),
    h(
      'dl',
      { class: 'facts' },
      figure('blank.approvedPasses', r.approvedPasses, 'approvedPasses'),
      figure('blank.received', r.received, 'received'),
      figure('blank.issued', r.issued, 'issued'),
      figure('blank.voided', r.voided, 'voided'),
      figure('blank.inStock', r.inStock, 'inStock'),
      figure('blank.allowance', r.allowance, 'allowance'),
    ),
    h(
      'p',
      { class: r.balanced ? 'notice success' : 'notice error', 'data-result': r.balanced ? 'balanced' : 'unbalanced' },
      `${t('blank.received')} ${r.received} = ${t('blank.issued')} ${r.issued} + ${t('blank.voided')} ${r.voided} + ${t('blank.inStock')} ${r.inStock}：`,
      h('strong', {}, t(r.balanced ? 'blank.balanced' : 'blank.unbalanced')),
    ),
  );
}

const stocktakesTable = (takes: Stocktake[]) =>
  simpleTable(
    t('blank.stocktakes'),
    'blank-stocktakes',
    ['blank.col.at', 'blank.col.counted', 'blank.col.expected', 'blank.col.result', 'blank.col.case'],
    takes.map((s) => [
      h('time', { datetime: s.at }, formatTime(s.at)),
      String(s.counted),
      String(s.expected),
      t(s.balanced ? 'blank.balanced' : 'blank.unbalanced'),
      s.complaintId ? h('a', { href: `#/cases/complaint/${encodeURIComponent(s.complaintId)}` }, s.complaintId) : '—',
    ]),
    takes.map((s) => ({ 'data-balanced': String(s.balanced) })),
  );

export async function stationBlankFormsPage(main: HTMLElement, me: Me, stationId: string, query: URLSearchParams): Promise<void> {
  const quarter = query.get('quarter') || quarterNow();
  const base = `/v1/stations/${encodeURIComponent(stationId)}/blank-forms`;
  show(main, heading(t('blank.station.title', { name: stationId })), h('p', { role: 'status' }, t('common.loading')));
  let name = stationId;
  let data: Reconciliation;
  try {
    const [station, reconciliation] = await Promise.all([
      api<{ name: string }>('GET', `/v1/stations/${encodeURIComponent(stationId)}`).catch(() => null),
      api<Reconciliation>('GET', `${base}?quarter=${encodeURIComponent(quarter)}`),
    ]);
    name = station?.name ?? stationId;
    data = reconciliation;
  } catch (error) {
    show(main, heading(t('blank.station.title', { name })), errorNotice(error));
    return;
  }
  const reload = () => void stationBlankFormsPage(main, me, stationId, query);
  const station = hasRole(me, 'station_admin');
  const supervisor = hasRole(me, 'supervisor');
  const quarterForm = h(
    'form',
    { class: 'filters', role: 'search', 'aria-label': t('blank.station.quarter') },
    h(
      'div',
      { class: 'field' },
      h('label', { for: 'blank-quarter' }, t('blank.station.quarter')),
      h('input', { id: 'blank-quarter', name: 'quarter', value: quarter, pattern: '\\d{4}Q[1-4]', size: '8' }),
    ),
    h('button', { type: 'submit' }, t('blank.station.show')),
  );
  quarterForm.addEventListener('submit', (event) => {
    event.preventDefault();
    const wanted = (quarterForm.elements.namedItem('quarter') as HTMLInputElement).value.trim().toUpperCase();
    location.hash = `#/stations/${encodeURIComponent(stationId)}/blank-forms${wanted ? `?quarter=${encodeURIComponent(wanted)}` : ''}`;
  });
  const post = (path: string) => (body: Record<string, unknown>, idempotencyKey: string) => api('POST', path, { body, idempotencyKey });
  const forms: HTMLElement[] = [];
  if (station) {
    forms.push(
      apiForm({
        id: 'blank-request',
        title: t('blank.request'),
        fields: [
          { name: 'quarter', kind: 'text', labelKey: 'field.quarter', value: quarter, optional: true },
          { name: 'count', kind: 'number', labelKey: 'field.count' },
        ],
        submit: post(`${base}/requests`),
        onDone: reload,
      }),
      apiForm({
        id: 'blank-void',
        title: t('blank.void'),
        fields: [
          { name: 'serial', kind: 'text', labelKey: 'field.serial' },
          { name: 'reason', kind: 'textarea' },
        ],
        submit: (body, idempotencyKey) =>
          api('POST', `/v1/blank-forms/${encodeURIComponent(String(body.serial))}/void`, { body: { reason: body.reason }, idempotencyKey }),
        onDone: reload,
      }),
      apiForm({
        id: 'blank-stocktake',
        title: t('blank.stocktake'),
        intro: t('blank.stocktake.hint'),
        fields: [
          { name: 'quarter', kind: 'text', labelKey: 'field.quarter', value: quarter },
          { name: 'inHand', kind: 'lines', labelKey: 'field.inHand', optional: true },
          { name: 'count', kind: 'number', labelKey: 'field.count', optional: true },
        ],
        // Serials counted, or only how many: the API takes one or the other as `inHand`.
        submit: (body, idempotencyKey) => {
          const serials = (body.inHand as string[] | undefined) ?? [];
          const inHand = serials.length ? serials : body.count;
          return api('POST', `${base}/stocktakes`, { body: { quarter: body.quarter, inHand }, idempotencyKey });
        },
        onDone: reload,
      }),
    );
  }
  if (supervisor) forms.push(distributionForm(stationId, reload));
  show(
    main,
    heading(t('blank.station.title', { name })),
    h('p', { class: 'hint' }, t('blank.station.intro')),
    quarterForm,
    reconciliationBox(data),
    data.inStockRanges.length ? rangesTable(data.inStockRanges) : null,
    data.stocktakes.length ? stocktakesTable(data.stocktakes) : null,
    data.requests.length ? trailTable(t('blank.requests'), data.requests) : null,
    forms.length
      ? h('section', { class: 'actions', 'aria-labelledby': 'blank-actions' }, h('h2', { id: 'blank-actions' }, t('certificate.page.actions')), forms)
      : null,
  );
}

/** A supervisor gives a station forms: a count (the next serials in stock) or a range. */
function distributionForm(stationId: string | null, onDone: () => void): HTMLFormElement {
  const fields: Field[] = [
    ...(stationId === null ? [{ name: 'stationId', kind: 'number', label: t('certificates.stationId') } as const] : []),
    { name: 'count', kind: 'number', labelKey: 'field.count', optional: true },
    { name: 'firstSerial', kind: 'text', labelKey: 'field.firstSerial', optional: true },
    { name: 'lastSerial', kind: 'text', labelKey: 'field.lastSerial', optional: true },
  ];
  return apiForm({
    id: 'blank-distribute',
    title: t('blank.distribute'),
    fields,
    submit: (body, idempotencyKey) => {
      const { stationId: chosen, ...rest } = body;
      const id = stationId ?? String(chosen);
      return api('POST', `/v1/stations/${encodeURIComponent(id)}/blank-forms/distributions`, { body: rest, idempotencyKey });
    },
    onDone,
  });
}

interface ProvinceStock {
  provinceCode: string;
  received: number;
  inStock: number;
  distributed: number;
  byStatus?: Record<string, number>;
  inStockRanges?: SerialRange[];
  timeline?: TrailEntry[];
}

/** The province's page: receipts, distribution, the stock; the station admin finds their stations' pages here. */
export async function blankStockPage(main: HTMLElement, me: Me, query: URLSearchParams): Promise<void> {
  const title = t('blank.title');
  const province = query.get('provinceCode') || me.jurisdictions.find((j) => /^\d{2}0000$/.test(j)) || '';
  const reload = () => void blankStockPage(main, me, query);
  show(main, heading(title), h('p', { role: 'status' }, t('common.loading')));
  const [stock, stations] = await Promise.all([
    hasRole(me, 'supervisor') && province
      ? api<ProvinceStock>('GET', `/v1/blank-forms${province ? `?provinceCode=${province}` : ''}`).catch((error: unknown) =>
          error instanceof Error ? error : new Error(String(error)),
        )
      : Promise.resolve(null),
    api<{ items: Row[] }>('GET', '/v1/stations?limit=100').then(
      (r) => r.items,
      () => [] as Row[],
    ),
  ]);
  const stockView =
    stock === null
      ? null
      : stock instanceof Error
        ? errorNotice(stock)
        : h(
            'section',
            { 'aria-labelledby': 'blank-stock-title', class: 'blank-stock' },
            h('h2', { id: 'blank-stock-title' }, `${t('blank.stock')}：${placeName(stock.provinceCode)}`),
            h(
              'dl',
              { class: 'facts' },
              (
                [
                  ['blank.received', stock.received, 'received'],
                  ['blank.inStock', stock.inStock, 'inStock'],
                  ['blank.distributed', stock.distributed, 'distributed'],
                  ['blank.issued', stock.byStatus?.printed ?? 0, 'printed'],
                  ['blank.voided', stock.byStatus?.voided ?? 0, 'voided'],
                ] as Array<[MessageKey, number, string]>
              ).map(([key, n, name]) => [h('dt', {}, t(key)), h('dd', { 'data-count': name }, String(n))]),
            ),
            stock.inStockRanges?.length ? rangesTable(stock.inStockRanges) : null,
            stock.timeline?.length ? trailTable(t('blank.trail'), stock.timeline) : null,
          );
  show(
    main,
    heading(title),
    h('p', { class: 'hint' }, t('blank.intro')),
    stockView,
    hasRole(me, 'supervisor')
      ? h(
          'section',
          { class: 'actions', 'aria-labelledby': 'blank-actions' },
          h('h2', { id: 'blank-actions' }, t('certificate.page.actions')),
          apiForm({
            id: 'blank-receive',
            title: t('blank.receive'),
            fields: [
              { name: 'provinceCode', kind: 'text', label: t('blank.province'), value: province },
              { name: 'firstSerial', kind: 'text', labelKey: 'field.firstSerial' },
              { name: 'lastSerial', kind: 'text', labelKey: 'field.lastSerial' },
              { name: 'batch', kind: 'text', labelKey: 'field.batch', optional: true },
            ],
            submit: (body, idempotencyKey) => api('POST', '/v1/blank-forms/receipts', { body, idempotencyKey }),
            onDone: reload,
          }),
          distributionForm(null, reload),
        )
      : null,
    stations.length
      ? h(
          'section',
          { 'aria-labelledby': 'blank-stations-title' },
          h('h2', { id: 'blank-stations-title' }, t('blank.stations')),
          h(
            'ul',
            { class: 'blank-stations' },
            stations.map((s) => h('li', {}, h('a', { href: `#/stations/${s.id}/blank-forms` }, t('blank.stationLink', { name: s.name ?? String(s.id) })))),
          ),
        )
      : null,
  );
}
