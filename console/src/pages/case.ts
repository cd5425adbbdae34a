import { api, type Me } from '../api';
import { CASE_KINDS, offeredActions, pendingOf, processLabel, type ProcessKey } from '../cases';
import { h, show } from '../dom';
import { apiForm } from '../forms';
import { formatTime, label, t } from '../messages';
import { errorNotice, factList, formatValue, heading } from '../view';

interface TimelineEntry {
  seq: number;
  at: string;
  action: string;
  actorId: string;
  actorRole: string;
  statusBefore?: string;
  statusAfter?: string;
}

/** A case: its record, where it stands and on whom it waits, the forms for what this user may do now, and its timeline. */
export async function casePage(main: HTMLElement, me: Me, process: ProcessKey, id: string): Promise<void> {
  const kind = CASE_KINDS[process];
  const title = `${processLabel(process)} ${id}`;
  show(main, heading(title), h('p', { role: 'status' }, t('common.loading')));
  let data;
  try {
    data = await kind.load(id);
  } catch (error) {
    show(main, heading(title), errorNotice(error));
    return;
  }
  // Not every role may read every timeline (a station's is for supervisors and its administrator).
  const timeline = await api<{ items: TimelineEntry[] }>('GET', `${kind.base}/${encodeURIComponent(id)}/timeline`).then((r) => r.items, () => null);
  const pending = pendingOf(data);
  const status = (data.live?.status as string | undefined) ?? data.record.status;
  const actions = offeredActions(kind, data, me);
  const reload = () => void casePage(main, me, process, id);

  show(
    main,
    heading(title),
    h(
      'section',
      { class: 'state', 'aria-label': t('case.status') },
      h(
        'dl',
        { class: 'facts' },
        h('dt', {}, t('case.status')),
        h('dd', { 'data-status': status }, h('strong', {}, label('status', status))),
        pending
          ? [
              h('dt', {}, t('case.pending')),
              h('dd', { 'data-pending': pending.action }, label('action', pending.action)),
              h('dt', {}, t('case.holder')),
              h('dd', {}, pending.userIds.length ? pending.userIds.join(', ') : t('case.anyOf', { role: label('role', pending.role) })),
              pending.dueAt ? [h('dt', {}, t('case.due')), h('dd', {}, formatTime(pending.dueAt))] : null,
              pending.escalationLevel ? [h('dt', {}, t('case.escalation')), h('dd', {}, h('span', { class: 'badge warn' }, String(pending.escalationLevel)))] : null,
            ]
          : null,
      ),
    ),
    h('section', { 'aria-labelledby': 'actions-title', class: 'actions' }, h('h2', { id: 'actions-title' }, t('case.actions')), actions.length ? actions.map((a) => apiForm({
      id: `action-${a.action}`,
      title: label('action', a.action),
      fields: a.fields(data),
      submit: (body, idempotencyKey) => api('POST', `${kind.base}/${encodeURIComponent(id)}/${a.path}`, { body, idempotencyKey }),
      onDone: reload,
    })) : h('p', { class: 'notice' }, t('case.noActions'))),
    h('section', { 'aria-labelledby': 'record-title' }, h('h2', { id: 'record-title' }, t('case.record')), factList(data.record, kind.facts)),
    timeline
      ? h(
          'section',
          { 'aria-labelledby': 'timeline-title' },
          h('h2', { id: 'timeline-title' }, t('case.timeline')),
          h(
            'table',
            { class: 'timeline' },
            h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, t('case.when')), h('th', { scope: 'col' }, t('case.who')), h('th', { scope: 'col' }, t('case.what')), h('th', { scope: 'col' }, t('case.change')))),
            h(
              'tbody',
              {},
              timeline.map((e) =>
                h(
                  'tr',
                  {},
                  h('td', {}, h('time', { datetime: e.at }, formatTime(e.at))),
                  h('td', {}, `${e.actorId} (${label('role', e.actorRole)})`),
                  h('td', {}, label('event', e.action)),
                  h('td', {}, e.statusAfter && e.statusAfter !== e.statusBefore ? `${formatValue('status', e.statusBefore)} → ${formatValue('status', e.statusAfter)}` : ''),
                ),
              ),
            ),
          ),
        )
      : null,
  );
}
