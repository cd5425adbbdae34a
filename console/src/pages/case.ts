import { api, ApiError, type Me } from '../api';
import { caseDetails, checklistOf, loadNames, nameOf, peopleIn, timelineSentence, type Names, type TimelineEntry } from '../caseDetails';
import { CASE_KINDS, offeredActions, pendingOf, processLabel, type ActionSpec, type CaseData, type ProcessKey } from '../cases';
import { h, show, type Child } from '../dom';
import { documentLink } from '../documents';
import { apiForm } from '../forms';
import { formatTime, label, t } from '../messages';
import { errorNotice, factList, formatValue, heading } from '../view';
import { dueValue } from '../workingDays';

/** The province whose calendar a case's working days count in, wherever its kind keeps it (none: the national one). */
const provinceOf = (data: CaseData): string | null =>
  data.record.provinceCode ?? data.record.region?.provinceCode ?? data.live?.region?.provinceCode ?? data.live?.station?.provinceCode ?? null;

/** What the last action answered, when the page shows it (the complainant's identity after a reveal). */
interface After {
  action: string;
  result: any;
}

/**
 * A case: where it stands and on whom it waits, what it holds (the application, the scores, the complaint…), the
 * forms for what this user may do now beside it, and its timeline as sentences naming who did what.
 */
export async function casePage(main: HTMLElement, me: Me, process: ProcessKey, id: string, after?: After): Promise<void> {
  const kind = CASE_KINDS[process];
  const title = `${processLabel(process)} ${id}`;
  show(main, heading(title), h('p', { role: 'status' }, t('common.loading')));
  let data: CaseData;
  try {
    data = await kind.load(id);
  } catch (error) {
    show(main, heading(title), errorNotice(error));
    return;
  }
  // Not every role may read every timeline (a station's is for supervisors and its administrator).
  const timeline = await api<{ items: TimelineEntry[] }>('GET', `${kind.base}/${encodeURIComponent(id)}/timeline`).then(
    (r) => r.items,
    () => null,
  );
  const names = await loadNames([...peopleIn(data, timeline ?? []), ...(kind.people?.(data) ?? [])]);
  const checklist = checklistOf(data);
  const pending = pendingOf(data);
  const status = (data.live?.status as string | undefined) ?? data.record.status;
  const actions = offeredActions(kind, data, me);
  const reload = (next?: After) => void casePage(main, me, process, id, next);
  const forms = await Promise.all(actions.map((a) => actionForm(a, { id, data, me }, kind.base, reload)));
  const identity = after?.action === 'revealIdentity' ? after.result : null;

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
              h(
                'dd',
                {},
                pending.userIds.length
                  ? pending.userIds.map((u) => nameOf(names, u)).join(t('cases.listSeparator'))
                  : t('case.anyOf', { role: label('role', pending.role) }),
              ),
              pending.dueAt ? [h('dt', {}, t('case.due')), h('dd', {}, dueValue(pending, provinceOf(data)))] : null,
              pending.escalationLevel
                ? [h('dt', {}, t('case.escalation')), h('dd', {}, h('span', { class: 'badge warn' }, String(pending.escalationLevel)))]
                : null,
            ]
          : null,
      ),
    ),
    documentLink(process, id, data, me),
    process === 'station-application' ? statutoryPanel(data, me, { id, base: kind.base, names, reload }) : null,
    h('section', { 'aria-labelledby': 'record-title' }, h('h2', { id: 'record-title' }, t('case.record')), factList(named(data.record, names), kind.facts)),
    caseDetails(process, data, names, timeline ?? [], identity),
    h(
      'section',
      { 'aria-labelledby': 'actions-title', class: 'actions' },
      h('h2', { id: 'actions-title' }, t('case.actions')),
      forms.length ? forms : h('p', { class: 'notice' }, t('case.noActions')),
    ),
    timeline
      ? h(
          'section',
          { 'aria-labelledby': 'timeline-title' },
          h('h2', { id: 'timeline-title' }, t('case.timeline')),
          h(
            'table',
            { class: 'timeline' },
            h(
              'thead',
              {},
              h('tr', {}, h('th', { scope: 'col' }, t('case.when')), h('th', { scope: 'col' }, t('case.what')), h('th', { scope: 'col' }, t('case.change'))),
            ),
            h(
              'tbody',
              {},
              timeline.map((e) =>
                h(
                  'tr',
                  { 'data-action': e.action },
                  h('td', {}, h('time', { datetime: e.at }, formatTime(e.at))),
                  h('td', {}, timelineSentence(process, e, names, checklist)),
                  h(
                    'td',
                    {},
                    e.statusAfter && e.statusAfter !== e.statusBefore
                      ? `${formatValue('status', e.statusBefore)} → ${formatValue('status', e.statusAfter)}`
                      : '',
                  ),
                ),
              ),
            ),
          ),
        )
      : null,
  );
}

/** The record's facts with people by name rather than id. */
function named(record: Record<string, any>, names: Names): Record<string, any> {
  const people = ['applicantId', 'reviewerId', 'leadId', 'adminId', 'investigatorId', 'decidedBy'];
  const lists = ['assessorIds', 'teamIds'];
  return Object.fromEntries(
    Object.entries(record).map(([key, value]) => [
      key,
      people.includes(key) && typeof value === 'string'
        ? nameOf(names, value)
        : lists.includes(key) && Array.isArray(value)
          ? value.map((v) => nameOf(names, v))
          : value,
    ]),
  );
}

/** One action's form: its fields (pickers read whom the API proposes), its confirmation, and where a success leads. */
async function actionForm(spec: ActionSpec, ctx: { id: string; data: CaseData; me: Me }, base: string, reload: (after?: After) => void): Promise<HTMLElement> {
  const formId = `action-${spec.action}`;
  let fields;
  try {
    fields = await spec.fields(ctx);
  } catch (error) {
    return h('div', { id: formId }, h('h3', {}, label('action', spec.action)), errorNotice(error));
  }
  return apiForm({
    id: formId,
    title: label('action', spec.action),
    fields,
    confirm: spec.confirm && ((body) => spec.confirm!(body, ctx)),
    check: spec.check && ((body) => spec.check!(body, ctx)),
    submit: async (body, idempotencyKey) => {
      const request = spec.request?.(body, ctx) ?? { path: `${base}/${encodeURIComponent(ctx.id)}/${spec.path}`, body };
      try {
        return await (request.method === 'GET' ? api('GET', request.path) : api('POST', request.path, { body: request.body, idempotencyKey }));
      } catch (error) {
        throw error instanceof ApiError && spec.refused ? spec.refused(error) : error;
      }
    },
    onDone: (result) => {
      if (spec.next) location.hash = spec.next(result);
      else reload({ action: spec.action, result });
    },
  });
}

/** The statutory clock as the API reads it now (GET /v1/station-applications/{id} adds it beside the record). */
interface StatutoryFigures {
  unit: 'workingDays' | 'ms';
  limit: number;
  used: number;
  left: number;
  running: boolean;
  startedAt: string;
  dueAt: string | null;
  calendarVersion: number | null;
  extension: { amount: number; by: string; at: string; reasons: string[] } | null;
  missedAt: string | null;
  endedAt: string | null;
}

/**
 * A station application's statutory time (法定办理时限): used and left in working days, due when, stopped while the
 * applicant holds it, the one extension; a supervisor extends it here, with reasons.
 */
function statutoryPanel(data: CaseData, me: Me, ctx: { id: string; base: string; names: Names; reload: (after?: After) => void }): HTMLElement | null {
  const k = (data as CaseData & { statutory?: StatutoryFigures | null }).statutory;
  if (!k) return null;
  const amount = (n: number) => (k.unit === 'workingDays' ? t('statutory.workingDays', { n }) : t('statutory.seconds', { n: Math.round(n / 1000) }));
  const state = k.endedAt ? 'ended' : k.running ? 'running' : 'stopped';
  const extendable = me.roles.includes('supervisor') && !k.endedAt && !k.extension && !k.missedAt;
  const row = (key: Parameters<typeof t>[0], value: Child, attributes: Record<string, string> = {}) => [h('dt', {}, t(key)), h('dd', attributes, value)];
  return h(
    'section',
    { 'aria-labelledby': 'statutory-title', class: 'statutory', 'data-statutory': state },
    h('h2', { id: 'statutory-title' }, t('statutory.title')),
    h(
      'dl',
      { class: 'facts' },
      row('statutory.limit', k.extension ? t('statutory.limitExtended', { limit: amount(k.limit) }) : amount(k.limit), { 'data-limit': String(k.limit) }),
      row('statutory.startedAt', formatTime(k.startedAt)),
      row('statutory.used', amount(k.used), { 'data-used': String(k.used) }),
      row('statutory.left', k.left >= 0 ? amount(k.left) : t('statutory.overdue', { amount: amount(-k.left) }), { 'data-left': String(k.left) }),
      k.dueAt ? row('statutory.dueAt', formatTime(k.dueAt)) : null,
      row('statutory.state', [
        t(`statutory.${state}`),
        k.missedAt ? [' ', h('span', { class: 'badge warn', 'data-missed': k.missedAt }, t('statutory.missed'))] : null,
      ]),
      row(
        'statutory.extension',
        k.extension
          ? t('statutory.extensionBy', {
              amount: amount(k.extension.amount),
              who: nameOf(ctx.names, k.extension.by),
              at: formatTime(k.extension.at),
              reasons: k.extension.reasons.join(t('cases.reasonSeparator')),
            })
          : t('statutory.notExtended'),
        { 'data-extended': k.extension ? 'true' : 'false' },
      ),
    ),
    k.unit === 'workingDays' && k.calendarVersion !== null ? h('p', { class: 'hint' }, t('statutory.calendar', { version: k.calendarVersion })) : null,
    extendable
      ? apiForm({
          id: 'action-extendStatutoryLimit',
          title: t('action.extendStatutoryLimit'),
          intro: t('statutory.extendIntro'),
          fields: [{ name: 'reasons', kind: 'lines' }],
          confirm: () => t('statutory.extendConfirm'),
          submit: (body, idempotencyKey) => api('POST', `${ctx.base}/${encodeURIComponent(ctx.id)}/statutory-extension`, { body, idempotencyKey }),
          onDone: (result) => ctx.reload({ action: 'extendStatutoryLimit', result }),
        })
      : null,
  );
}
