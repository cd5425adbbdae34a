import { api, hasRole, type Me } from '../api';
import { DOCUMENT_KINDS } from '../cases';
import { facts, loadNames, nameOf, reasonList, section, table } from '../caseDetails';
import { h, show } from '../dom';
import { apiForm } from '../forms';
import { formatTime, label, t } from '../messages';
import { errorNotice, heading } from '../view';
import { calendars, dueDate, type Calendars } from '../workingDays';

/**
 * A station licence's life (许可证有效期与续期): #/licence lists the station administrator's stations with their expiry, or a
 * supervisor's renewals waiting on them; #/licence/stations/<id> shows one licence with its reminders and renewals and the
 * filing form; #/licence/renewals/<id> shows one renewal with the record taken at filing, its timeline and the decision form.
 */

interface Station {
  id: number;
  name: string;
  licenceNumber: string;
  status: string;
  validUntil: string;
}

interface Renewal {
  id: string;
  status: string;
  station: { id: number; name: string; provinceCode: string };
  licence: { number: string; validUntil: string };
  filedBy: string;
  filing: { documents: Array<{ kind: string; reference: string }>; notes: string };
  record: { ratings: string[]; openRectifications: string[]; stationStatus: string };
  decision?: { outcome: string; by: string; at: string; reasons: string[]; validUntil?: string };
  pending: { dueAt?: string | null } | null;
  createdAt: string;
}

interface TimelineEntry {
  seq: number;
  at: string;
  action: string;
  actorId: string;
  data?: Record<string, unknown>;
}

const DAY = 86_400_000;

/** Days left to validUntil, or "expired". */
const daysLeft = (validUntil: string) => {
  const ms = Date.parse(validUntil) - Date.now();
  return ms <= 0 ? t('licence.expired') : t('licence.daysLeft', { days: Math.ceil(ms / DAY) });
};

/** A reminder offset (an ISO duration such as P90D or PT30S) in words. */
function offsetText(offset: string): string {
  const match = /^PT?(\d+)([DHMS])$/.exec(offset);
  if (!match) return offset;
  const unit = offset.startsWith('PT') ? match[2] : 'D';
  return t(`licence.offset.${unit as 'D' | 'H' | 'M' | 'S'}`, { n: match[1] });
}

const renewalLink = (r: Renewal) => h('a', { href: `#/licence/renewals/${encodeURIComponent(r.id)}` }, r.id);

function renewalsTable(caption: string, items: Renewal[], calendar: Calendars): HTMLElement {
  if (!items.length) return h('p', {}, t('licence.none'));
  return table(
    caption,
    [
      t('licence.renewal', { id: '' }).trim(),
      t('licence.col.station'),
      t('licence.col.number'),
      t('licence.col.validUntil'),
      t('licence.col.status'),
      t('licence.col.due'),
    ],
    items.map((r) => [
      renewalLink(r),
      r.station.name,
      r.licence.number,
      formatTime(r.licence.validUntil),
      label('status', r.status),
      dueDate(r.pending?.dueAt, r.station.provinceCode, calendar),
    ]),
    items.map((r) => ({ 'data-renewal': r.id })),
  );
}

export async function licencePage(main: HTMLElement, me: Me): Promise<void> {
  try {
    if (hasRole(me, 'supervisor')) {
      const [pending, recent] = await Promise.all([
        api<{ items: Renewal[] }>('GET', '/v1/licence-renewals?pendingOnMe=true&limit=100'),
        api<{ items: Renewal[] }>('GET', '/v1/licence-renewals?limit=20'),
      ]);
      const calendar = calendars();
      show(
        main,
        heading(t('licence.title')),
        h('p', { class: 'hint' }, t('licence.intro.supervisor')),
        section('licence.pending', renewalsTable(t('licence.pending'), pending.items, calendar)),
        section('licence.recent', renewalsTable(t('licence.recent'), recent.items, calendar)),
      );
      return;
    }
    const stations = (await api<{ items: Station[] }>('GET', '/v1/stations?limit=100')).items;
    show(
      main,
      heading(t('licence.title')),
      h('p', { class: 'hint' }, t('licence.intro.admin')),
      section(
        'licence.stations',
        stations.length
          ? table(
              t('licence.stations'),
              [t('licence.col.station'), t('licence.col.number'), t('licence.col.validUntil'), t('licence.col.daysLeft'), t('licence.col.status')],
              stations.map((s) => [
                h('a', { href: `#/licence/stations/${s.id}` }, s.name),
                s.licenceNumber,
                formatTime(s.validUntil),
                daysLeft(s.validUntil),
                label('status', s.status),
              ]),
              stations.map((s) => ({ 'data-station': String(s.id) })),
            )
          : h('p', {}, t('licence.none')),
      ),
    );
  } catch (error) {
    show(main, heading(t('licence.title')), errorNotice(error));
  }
}

/** One station's licence: validity, status, the reminders sent, its renewals, and the filing form for its administrator. */
export async function stationLicencePage(main: HTMLElement, me: Me, stationId: string): Promise<void> {
  let station: Station;
  let timeline: TimelineEntry[];
  let renewals: Renewal[];
  try {
    [station, timeline, renewals] = await Promise.all([
      api<Station>('GET', `/v1/stations/${encodeURIComponent(stationId)}`),
      api<{ items: TimelineEntry[] }>('GET', `/v1/stations/${encodeURIComponent(stationId)}/timeline`).then((r) => r.items),
      api<{ items: Renewal[] }>('GET', `/v1/licence-renewals?stationId=${encodeURIComponent(stationId)}&limit=20`).then((r) => r.items),
    ]);
  } catch (error) {
    show(main, heading(t('licence.title')), errorNotice(error));
    return;
  }
  const reminders = timeline.filter((e) => e.action === 'licence_reminder');
  const pending = renewals.find((r) => r.status === 'awaiting_decision');
  const fileable = hasRole(me, 'station_admin') && !pending && (station.status === 'active' || station.status === 'lapsed');
  show(
    main,
    heading(t('licence.station', { name: station.name })),
    h('p', {}, h('a', { href: '#/licence' }, t('licence.back'))),
    facts([
      ['licence.col.number', station.licenceNumber],
      ['licence.col.validUntil', formatTime(station.validUntil)],
      ['licence.col.daysLeft', daysLeft(station.validUntil)],
      ['licence.col.status', h('span', { 'data-licence-status': station.status }, label('status', station.status))],
    ]),
    section(
      'licence.reminders',
      reminders.length
        ? h(
            'ul',
            { 'data-reminders': '' },
            reminders.map((e) =>
              h('li', {}, t('licence.reminderSent', { at: formatTime(e.at), offset: offsetText(typeof e.data?.offset === 'string' ? e.data.offset : '') })),
            ),
          )
        : h('p', {}, t('licence.noReminders')),
    ),
    section('licence.renewals', renewalsTable(t('licence.renewals'), renewals, calendars())),
    pending ? h('p', { class: 'notice' }, t('licence.file.pending')) : null,
    fileable
      ? apiForm({
          id: 'licence-renewal',
          title: t('licence.file'),
          intro: t('licence.file.hint'),
          fields: [
            {
              name: 'documents',
              kind: 'rows',
              columns: [
                { name: 'kind', kind: 'select', options: DOCUMENT_KINDS, labelPrefix: 'document' },
                { name: 'reference', kind: 'text' },
              ],
              value: [{ kind: 'business_licence' }],
            },
            { name: 'notes', kind: 'textarea', optional: true },
          ],
          submit: (body, idempotencyKey) => api('POST', `/v1/stations/${encodeURIComponent(stationId)}/licence-renewals`, { body, idempotencyKey }),
          onDone: (renewal: Renewal) => (location.hash = `#/licence/renewals/${encodeURIComponent(renewal.id)}`),
        })
      : null,
  );
}

/** One renewal: the station and licence, the filing, the record taken at filing, the decision, the timeline; the decision form for supervisors. */
export async function renewalPage(main: HTMLElement, me: Me, id: string): Promise<void> {
  let r: Renewal;
  let timeline: TimelineEntry[];
  try {
    const path = `/v1/licence-renewals/${encodeURIComponent(id)}`;
    [r, timeline] = await Promise.all([
      api<{ record: Renewal }>('GET', path).then((x) => x.record),
      api<{ items: TimelineEntry[] }>('GET', `${path}/timeline`).then((x) => x.items),
    ]);
  } catch (error) {
    show(main, heading(t('licence.renewal', { id })), errorNotice(error));
    return;
  }
  const d = r.decision;
  // People by name (the register's lookup); system steps and unknown ids show as themselves.
  const names = await loadNames([r.filedBy, ...(d ? [d.by] : []), ...timeline.map((e) => e.actorId)]);
  const who = (id: string) => (id === 'system' ? t('licence.system') : nameOf(names, id));
  show(
    main,
    heading(t('licence.renewal', { id: r.id })),
    h('p', {}, h('a', { href: '#/licence' }, t('licence.back'))),
    facts([
      ['licence.col.station', h('a', { href: `#/licence/stations/${r.station.id}` }, r.station.name)],
      ['licence.col.number', r.licence.number],
      ['licence.col.validUntil', formatTime(r.licence.validUntil)],
      ['licence.col.status', h('span', { 'data-renewal-status': r.status }, label('status', r.status))],
      ['licence.filedBy', who(r.filedBy)],
      ['licence.col.filedAt', formatTime(r.createdAt)],
      r.pending?.dueAt ? ['licence.col.due', dueDate(r.pending.dueAt, r.station.provinceCode, calendars())] : null,
    ]),
    section(
      'licence.filing',
      table(
        t('licence.filing'),
        [label('field', 'documents.kind'), t('cases.col.reference')],
        r.filing.documents.map((doc) => [label('document', doc.kind), doc.reference]),
      ),
      r.filing.notes ? h('p', { class: 'prose' }, r.filing.notes) : null,
    ),
    section(
      'licence.record',
      facts([
        ['licence.ratings', h('span', { 'data-ratings': '' }, r.record.ratings.length ? r.record.ratings.join('、') : t('licence.none'))],
        ['licence.openRectifications', r.record.openRectifications.length ? r.record.openRectifications.join('、') : t('licence.none')],
        ['licence.stationStatus', label('status', r.record.stationStatus)],
      ]),
    ),
    d
      ? section(
          'licence.decision',
          facts([
            ['licence.decision', label('licenceOutcome', d.outcome)],
            ['licence.decidedBy', who(d.by)],
            d.validUntil ? ['licence.newValidUntil', h('span', { 'data-new-valid-until': '' }, formatTime(d.validUntil))] : null,
          ]),
          d.reasons.length ? reasonList(d.reasons) : null,
        )
      : null,
    section(
      'licence.timeline',
      h(
        'ol',
        { class: 'timeline' },
        timeline.map((e) => h('li', {}, `${formatTime(e.at)} ${label('licenceEvent', e.action)}（${who(e.actorId)}）`)),
      ),
    ),
    r.status === 'awaiting_decision' && hasRole(me, 'supervisor')
      ? apiForm({
          id: 'licence-decision',
          title: t('licence.decide'),
          fields: [
            { name: 'outcome', kind: 'select', options: ['approve', 'reject'], labelPrefix: 'licenceOutcome', choose: true },
            { name: 'reasons', kind: 'lines', optional: true },
          ],
          confirm: (body) => t(body.outcome === 'approve' ? 'licence.confirm.approve' : 'licence.confirm.reject', { number: r.licence.number }),
          submit: (body, idempotencyKey) => api('POST', `/v1/licence-renewals/${encodeURIComponent(r.id)}/decision`, { body, idempotencyKey }),
          onDone: () => void renewalPage(main, me, id),
        })
      : null,
  );
}
