import { api } from '../api';
import { h, show } from '../dom';
import { apiForm } from '../forms';
import { formatTime, label, t } from '../messages';
import { placeName } from '../places';
import { errorNotice, formatValue, heading } from '../view';

type Row = Record<string, any>;

/** Stations with their rating and next routine inspection. */
export async function stationsPage(main: HTMLElement): Promise<void> {
  show(main, heading(t('stations.title')), h('p', { role: 'status' }, t('common.loading')));
  try {
    const { items } = await api<{ items: Row[] }>('GET', '/v1/stations?limit=100');
    const columns = [
      'stations.name',
      'stations.licence',
      'stations.region',
      'case.status',
      'stations.rating',
      'stations.nextDue',
      'stations.demonstration',
    ] as const;
    show(
      main,
      heading(t('stations.title')),
      h(
        'table',
        { class: 'stations' },
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            columns.map((c) => h('th', { scope: 'col' }, t(c))),
          ),
        ),
        h(
          'tbody',
          {},
          items.map((s) =>
            h(
              'tr',
              {},
              h('td', {}, h('a', { href: `#/cases/station/${s.id}` }, s.name)),
              h('td', {}, s.licenceNumber),
              h('td', {}, `${placeName(s.provinceCode)} / ${placeName(s.cityCode)}`),
              h('td', {}, label('status', s.status)),
              h('td', {}, s.rating ?? '—'),
              h('td', {}, formatTime(s.nextInspectionDueAt)),
              h('td', {}, formatValue('demonstration', s.demonstration)),
            ),
          ),
        ),
      ),
    );
  } catch (error) {
    show(main, heading(t('stations.title')), errorNotice(error));
  }
}

/** Launch a campaign (专项检查) over a station filter; then follow its progress. */
export function campaignsPage(main: HTMLElement): void {
  show(
    main,
    heading(t('campaigns.title')),
    apiForm({
      id: 'launch-campaign',
      title: t('campaigns.launch'),
      fields: [
        { name: 'name', kind: 'text' },
        { name: 'filter.provinceCode', kind: 'text', optional: true, labelKey: 'field.provinceCode' },
        { name: 'filter.cityCode', kind: 'text', optional: true, labelKey: 'field.cityCode' },
        { name: 'filter.occupationCode', kind: 'text', optional: true, labelKey: 'field.occupationCode' },
        { name: 'filter.rating', kind: 'select', options: ['A', 'B', 'C', 'D'], labelPrefix: 'rating', optional: true, labelKey: 'field.rating' },
      ],
      // The filter object is required even when empty (every station in the launcher's jurisdictions).
      submit: (body, idempotencyKey) => api<{ id: string }>('POST', '/v1/campaigns', { body: { filter: {}, ...body }, idempotencyKey }),
      onDone: (result: { id: string }) => (location.hash = `#/campaigns/${result.id}`),
    }),
  );
}

export async function campaignPage(main: HTMLElement, id: string, isCurrent: () => boolean): Promise<void> {
  try {
    const campaign = await api<Row>('GET', `/v1/campaigns/${encodeURIComponent(id)}`);
    const progress = campaign.live ?? campaign;
    show(
      main,
      heading(`${t('campaigns.title')}: ${campaign.name}`),
      h(
        'p',
        { role: 'status', 'data-campaign-status': progress.status },
        t('campaigns.progress', { matched: progress.matched, started: progress.started, status: label('status', progress.status) }),
      ),
      h('progress', { max: Math.max(1, progress.matched), value: progress.started, 'aria-label': t('campaigns.title') }),
    );
    // A running campaign starts its inspections a page at a time: follow it while the page is shown.
    if (progress.status !== 'completed') setTimeout(() => isCurrent() && void campaignPage(main, id, isCurrent), 2000);
  } catch (error) {
    show(main, heading(t('campaigns.title')), errorNotice(error));
  }
}
