import { api, type Me } from '../api';
import { applicationFields } from '../cases';
import { h, show } from '../dom';
import { apiForm, levelLabel } from '../forms';
import { formatTime, label, t } from '../messages';
import { occupationName } from '../occupations';
import { heading } from '../view';

/** What an applicant files: a station licence (#/apply) or admission as an examiner (#/qualifications/apply), and what they filed before. */

type Row = Record<string, any>;

/** Their own cases of a kind, newest first, each linking to its page; nothing when the list cannot be read. */
async function ownCases(
  titleKey: 'cases.apply.mine' | 'cases.qualificationApply.mine',
  path: string,
  link: (r: Row) => string,
  describe: (r: Row) => string,
): Promise<HTMLElement | null> {
  const items = await api<{ items: Row[] }>('GET', path).then(
    (r) => r.items,
    () => null,
  );
  if (!items) return null;
  return h(
    'section',
    { 'aria-labelledby': 'own-cases' },
    h('h2', { id: 'own-cases' }, t(titleKey)),
    items.length
      ? h(
          'ul',
          {},
          items.map((r) => h('li', {}, h('a', { href: link(r) }, describe(r)), ' · ', label('status', r.status))),
        )
      : h('p', {}, t('common.none')),
  );
}

export async function applyStationPage(main: HTMLElement, _me: Me): Promise<void> {
  const form = apiForm({
    id: 'apply-station',
    title: t('cases.apply.title'),
    titled: false,
    intro: t('cases.apply.intro'),
    submitLabel: t('cases.apply.submit'),
    fields: applicationFields(''),
    submit: (body, idempotencyKey) => api('POST', '/v1/station-applications', { body, idempotencyKey }),
    onDone: (created: { id: string }) => (location.hash = `#/cases/station-application/${encodeURIComponent(created.id)}`),
  });
  show(main, heading(t('cases.apply.title')), form);
  const mine = await ownCases(
    'cases.apply.mine',
    '/v1/station-applications?limit=100',
    (r) => `#/cases/station-application/${encodeURIComponent(r.id)}`,
    (r) => `${r.stationName}（${formatTime(r.submittedAt)}）`,
  );
  if (mine) main.append(mine);
}

export async function applyQualificationPage(main: HTMLElement, _me: Me): Promise<void> {
  const form = apiForm({
    id: 'apply-qualification',
    title: t('cases.qualificationApply.title'),
    titled: false,
    intro: t('cases.qualificationApply.intro'),
    submitLabel: t('cases.qualificationApply.submit'),
    fields: [
      { name: 'occupationCode', kind: 'text', hint: t('cases.hint.occupationCode') },
      { name: 'level', kind: 'level', choose: true },
      { name: 'trainingHours', kind: 'number' },
      { name: 'examScore', kind: 'number' },
      { name: 'nationalId', kind: 'text' },
    ],
    submit: (body, idempotencyKey) => api('POST', '/v1/qualifications', { body, idempotencyKey }),
    onDone: (created: { id: string }) => (location.hash = `#/cases/qualification/${encodeURIComponent(created.id)}`),
  });
  show(main, heading(t('cases.qualificationApply.title')), form);
  const mine = await ownCases(
    'cases.qualificationApply.mine',
    '/v1/qualifications?limit=100',
    (r) => `#/cases/qualification/${encodeURIComponent(r.id)}`,
    (r) => `${occupationName(r.occupationCode)} ${levelLabel(r.level)}`,
  );
  if (mine) main.append(mine);
}
