import { api, type Me } from '../api';
import { h, show } from '../dom';
import { apiForm } from '../forms';
import { formatTime, t } from '../messages';
import { placeName } from '../places';
import { errorNotice, heading } from '../view';

/**
 * The working-day calendar (#/calendars?year=…&province=…): a year's national calendar and a province's own days off, in
 * force and as published, with the forms to publish a correction for whoever may (national supervisors the national
 * calendar, a province's supervisors its days off).
 */

interface Publication {
  version: number;
  scope: string;
  year: number;
  holidays: string[];
  workdays: string[];
  publishedBy: string;
  reason: string;
  publishedAt: string;
}
interface Layer {
  current: Publication | null;
  history: Publication[];
}
interface CalendarYear {
  year: number;
  national: Layer;
  province: (Layer & { code: string }) | null;
  inForce: { version: number; holidays: string[]; workdays: string[] };
  canPublish: { national: boolean; province: boolean };
}

/** A provincial (or city) official's province, the page's default layer; none for national officials. */
function ownProvince(me: Me): string | null {
  const place = me.jurisdictions.find((j) => /^\d{4}00$/.test(j));
  return place ? `${place.slice(0, 2)}0000` : null;
}

const days = (list: string[]) => (list.length ? list.join('、') : t('cal.none'));

function layerSection(id: string, title: string, layer: Layer): HTMLElement {
  return h(
    'section',
    { 'aria-labelledby': id, 'data-layer': id },
    h('h2', { id }, title),
    h('p', { 'data-version': String(layer.current?.version ?? '') }, layer.current ? t('cal.inForce', { version: layer.current.version }) : t('cal.noVersion')),
    layer.current
      ? h(
          'dl',
          { class: 'facts' },
          h('dt', {}, t('cal.holidaysShown')),
          h('dd', { 'data-holidays': '' }, days(layer.current.holidays)),
          id === 'cal-national' ? [h('dt', {}, t('cal.workdaysShown')), h('dd', { 'data-workdays': '' }, days(layer.current.workdays))] : null,
        )
      : null,
    layer.history.length
      ? h(
          'div',
          { class: 'grid-scroll' },
          h(
            'table',
            { class: 'details-table' },
            h('caption', {}, t('cal.history')),
            h(
              'thead',
              {},
              h(
                'tr',
                {},
                (['cal.col.version', 'cal.col.publishedAt', 'cal.col.publishedBy', 'cal.col.reason', 'cal.col.days'] as const).map((k) =>
                  h('th', { scope: 'col' }, t(k)),
                ),
              ),
            ),
            h(
              'tbody',
              {},
              layer.history.map((p) =>
                h(
                  'tr',
                  { 'data-version': String(p.version) },
                  h('th', { scope: 'row' }, String(p.version)),
                  h('td', {}, formatTime(p.publishedAt)),
                  h('td', {}, p.publishedBy),
                  h('td', {}, p.reason),
                  h('td', {}, `${p.holidays.length} / ${p.workdays.length}`),
                ),
              ),
            ),
          ),
        )
      : null,
  );
}

export async function calendarPage(main: HTMLElement, me: Me, query: URLSearchParams, done?: string): Promise<void> {
  const year = /^\d{4}$/.test(query.get('year') ?? '') ? Number(query.get('year')) : new Date().getFullYear();
  const province = query.has('province') ? query.get('province') || null : ownProvince(me);
  const chooser: HTMLFormElement = h(
    'form',
    { class: 'filters', 'aria-label': t('cal.choose') },
    h('label', {}, t('cal.year'), h('input', { name: 'year', value: String(year), inputmode: 'numeric', size: 6 })),
    h('label', {}, t('cal.province'), h('input', { name: 'province', value: province ?? '', inputmode: 'numeric', size: 8 })),
    h('button', { type: 'submit' }, t('cal.show')),
  );
  chooser.addEventListener('submit', (event) => {
    event.preventDefault();
    const value = (name: string) => (chooser.elements.namedItem(name) as HTMLInputElement).value.trim();
    location.hash = `#/calendars?${new URLSearchParams({ year: value('year'), province: value('province') })}`;
  });
  let cal: CalendarYear;
  try {
    cal = await api<CalendarYear>('GET', `/v1/calendars/${year}${province ? `?province=${encodeURIComponent(province)}` : ''}`);
  } catch (error) {
    show(main, heading(t('cal.title')), chooser, errorNotice(error));
    return;
  }
  const notice = h('p', { role: 'status', class: 'hint' }, done ?? '');
  // The page again, as the publication left it, saying which version it made.
  const published = (p: Publication) => void calendarPage(main, me, query, t('cal.published', { version: p.version }));
  show(
    main,
    heading(`${t('cal.title')} ${cal.year}`),
    h('p', { class: 'hint' }, t('cal.intro')),
    chooser,
    notice,
    layerSection('cal-national', t('cal.national'), cal.national),
    cal.canPublish.national
      ? apiForm({
          id: 'calendar-national',
          title: t('cal.publishNational'),
          intro: t('cal.publishNational.hint'),
          fields: [
            { name: 'holidays', kind: 'lines', labelKey: 'cal.holidays', value: cal.national.current?.holidays ?? [] },
            { name: 'workdays', kind: 'lines', labelKey: 'cal.workdays', value: cal.national.current?.workdays ?? [] },
            { name: 'reason', kind: 'text', labelKey: 'cal.reason' },
          ],
          submit: (body, idempotencyKey) => api('POST', `/v1/calendars/${cal.year}`, { body: { ...body, scope: 'national' }, idempotencyKey }),
          onDone: published,
        })
      : null,
    cal.province ? layerSection('cal-province', t('cal.provinceLayer', { province: placeName(cal.province.code) }), cal.province) : null,
    cal.province && cal.canPublish.province
      ? apiForm({
          id: 'calendar-province',
          title: t('cal.publishProvince'),
          intro: t('cal.publishProvince.hint'),
          fields: [
            { name: 'holidays', kind: 'lines', labelKey: 'cal.holidays', value: cal.province.current?.holidays ?? [] },
            { name: 'reason', kind: 'text', labelKey: 'cal.reason' },
          ],
          submit: (body, idempotencyKey) => api('POST', `/v1/calendars/${cal.year}`, { body: { ...body, scope: cal.province!.code }, idempotencyKey }),
          onDone: published,
        })
      : null,
  );
}
