import { api, hasRole, type Me } from '../api';
import { holds, processLabel, type Pending, type ProcessKey } from '../cases';
import { h, show } from '../dom';
import { label, t } from '../messages';
import { occupationName } from '../occupations';
import { errorNotice, heading } from '../view';
import { calendars, dueDate } from '../workingDays';

interface InboxItem {
  process: ProcessKey | 'licence-renewal';
  id: string;
  title: string;
  /** The pending action, or for complaints (whose list carries no action) the status. */
  waitingFor: string;
  dueAt: string | null;
  escalationLevel: number;
  /** Whose calendar the working days left count in (none: the national one). */
  provinceCode: string | null;
}

type Row = Record<string, any>;
const list = async (path: string) => (await api<{ items: Row[] }>('GET', path)).items;

const fromPending = (process: ProcessKey, r: Row, title: string, provinceCode: string | null = null): InboxItem => ({
  process,
  id: String(r.id),
  title,
  waitingFor: label('action', r.pending?.action ?? ''),
  dueAt: r.pending?.dueAt ?? null,
  escalationLevel: r.pending?.escalationLevel ?? 0,
  provinceCode,
});

/** What waits on the user in each process they take part in, from the lists' own "waiting on me" filters. */
async function inboxItems(me: Me): Promise<InboxItem[]> {
  const sources: Array<Promise<InboxItem[]>> = [];
  if (hasRole(me, 'station_admin', 'supervisor', 'reviewer', 'inspector')) {
    sources.push(
      list('/v1/station-applications?pendingOnMe=true&limit=100').then((rows) =>
        rows.map((r) => fromPending('station-application', r, r.stationName, r.provinceCode)),
      ),
    );
  }
  if (hasRole(me, 'supervisor', 'inspector', 'station_admin')) {
    sources.push(
      list('/v1/inspections?pendingOnMe=true&limit=100').then((rows) =>
        rows.map((r) => fromPending('inspection', r, `${label('fact', 'stationId')} ${r.stationId} · ${label('kind', r.kind)}`, r.provinceCode ?? null)),
      ),
    );
  }
  if (hasRole(me, 'station_admin', 'supervisor', 'reviewer')) {
    sources.push(
      list('/v1/sessions?pendingOnMe=true&limit=100').then((rows) =>
        rows.map((r) => fromPending('session', r, `${r.stationName} · ${r.date} · ${occupationName(r.occupationCode)}`, r.site?.provinceCode ?? null)),
      ),
    );
  }
  if (hasRole(me, 'complaint_handler', 'supervisor', 'inspector')) {
    sources.push(
      list('/v1/complaints?pendingOnMe=true&limit=100').then((rows) =>
        rows.map((r) => ({
          process: 'complaint' as const,
          id: r.id,
          title: `${r.trackingNumber} · ${label('category', r.category)}`,
          waitingFor: label('status', r.status),
          dueAt: r.dueAt,
          escalationLevel: r.escalationLevel,
          provinceCode: r.provinceCode,
        })),
      ),
    );
  }
  if (hasRole(me, 'supervisor')) {
    sources.push(
      list('/v1/licence-renewals?pendingOnMe=true').then((rows) =>
        rows.map((r) => ({
          ...fromPending('station', r, `${r.station.name} · ${r.licence.number}`, r.station.provinceCode),
          process: 'licence-renewal' as const,
        })),
      ),
    );
  }
  if (hasRole(me, 'examiner', 'reviewer', 'supervisor')) {
    // The qualification list has no "waiting on me" filter: read the statuses that wait on someone, keep what waits on this user.
    const statuses = ['applied', 'renewal_submitted', 'awaiting_supervisor', ...(hasRole(me, 'examiner') ? ['active'] : [])];
    sources.push(
      Promise.all(statuses.map((s) => list(`/v1/qualifications?status=${s}&limit=100`))).then((pages) =>
        pages
          .flat()
          .filter((r) => holds(r.pending as Pending | null, me))
          .map((r) => fromPending('qualification', r, `${r.examinerId} · ${occupationName(r.occupationCode)}`)),
      ),
    );
  }
  return (await Promise.all(sources)).flat();
}

const isOverdue = (item: InboxItem, now: number) => item.escalationLevel > 0 || (item.dueAt !== null && Date.parse(item.dueAt) < now);

/** Overdue first, then by due date; what has no deadline last. */
export function byUrgency(items: InboxItem[], now = Date.now()): InboxItem[] {
  const due = (i: InboxItem) => (i.dueAt ? Date.parse(i.dueAt) : Number.POSITIVE_INFINITY);
  return [...items].sort((a, b) => Number(isOverdue(b, now)) - Number(isOverdue(a, now)) || due(a) - due(b));
}

/** `isCurrent` says whether the inbox is still the page shown: one left while loading must not draw over the next. */
export async function inboxPage(main: HTMLElement, me: Me, isCurrent: () => boolean): Promise<void> {
  show(main, heading(t('inbox.title')), h('p', { role: 'status' }, t('common.loading')));
  let items: InboxItem[];
  try {
    items = byUrgency(await inboxItems(me));
  } catch (error) {
    if (isCurrent()) show(main, heading(t('inbox.title')), errorNotice(error));
    return;
  }
  if (!isCurrent()) return;
  const now = Date.now();
  const calendar = calendars();
  // What this user may start, beside what waits on them.
  const starts = [
    hasRole(me, 'station_admin') ? ['#/apply', t('cases.apply.title')] : null,
    hasRole(me, 'examiner') ? ['#/qualifications/apply', t('cases.qualificationApply.title')] : null,
  ].filter((s): s is string[] => s !== null);
  show(
    main,
    heading(t('inbox.title')),
    starts.length
      ? h(
          'nav',
          { class: 'starts', 'aria-label': t('cases.inbox.start') },
          h(
            'ul',
            {},
            starts.map(([href, text]) => h('li', {}, h('a', { href }, text))),
          ),
        )
      : null,
    items.length === 0
      ? h('p', { class: 'notice' }, t('inbox.empty'))
      : h(
          'table',
          { class: 'inbox' },
          h(
            'thead',
            {},
            h(
              'tr',
              {},
              ['inbox.process', 'inbox.case', 'inbox.action', 'inbox.due', 'inbox.escalation'].map((k) => h('th', { scope: 'col' }, t(k as 'inbox.case'))),
            ),
          ),
          h(
            'tbody',
            {},
            items.map((item) =>
              h(
                'tr',
                { class: isOverdue(item, now) ? 'overdue' : null, 'data-case': `${item.process}/${item.id}` },
                h('td', {}, item.process === 'licence-renewal' ? t('licence.renewals') : processLabel(item.process)),
                h(
                  'td',
                  {},
                  h(
                    'a',
                    {
                      href:
                        item.process === 'licence-renewal'
                          ? `#/licence/renewals/${encodeURIComponent(item.id)}`
                          : `#/cases/${item.process}/${encodeURIComponent(item.id)}`,
                    },
                    item.title,
                  ),
                ),
                h('td', {}, item.waitingFor),
                h(
                  'td',
                  {},
                  item.dueAt ? dueDate(item.dueAt, item.provinceCode, calendar) : t('inbox.noDue'),
                  isOverdue(item, now) ? h('span', { class: 'badge danger' }, t('inbox.overdue')) : null,
                ),
                h('td', {}, item.escalationLevel > 0 ? h('span', { class: 'badge warn' }, String(item.escalationLevel)) : '0'),
              ),
            ),
          ),
        ),
  );
}
