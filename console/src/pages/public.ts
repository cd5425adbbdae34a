import { api, ApiError } from '../api';
import { h, show } from '../dom';
import { apiForm, type Field } from '../forms';
import { label, t } from '../messages';
import { placeName } from '../places';
import { errorNotice, heading } from '../view';

const CATEGORIES = ['fraudulent_appraisal', 'cross_region_appraisal', 'out_of_scope_appraisal', 'examiner_misconduct', 'certificate_problem', 'other'];

/** File a complaint or a question, anonymously if one likes; the answer is the tracking number and the secret. */
export function fileComplaintPage(main: HTMLElement): void {
  const fields: Field[] = [
    { name: 'kind', kind: 'select', options: ['complaint', 'consultation'], labelPrefix: 'kind' },
    { name: 'category', kind: 'select', options: CATEGORIES, labelPrefix: 'category' },
    { name: 'happenedOn', kind: 'date' },
    { name: 'description', kind: 'textarea' },
    { name: 'stationId', kind: 'number', optional: true },
    { name: 'examinerId', kind: 'text', optional: true },
    { name: 'certificateNumber', kind: 'text', optional: true },
    { name: 'evidence', kind: 'textarea', optional: true },
    { name: 'contact.name', kind: 'text', optional: true },
    { name: 'contact.email', kind: 'email', optional: true },
    { name: 'contact.phone', kind: 'text', optional: true },
  ];
  const result = h('div', { 'aria-live': 'polite' });
  const form = apiForm({
    id: 'file-complaint',
    title: t('public.file.title'),
    titled: false,
    submitLabel: t('common.submit'),
    fields,
    submit: (body, idempotencyKey) => api('POST', '/v1/public/complaints', { body, idempotencyKey }),
    onDone: ({ trackingNumber, secret }: { trackingNumber: string; secret: string }) => {
      form.remove();
      show(
        result,
        h(
          'div',
          { class: 'notice success', role: 'status' },
          h('p', {}, t('public.file.done')),
          h(
            'dl',
            { class: 'facts' },
            h('dt', {}, t('public.file.trackingNumber')),
            h('dd', { 'data-tracking-number': trackingNumber }, trackingNumber),
            h('dt', {}, t('public.file.secret')),
            h('dd', { 'data-secret': secret }, secret),
          ),
          h('p', {}, h('a', { href: `#/public/track/${encodeURIComponent(trackingNumber)}` }, t('nav.track'))),
        ),
      );
    },
  });
  form
    .querySelector('[data-field="contact.name"]')!
    .closest('.field')!
    .before(h('p', { class: 'hint' }, t('public.file.contact')));
  show(main, heading(t('public.file.title')), h('p', { class: 'hint' }, t('public.file.intro')), form, result);
}

/** Status and outcome (or the answer to a question) by tracking number and secret; the appeal, once, while it is open. */
export function trackPage(main: HTMLElement, trackingNumber = ''): void {
  const result = h('div', { 'aria-live': 'polite' });
  const numberInput = h('input', { id: 'track-number', name: 'trackingNumber', value: trackingNumber, autocomplete: 'off', 'aria-required': 'true' });
  const secretInput = h('input', { id: 'track-secret', name: 'secret', autocomplete: 'off', 'aria-required': 'true' });
  const form = h(
    'form',
    { class: 'action-form', novalidate: true },
    h('div', { class: 'field' }, h('label', { for: 'track-number' }, t('field.trackingNumber')), numberInput),
    h('div', { class: 'field' }, h('label', { for: 'track-secret' }, t('field.secret')), secretInput),
    h('button', { type: 'submit' }, t('public.track.submit')),
  );
  const lookUp = async () => {
    const number = numberInput.value.trim();
    // The secret goes in its header on every public complaint call, never in a URL or a body.
    const withSecret = { 'x-complaint-secret': secretInput.value.trim() };
    try {
      const view = await api<{
        status: string;
        category: string;
        outcome: { finding: string; reasons: string[] } | null;
        answer: string | null;
        appealOpen: boolean;
      }>('GET', `/v1/public/complaints/${encodeURIComponent(number)}`, { headers: withSecret });
      show(
        result,
        h(
          'dl',
          { class: 'facts' },
          h('dt', {}, t('case.status')),
          h('dd', { 'data-status': view.status }, label('status', view.status)),
          h('dt', {}, t('field.category')),
          h('dd', {}, label('category', view.category)),
          view.outcome
            ? [
                h('dt', {}, t('public.track.outcome')),
                h(
                  'dd',
                  {},
                  label('finding', view.outcome.finding),
                  view.outcome.reasons.length
                    ? h(
                        'ul',
                        {},
                        view.outcome.reasons.map((r) => h('li', {}, r)),
                      )
                    : null,
                ),
              ]
            : null,
          view.answer ? [h('dt', {}, t('public.track.answer')), h('dd', {}, view.answer)] : null,
        ),
        view.appealOpen
          ? apiForm({
              id: 'appeal',
              title: t('public.track.appeal'),
              fields: [{ name: 'reason', kind: 'textarea', labelKey: 'field.appealReason' }],
              submit: (body, idempotencyKey) =>
                api('POST', `/v1/public/complaints/${encodeURIComponent(number)}/appeal`, { body, headers: withSecret, idempotencyKey }),
              // The refreshed view replaces what the result shows: the confirmation goes above it once it is drawn.
              onDone: () => void lookUp().then(() => result.prepend(h('p', { class: 'notice success', role: 'status' }, t('public.track.appealDone')))),
            })
          : null,
      );
    } catch (error) {
      show(
        result,
        error instanceof ApiError && error.status === 404 ? h('p', { class: 'notice error', role: 'alert' }, t('public.track.notFound')) : errorNotice(error),
      );
    }
  };
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void lookUp();
  });
  show(main, heading(t('public.track.title')), form, result);
}

/** The confirmed demonstration stations (示范站), for anyone. */
export async function demonstrationStationsPage(main: HTMLElement): Promise<void> {
  show(main, heading(t('public.demo.title')), h('p', { role: 'status' }, t('common.loading')));
  try {
    const { items } = await api<{ items: Array<Record<string, any>> }>('GET', '/v1/public/demonstration-stations');
    show(
      main,
      heading(t('public.demo.title')),
      items.length
        ? h(
            'ul',
            { class: 'cards' },
            items.map((s) =>
              h(
                'li',
                {},
                h('strong', {}, s.name),
                h('br'),
                `${t('stations.licence')}: ${s.licenceNumber}`,
                h('br'),
                `${t('stations.region')}: ${placeName(s.provinceCode)} / ${placeName(s.cityCode)} · ${t('stations.rating')}: ${s.rating ?? '—'}`,
              ),
            ),
          )
        : h('p', { class: 'notice' }, t('public.demo.empty')),
    );
  } catch (error) {
    show(main, heading(t('public.demo.title')), errorNotice(error));
  }
}
