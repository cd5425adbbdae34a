import { api, ApiError } from '../api';
import { h, show } from '../dom';
import { apiForm } from '../forms';
import { formatTime, label, t, type MessageKey } from '../messages';
import { placeName } from '../places';
import { errorNotice, heading } from '../view';

/** The user register (用户管理): national supervisors see who may act, as what and where, and change it. */

interface User {
  id: string;
  name: string;
  email: string;
  organisation: string;
  affiliations: string[];
  roles: string[];
  jurisdictions?: string[];
  active: boolean;
  stationId: number | null;
}

interface Access {
  active?: boolean;
  roles?: string[];
  jurisdictions?: string[];
}

interface AccessEntry {
  seq: number;
  at: string;
  action: string;
  actorId: string;
  data?: { before?: Access; after?: Access; reasons?: string[] };
}

/** The roles the API knows (domain/roles.ts), in the order the form offers them. */
const ROLES = ['supervisor', 'reviewer', 'inspector', 'examiner', 'complaint_handler', 'station_admin', 'quality_supervisor'] as const;

const statusOf = (active: boolean | undefined) => t(active === false ? 'users.inactive' : 'users.active');
const listOf = (items: string[] | undefined, show: (item: string) => string = String) => (items?.length ? items.map(show).join(t('users.listSeparator')) : '—');
const rolesOf = (roles: string[] | undefined) => listOf(roles, (r) => label('role', r));
const sameSet = (a: string[], b: string[]) => a.length === b.length && a.every((x) => b.includes(x));

/** The register, filtered by role and by whether people may act (the filter lives in the address: #/users?role=…&active=…). */
export async function usersPage(main: HTMLElement, filter: URLSearchParams): Promise<void> {
  const role = ROLES.find((r) => r === filter.get('role'));
  const active = ['true', 'false'].find((a) => a === filter.get('active'));
  const filters = h(
    'form',
    { class: 'filters', 'aria-label': t('users.filter') },
    h(
      'div',
      { class: 'field' },
      h('label', { for: 'users-role' }, t('field.roles')),
      h(
        'select',
        { id: 'users-role', name: 'role' },
        h('option', { value: '' }, t('users.allRoles')),
        ROLES.map((r) => h('option', { value: r, selected: r === role }, label('role', r))),
      ),
    ),
    h(
      'div',
      { class: 'field' },
      h('label', { for: 'users-active' }, t('users.status')),
      h(
        'select',
        { id: 'users-active', name: 'active' },
        h('option', { value: '' }, t('users.allStatuses')),
        h('option', { value: 'true', selected: active === 'true' }, t('users.active')),
        h('option', { value: 'false', selected: active === 'false' }, t('users.inactive')),
      ),
    ),
    h('button', { type: 'submit' }, t('users.filter')),
  );
  const query = (values: { role?: string; active?: string }) => {
    const params = new URLSearchParams(Object.entries(values).filter((entry): entry is [string, string] => !!entry[1])).toString();
    return params ? `?${params}` : '';
  };
  filters.addEventListener('submit', (event) => {
    event.preventDefault();
    const value = (name: string) => (filters.elements.namedItem(name) as HTMLSelectElement).value;
    location.hash = `#/users${query({ role: value('role'), active: value('active') })}`;
  });
  show(main, heading(t('users.title')), filters, h('p', { role: 'status' }, t('common.loading')));
  try {
    const { items } = await api<{ items: User[] }>('GET', `/v1/users${query({ role, active })}`);
    const columns: MessageKey[] = ['users.name', 'users.id', 'users.organisation', 'field.roles', 'users.jurisdictions', 'users.status'];
    show(
      main,
      heading(t('users.title')),
      filters,
      h('p', { role: 'status' }, t('users.count', { n: items.length })),
      h(
        'table',
        { class: 'users' },
        h('caption', {}, t('users.register')),
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
          items.map((u) =>
            h(
              'tr',
              { 'data-user': u.id },
              h('th', { scope: 'row' }, h('a', { href: `#/users/${encodeURIComponent(u.id)}` }, u.name)),
              h('td', {}, u.id),
              h('td', {}, u.organisation),
              h('td', {}, rolesOf(u.roles)),
              h('td', {}, listOf(u.jurisdictions, placeName)),
              h('td', { 'data-active': String(u.active) }, statusOf(u.active)),
            ),
          ),
        ),
      ),
    );
  } catch (error) {
    show(main, heading(t('users.title')), filters, errorNotice(error));
  }
}

/** One person: who they are, what they may do, the form to change it, and every change made so far. */
export async function userPage(main: HTMLElement, id: string, notice?: string): Promise<void> {
  show(main, heading(t('users.title')), h('p', { role: 'status' }, t('common.loading')));
  let user: User;
  let timeline: AccessEntry[];
  try {
    const path = `/v1/users/${encodeURIComponent(id)}`;
    [user, { items: timeline }] = await Promise.all([api<User>('GET', path), api<{ items: AccessEntry[] }>('GET', `${path}/timeline`)]);
  } catch (error) {
    show(
      main,
      heading(t('users.title')),
      error instanceof ApiError && error.status === 404 ? h('p', { class: 'notice error', role: 'alert' }, t('users.notFound')) : errorNotice(error),
    );
    return;
  }
  // Names for the ids in the trail; an id the register cannot name (a script, a removed person) shows as itself.
  const actorIds = [...new Set(timeline.map((e) => e.actorId))];
  const names = new Map(
    await Promise.all(
      actorIds.map(
        async (a) =>
          [
            a,
            await api<User>('GET', `/v1/users/${encodeURIComponent(a)}`).then(
              (u) => u.name,
              () => a,
            ),
          ] as const,
      ),
    ),
  );
  const title = t('users.person', { name: user.name, id: user.id });
  const fact = (key: MessageKey, value: string | Node, attributes: Record<string, string> = {}) => [h('dt', {}, t(key)), h('dd', attributes, value)];

  show(
    main,
    heading(title),
    notice ? h('p', { class: 'notice success', role: 'status' }, notice) : null,
    h(
      'dl',
      { class: 'facts' },
      fact('users.id', user.id),
      fact('users.name', user.name),
      fact('users.email', user.email),
      fact('users.organisation', user.organisation),
      fact('users.affiliations', listOf(user.affiliations)),
      fact('field.roles', rolesOf(user.roles)),
      fact('users.jurisdictions', listOf(user.jurisdictions, placeName)),
      user.stationId !== null ? fact('fact.stationId', h('a', { href: `#/cases/station/${user.stationId}` }, String(user.stationId))) : null,
      fact('users.status', h('strong', {}, statusOf(user.active)), { 'data-active': String(user.active) }),
    ),
    h('section', { 'aria-labelledby': 'access-title' }, h('h2', { id: 'access-title' }, t('users.changeAccess')), accessForm(main, user)),
    h(
      'section',
      { 'aria-labelledby': 'access-timeline-title' },
      h('h2', { id: 'access-timeline-title' }, t('users.timeline')),
      timeline.length
        ? h(
            'ol',
            { class: 'access-timeline' },
            timeline.map((e) =>
              h('li', { 'data-action': e.action }, h('time', { datetime: e.at }, formatTime(e.at)), ' ', entrySentence(e, names.get(e.actorId) ?? e.actorId)),
            ),
          )
        : h('p', {}, t('common.none')),
    ),
  );
  // After a change the form is gone: keep the keyboard on the page, where the notice is read out.
  if (notice) main.querySelector<HTMLElement>('h1')?.focus();
}

/** An access change as a sentence: who changed what, from what to what, and why. */
function entrySentence(e: AccessEntry, who: string): string {
  if (e.action !== 'access_changed' || !e.data?.before || !e.data.after) return `${who}（${e.actorId}）${label('event', e.action)}`;
  const { before, after, reasons = [] } = e.data;
  const changes = [
    before.active !== after.active ? t('users.entryChange', { what: t('users.status'), before: statusOf(before.active), after: statusOf(after.active) }) : null,
    !sameSet(before.roles ?? [], after.roles ?? [])
      ? t('users.entryChange', { what: t('field.roles'), before: rolesOf(before.roles), after: rolesOf(after.roles) })
      : null,
    !sameSet(before.jurisdictions ?? [], after.jurisdictions ?? [])
      ? t('users.entryChange', {
          what: t('users.jurisdictions'),
          before: listOf(before.jurisdictions, placeName),
          after: listOf(after.jurisdictions, placeName),
        })
      : null,
  ].filter((c) => c !== null);
  return t('users.entry', {
    who,
    id: e.actorId,
    changes: changes.length ? changes.join(t('users.changeSeparator')) : t('users.noChange'),
    reasons: reasons.join(t('users.changeSeparator')),
  });
}

function accessForm(main: HTMLElement, user: User): HTMLFormElement {
  const form = apiForm({
    id: 'user-access',
    title: t('users.changeAccess'),
    titled: false,
    fields: [
      // No default: 启用 or 停用 is chosen on purpose, or the status stays as it is.
      { name: 'active', kind: 'select', options: ['activate', 'deactivate'], labelPrefix: 'access', optional: true, labelKey: 'field.active' },
      { name: 'roles', kind: 'flags', options: ROLES, labelPrefix: 'role' },
      // Optional: emptied, it takes every jurisdiction away.
      { name: 'jurisdictions', kind: 'text', optional: true, labelKey: 'field.jurisdictions', value: (user.jurisdictions ?? []).join(', ') },
      { name: 'reasons', kind: 'lines' },
    ],
    submitLabel: t('users.save'),
    submit: async (body, idempotencyKey) => {
      // Only what differs from the register is sent, so the trail records real changes (and "nothing changed" is refused).
      const active = body.active === undefined ? undefined : body.active === 'activate';
      const roles = (body.roles as Array<{ type: string }>).map((r) => r.type);
      const jurisdictions = (typeof body.jurisdictions === 'string' ? body.jurisdictions : '').split(/[\s,，、]+/).filter(Boolean);
      const change = {
        active: active !== undefined && active !== user.active ? active : undefined,
        roles: sameSet(roles, user.roles) ? undefined : roles,
        jurisdictions: sameSet(jurisdictions, user.jurisdictions ?? []) ? undefined : jurisdictions,
        reasons: body.reasons,
      };
      if (change.active === false && !window.confirm(t('users.confirmDeactivate', { name: user.name, id: user.id }))) return null;
      return api('POST', `/v1/users/${encodeURIComponent(user.id)}/access`, { body: change, idempotencyKey }).catch((error) => {
        throw localised(error, change.jurisdictions ?? []);
      });
    },
    onDone: (result) => result && void userPage(main, user.id, t('users.saved')),
  });
  for (const box of form.querySelectorAll<HTMLInputElement>('input[data-flag="roles"]')) box.checked = user.roles.includes(box.value);
  return form;
}

/** The API's refusals in the user's language, still naming the fields they are about (the form places them). */
function localised(error: unknown, jurisdictions: string[]): unknown {
  if (!(error instanceof ApiError)) return error;
  const own = error.status === 409;
  const message = (field: string): string => {
    const [name, index] = field.split('.');
    if (name === 'active') return t(own ? 'users.error.ownAccess' : 'users.error.noChange');
    if (name === 'jurisdictions')
      return index !== undefined && jurisdictions[Number(index)] !== undefined
        ? t('users.error.jurisdictionCode', { code: jurisdictions[Number(index)] })
        : t('users.error.jurisdictions');
    if (name === 'roles') return t('users.error.roles');
    if (name === 'reasons') return t('users.error.reasons');
    return t('users.error.field');
  };
  const general = own
    ? t('users.error.ownAccess')
    : error.status === 400
      ? t('users.error.invalid')
      : error.status === 404
        ? t('users.notFound')
        : error.status === 403
          ? t('common.notAllowed')
          : t('common.error', { message: error.message });
  return new ApiError(
    error.status,
    error.code,
    general,
    error.details.map((d) => ({ field: d.field, message: message(d.field) })),
  );
}
