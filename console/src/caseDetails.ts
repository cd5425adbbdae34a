import { api } from './api';
import { checklistItemLabel, current, type CaseData, type ProcessKey } from './cases';
import { h, type Child } from './dom';
import { levelLabel } from './forms';
import { formatTime, label, t, type MessageKey } from './messages';
import { occupationName } from './occupations';
import { placeName } from './places';
import { sessionDetails } from './session';

/** What a case holds, shown to whoever acts on it: the application, the scores, the complaint, the reasons given. */

export interface TimelineEntry {
  seq: number;
  at: string;
  action: string;
  actorId: string;
  actorRole: string;
  statusBefore?: string;
  statusAfter?: string;
  data?: Record<string, any>;
}

export type Names = Map<string, string>;

/** A checklist item as the inspection's template version gives it. */
export interface ChecklistEntry {
  id: string;
  text: string;
  maxScore: number;
  critical?: boolean;
  section: string;
}

/** The checklist an inspection uses: the API gives it with the case (running or closed), the live state also has it. */
export const checklistOf = (data: CaseData): ChecklistEntry[] =>
  (data as CaseData & { checklist?: ChecklistEntry[] }).checklist ?? data.live?.template?.items ?? [];
/** An item's words from the checklist (a Chinese label where the console has one); an id it does not hold shows as itself. */
const itemWords = (checklist: ChecklistEntry[], id: string) => checklistItemLabel(checklist.find((i) => i.id === id) ?? { id, text: id });

const list = (items: string[]) => (items.length ? items.join(t('cases.listSeparator')) : t('common.none'));
export const nameOf = (names: Names, id: string | null | undefined) => (id ? (names.get(id) ?? id) : '—');
const namesOf = (names: Names, ids: string[] | undefined) => list((ids ?? []).map((id) => nameOf(names, id)));
const text = (value: string | number | null | undefined) => (value === undefined || value === null || value === '' ? '—' : String(value));
const time = (iso: string | null | undefined) => (iso ? h('time', { datetime: iso }, formatTime(iso)) : '—');

/** Names for the ids a case shows, from the register's read-only lookup; an id it cannot name shows as itself. */
export async function loadNames(ids: Iterable<string>): Promise<Names> {
  const wanted = [...new Set([...ids].filter((id) => /^[A-Za-z0-9_.:-]{1,64}$/.test(id)))];
  const names: Names = new Map();
  for (let i = 0; i < wanted.length; i += 100) {
    const chunk = wanted.slice(i, i + 100);
    const found = await api<{ items: Array<{ id: string; name: string }> }>('GET', `/v1/people?ids=${chunk.map(encodeURIComponent).join(',')}`).catch(() => ({
      items: [],
    }));
    for (const p of found.items) names.set(p.id, p.name);
  }
  return names;
}

/** Every person a case and its timeline name. */
export function peopleIn(data: CaseData, timeline: TimelineEntry[]): string[] {
  const c = current(data);
  const r = data.record;
  const ids: Array<string | null | undefined> = [
    r.applicantId,
    r.reviewerId,
    r.decidedBy,
    r.leadId,
    r.adminId,
    r.investigatorId,
    r.examinerId,
    ...(r.assessorIds ?? []),
    ...(r.teamIds ?? []),
    c.reviewer?.id,
    c.investigator?.id,
    c.leadId,
    c.finding?.by,
    c.review?.by,
    c.decision?.by,
    c.suspension?.by,
    ...(c.assessments ?? []).map((a: { assessorId: string }) => a.assessorId),
    ...(c.sheets ?? []).map((s: { inspectorId: string }) => s.inspectorId),
    ...(c.application?.staff?.examinerIds ?? []),
    ...((data.extra?.sessions ?? []) as Array<{ examinerIds: string[]; qualitySupervisorId: string | null }>).flatMap((s) => [
      ...s.examinerIds,
      s.qualitySupervisorId,
    ]),
    ...timeline.flatMap((e) => [
      e.actorId,
      e.data?.reviewerId,
      e.data?.investigatorId,
      e.data?.leadId,
      e.data?.qualitySupervisorId,
      ...(e.data?.assessorIds ?? []),
      ...(e.data?.inspectorIds ?? []),
    ]),
  ];
  return ids.filter((id): id is string => typeof id === 'string' && id !== '');
}

/** Who acted, as a person reads it: 孙浩（审查人）, 系统, 投诉人. */
function actor(e: TimelineEntry, names: Names): string {
  if (e.actorId === 'public' || e.actorId === 'complainant') return t('cases.actor.complainant');
  if (e.actorId === 'system' || (e.actorRole === 'system' && !names.has(e.actorId))) return t('cases.actor.system');
  return t('cases.actor.person', { name: nameOf(names, e.actorId), role: label('role', e.actorRole) });
}

/** A timeline entry as a sentence: who did what, with what they gave (reasons, people, scores). */
export function timelineSentence(process: ProcessKey, e: TimelineEntry, names: Names, checklist: ChecklistEntry[] = []): string {
  const d = e.data ?? {};
  const vars: Record<string, string | number> = {
    reviewer: nameOf(names, d.reviewerId),
    investigator: nameOf(names, d.investigatorId),
    qualitySupervisor: nameOf(names, d.qualitySupervisorId),
    lead: nameOf(names, d.leadId),
    people: namesOf(names, d.assessorIds ?? d.inspectorIds),
    total: text(d.total),
    rating: text(d.rating),
    passed: d.passed === undefined ? '' : t(d.passed ? 'cases.passed' : 'cases.failed'),
    items: list((Array.isArray(d.items) ? d.items : Array.isArray(d.failedItems) ? d.failedItems : []).map((id: string) => itemWords(checklist, id))),
    sanction: label('sanction', d.proposedSanction ?? d.level ?? ''),
    category: label('category', d.category ?? ''),
    severity: label('severity', d.severity ?? ''),
    until: d.until ? formatTime(d.until) : '',
    date: text(d.date),
    occupation: occupationName(d.occupationCode),
    level: d.level === undefined ? '' : levelLabel(d.level),
    hours: text(d.hours),
    course: text(d.course),
    licence: text(d.licenceNumber),
    jurisdiction: placeName(d.jurisdiction),
    kind: label('kind', d.kind ?? ''),
    count: text(d.count),
    name: text(d.name),
    // A file of hundreds is named by its first few.
    names: `${list((d.names ?? []).slice(0, 10))}${(d.names?.length ?? 0) > 10 ? '…' : ''}`,
    candidates: text(d.candidates),
    candidatesPresent: text(d.candidatesPresent),
    irregularities: text(d.irregularities),
    serious: text(d.serious),
    passedCount: text(d.passed),
    mismatches: text(d.mismatches),
    signals: list((d.signals ?? []).map((rule: string) => label('signal', rule))),
  };
  const own = `cases.timeline.${process}.${e.action}`;
  const key = label('cases.timeline', `${process}.${e.action}`) !== `${process}.${e.action}` ? own : `cases.timeline.${e.action}`;
  const what =
    label('cases.timeline', key.slice('cases.timeline.'.length)) !== key.slice('cases.timeline.'.length)
      ? t(key as MessageKey, vars)
      : label('event', e.action);
  const given: string[] = d.reasons?.length ? d.reasons : d.reason ? [d.reason] : (d.gaps ?? (d.description ? [d.description] : []));
  return t('cases.timeline.sentence', {
    who: actor(e, names),
    what,
    because: given.length ? t('cases.timeline.because', { reasons: given.join(t('cases.reasonSeparator')) }) : '',
  });
}

let sections = 0;
export function section(titleKey: MessageKey, ...children: Child[]): HTMLElement {
  const id = `details-${++sections}`;
  return h('section', { 'aria-labelledby': id, class: 'details' }, h('h2', { id }, t(titleKey)), ...children);
}
export const facts = (rows: Array<[MessageKey, Child] | null>) =>
  h(
    'dl',
    { class: 'facts' },
    rows.filter((r): r is [MessageKey, Child] => r !== null).map(([key, value]) => [h('dt', {}, t(key)), h('dd', {}, value)]),
  );
export const table = (caption: string, headers: string[], rows: Child[][], rowAttributes: Array<Record<string, string | null>> = []) =>
  h(
    'table',
    { class: 'details-table' },
    h('caption', {}, caption),
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        headers.map((x) => h('th', { scope: 'col' }, x)),
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
  );
export const reasonList = (reasons: string[] | undefined, attributes: Record<string, string> = {}) =>
  reasons?.length
    ? h(
        'ul',
        { class: 'reasons', ...attributes },
        reasons.map((r) => h('li', {}, r)),
      )
    : h('p', {}, t('common.none'));
const prose = (value: string | undefined, attributes: Record<string, string> = {}) => h('p', { class: 'prose', ...attributes }, text(value));
const scopeTable = (caption: string, scope: Array<{ occupationCode: string; highestLevel: number }>) =>
  table(
    caption,
    [t('cases.col.occupation'), t('cases.col.highestLevel')],
    scope.map((e) => [occupationName(e.occupationCode), levelLabel(e.highestLevel)]),
  );
export const badge = (key: MessageKey, kind: 'danger' | 'warn') => h('span', { class: `badge ${kind}` }, t(key));

/** The case's content, by kind, from what the API's GET answered (and the timeline for what the record keeps no more). */
export function caseDetails(
  process: ProcessKey,
  data: CaseData,
  names: Names,
  timeline: TimelineEntry[],
  identity?: Record<string, any> | null,
): HTMLElement[] {
  switch (process) {
    case 'station-application':
      return applicationDetails(data, names, timeline);
    case 'inspection':
      return inspectionDetails(data, names);
    case 'qualification':
      return qualificationDetails(data, names);
    case 'complaint':
      return complaintDetails(data, names, timeline, identity);
    case 'station':
      return stationDetails(data, names);
    case 'examiner':
      return examinerDetails(data);
    case 'session':
      return sessionDetails(data, names);
  }
}

function applicationDetails(data: CaseData, names: Names, timeline: TimelineEntry[]): HTMLElement[] {
  const c = current(data);
  const outcome = (data.record.outcome ?? {}) as Record<string, any>;
  const app = (c.application ?? {}) as Record<string, any>;
  const status = c.status as string;
  const reviewReasons: string[] = c.reviewReasons ?? outcome.reviewReasons ?? [];
  const gaps: string[] = c.gaps ?? outcome.gaps ?? [];
  const decision = c.decision ?? outcome.decision;
  const onSite = c.onSiteResult ?? outcome.onSiteResult;
  const licence = c.licence ?? outcome.licence;
  // Each assessor's sheet: from the live case, or (once it ended) from the timeline that recorded it.
  const assessments: Array<{ assessorId: string; scores: Record<string, number> }> =
    c.assessments ?? timeline.filter((e) => e.action === 'assessment_submitted').map((e) => ({ assessorId: e.actorId, scores: e.data?.scores ?? {} }));
  const items = ['organisation_management', 'post_setup', 'staffing', 'appraisal_process_control', 'site_and_equipment'];
  return [
    reviewReasons.length || gaps.length
      ? section(
          status === 'returned' ? 'cases.section.returnReasons' : status === 'rejected' ? 'cases.section.rejectReasons' : 'cases.section.reviewReasons',
          reviewReasons.length ? reasonList(reviewReasons, { 'data-reasons': 'review' }) : null,
          gaps.length ? [h('p', {}, t('cases.gaps')), reasonList(gaps, { 'data-reasons': 'gaps' })] : null,
        )
      : null,
    section(
      'cases.section.application',
      facts([
        ['field.organisation.name', text(app.organisation?.name)],
        ['field.organisation.creditCode', text(app.organisation?.creditCode)],
        ['field.stationName', text(app.stationName)],
        ['cases.region', `${placeName(app.region?.provinceCode)} / ${placeName(app.region?.cityCode)}`],
        ['field.address', text(app.address)],
        ['field.contactEmail', text(app.contactEmail)],
        ['field.declaredAffiliations', list(app.declaredAffiliations ?? [])],
      ]),
      scopeTable(t('cases.section.scope'), app.scope ?? []),
      table(
        t('cases.section.documents'),
        [t('cases.col.documentKind'), t('cases.col.reference')],
        (app.documents ?? []).map((d: { kind: string; reference: string }) => [label('document', d.kind), d.reference]),
      ),
      facts([
        ['cases.staff.examiners', namesOf(names, app.staff?.examinerIds)],
        [
          'cases.staff.qualitySupervisor',
          app.staff?.qualitySupervisor
            ? `${app.staff.qualitySupervisor.name}${app.staff.qualitySupervisor.phone ? `（${app.staff.qualitySupervisor.phone}）` : ''}`
            : '—',
        ],
      ]),
    ),
    assessments.length
      ? section(
          'cases.section.onSite',
          table(
            t('cases.section.onSiteScores'),
            [t('cases.col.item'), ...assessments.map((a) => nameOf(names, a.assessorId)), ...(onSite ? [t('cases.col.mean')] : [])],
            items.map((item) => [
              label('onSite', item),
              ...assessments.map((a) => text(a.scores[item])),
              ...(onSite ? [[text(onSite.items?.[item]), onSite.failingItems?.includes(item) ? badge('cases.failed', 'danger') : null]] : []),
            ]),
            items.map((item) => ({ class: onSite?.failingItems?.includes(item) ? 'failed' : null, 'data-item': item })),
          ),
          onSite ? facts([['cases.total', [text(onSite.total), ' ', onSite.passed ? badge('cases.passed', 'warn') : badge('cases.failed', 'danger')]]]) : null,
        )
      : null,
    c.concurrence
      ? section(
          'cases.section.concurrence',
          facts([
            ['cases.concurrence.required', list(c.concurrence.required.map(placeName))],
            [
              'cases.concurrence.given',
              list(c.concurrence.given.map((g: { jurisdiction: string; by: string }) => `${placeName(g.jurisdiction)}（${nameOf(names, g.by)}）`)),
            ],
          ]),
        )
      : null,
    decision
      ? section(
          'cases.section.decision',
          facts([
            ['fact.outcome', label('outcome', decision.outcome)],
            ['cases.decidedBy', nameOf(names, decision.by)],
            ['field.reasons', reasonList(decision.reasons)],
            licence ? ['fact.licenceNumber', text(licence.licenceNumber)] : null,
            licence ? ['fact.validUntil', time(licence.validUntil)] : null,
          ]),
          decision.scope ? scopeTable(t('cases.section.reducedScope'), decision.scope) : null,
        )
      : null,
    (c.withdrawnReason ?? outcome.withdrawnReason) ? section('cases.section.withdrawn', prose(c.withdrawnReason ?? outcome.withdrawnReason)) : null,
  ].filter((s): s is HTMLElement => s !== null);
}

function inspectionDetails(data: CaseData, names: Names): HTMLElement[] {
  const live = data.live;
  const summary = (data.record.summary ?? {}) as Record<string, any>;
  const result = live?.result ?? summary.result;
  const orders: Array<Record<string, any>> = live?.rectifications ?? summary.rectifications ?? [];
  const sanctions: Array<Record<string, any>> = live?.sanctions ?? summary.sanctions ?? [];
  const templateItems = checklistOf(data);
  const itemText = (id: string) => itemWords(templateItems, id);
  const sheets: Array<{ inspectorId: string; scores: Record<string, number>; notes: string }> = live?.sheets ?? [];
  const failed = new Set<string>(result?.failedItems ?? []);
  return [
    section(
      'cases.section.inspection',
      facts([
        [
          'fact.stationId',
          live?.station
            ? h('a', { href: `#/cases/station/${live.station.id}` }, live.station.name)
            : h('a', { href: `#/cases/station/${data.record.stationId}` }, String(data.record.stationId)),
        ],
        ['fact.kind', label('kind', data.record.kind)],
        ['cases.inspection.reason', text(live?.reason ?? summary.reason)],
        ['cases.team', namesOf(names, live?.team?.map((p: { id: string }) => p.id) ?? data.record.teamIds)],
        ['fact.leadId', nameOf(names, live?.leadId ?? data.record.leadId)],
      ]),
    ),
    templateItems.length && (sheets.length || result)
      ? section(
          'cases.section.scores',
          table(
            t('cases.section.scores'),
            [t('cases.col.item'), t('cases.col.max'), ...sheets.map((s) => nameOf(names, s.inspectorId)), t('cases.col.mean'), t('cases.col.result')],
            templateItems.map((item) => [
              [itemText(item.id), item.critical ? badge('cases.critical', 'warn') : null],
              String(item.maxScore),
              ...sheets.map((s) => text(s.scores[item.id])),
              text(result?.items?.[item.id]),
              result ? (failed.has(item.id) ? badge(item.critical ? 'cases.criticalFailed' : 'cases.failed', 'danger') : t('cases.passed')) : '—',
            ]),
            templateItems.map((item) => ({
              class: failed.has(item.id) ? 'failed' : null,
              'data-item': item.id,
              'data-failed': result ? String(failed.has(item.id)) : null,
            })),
          ),
          result
            ? facts([
                ['cases.total', text(result.total)],
                ['fact.rating', text(result.rating)],
                [
                  'fact.outcome',
                  [
                    result.passed ? t('cases.passed') : badge('cases.failed', 'danger'),
                    result.criticalFailed ? [' ', badge('cases.criticalFailed', 'danger')] : null,
                  ],
                ],
              ])
            : null,
          sheets.some((s) => s.notes)
            ? h(
                'ul',
                { class: 'reasons' },
                sheets.filter((s) => s.notes).map((s) => h('li', {}, `${nameOf(names, s.inspectorId)}：${s.notes}`)),
              )
            : null,
        )
      : null,
    live?.report ? section('cases.section.report', prose(live.report.summary)) : null,
    live?.review
      ? section(
          'cases.section.review',
          facts([
            ['fact.outcome', label('outcome', live.review.outcome)],
            ['cases.decidedBy', nameOf(names, live.review.by)],
            ['field.reasons', reasonList(live.review.reasons)],
          ]),
        )
      : null,
    ...orders.map((order) =>
      section(
        'cases.section.rectification',
        facts([
          ['cases.rectification.round', String(order.round)],
          [
            'cases.rectification.items',
            h(
              'ul',
              { class: 'reasons', 'data-rectification-items': 'true' },
              (order.items as string[]).map((id) => h('li', {}, itemText(id))),
            ),
          ],
          ['cases.rectification.report', order.report ? prose(order.report, { 'data-rectification-report': 'true' }) : t('cases.rectification.noReport')],
          ['cases.rectification.reportedAt', time(order.reportedAt)],
          order.verification
            ? [
                'cases.rectification.verification',
                [
                  order.verification.passed ? t('cases.passed') : badge('cases.failed', 'danger'),
                  order.verification.failedItems.length ? ` ${list(order.verification.failedItems.map(itemText))}` : '',
                ],
              ]
            : null,
        ]),
      ),
    ),
    live?.proposedSanction || sanctions.length
      ? section(
          'cases.section.sanctions',
          facts([
            live?.proposedSanction ? ['cases.sanction.proposed', h('strong', {}, label('sanction', live.proposedSanction))] : null,
            ['cases.sanction.decided', list(sanctions.map((s) => `${label('sanction', s.level)}（${nameOf(names, s.by)}，${formatTime(s.at)}）`))],
          ]),
        )
      : null,
  ].filter((s): s is HTMLElement => s !== null);
}

function qualificationDetails(data: CaseData, names: Names): HTMLElement[] {
  const c = current(data);
  const examiner = c.examiner ?? { id: data.record.examinerId };
  return [
    section(
      'cases.section.qualification',
      facts([
        ['fact.examinerId', h('a', { href: `#/cases/examiner/${encodeURIComponent(examiner.id)}` }, examiner.name ?? nameOf(names, examiner.id))],
        ['fact.occupationCode', occupationName(c.occupationCode)],
        ['fact.level', levelLabel(c.level)],
        c.admission ? ['cases.admission', t('cases.admission.value', { hours: c.admission.trainingHours, score: c.admission.examScore })] : null,
        ['fact.cardNumber', text(c.cardNumber)],
        ['fact.issuedAt', time(c.issuedAt)],
        ['fact.expiresAt', time(c.expiresAt)],
      ]),
    ),
    c.renewal
      ? section(
          'cases.section.renewal',
          facts([
            ['field.trainingHours', text(c.renewal.trainingHours)],
            ['cases.renewal.sessions', text(c.renewal.sessionsConducted)],
            ['cases.renewal.violations', text(c.renewal.violations)],
            ['field.notes', text(c.renewal.notes)],
            c.renewal.returns?.length ? ['cases.renewal.returns', reasonList(c.renewal.returns.flat())] : null,
          ]),
        )
      : null,
    c.renewalRejected ? section('cases.section.renewalRejected', reasonList(c.renewalRejected)) : null,
    c.suspension
      ? section(
          'cases.section.suspension',
          facts([
            ['cases.suspension.until', time(c.suspension.until)],
            ['cases.decidedBy', nameOf(names, c.suspension.by)],
            ['field.reasons', reasonList(c.suspension.reasons, { 'data-reasons': 'suspension' })],
          ]),
        )
      : null,
    c.endReason ? section('cases.section.ended', prose(c.endReason)) : null,
  ].filter((s): s is HTMLElement => s !== null);
}

function complaintDetails(data: CaseData, names: Names, timeline: TimelineEntry[], identity?: Record<string, any> | null): HTMLElement[] {
  const c = current(data);
  const intake = (c.intake ?? {}) as Record<string, any>;
  const targets = { ...intake, ...(c.targets ?? {}) };
  const appeal = [...timeline].reverse().find((e) => e.action === 'appealed');
  return [
    identity
      ? section(
          'cases.section.identity',
          identity.anonymous
            ? h('p', {}, t('cases.identity.anonymous'))
            : facts([
                ['field.contact.name', text(identity.contact?.name)],
                ['field.contact.email', text(identity.contact?.email)],
                ['field.contact.phone', text(identity.contact?.phone)],
              ]),
        )
      : null,
    section(
      'cases.section.complaint',
      facts([
        ['fact.kind', label('kind', intake.kind ?? 'complaint')],
        ['fact.category', label('category', c.category ?? intake.category)],
        ['field.happenedOn', text(intake.happenedOn)],
        ['fact.anonymous', c.anonymous ? t('common.yes') : t('common.no')],
      ]),
      h('h3', {}, t('field.description')),
      prose(intake.description, { 'data-description': 'true' }),
      h('h3', {}, t('field.evidence')),
      prose(intake.evidence || undefined, { 'data-evidence': 'true' }),
      h('h3', {}, t('cases.targets')),
      facts([
        ['fact.stationId', targets.stationId ? h('a', { href: `#/cases/station/${targets.stationId}` }, String(targets.stationId)) : '—'],
        [
          'fact.examinerId',
          targets.examinerId ? h('a', { href: `#/cases/examiner/${encodeURIComponent(targets.examinerId)}` }, nameOf(names, targets.examinerId)) : '—',
        ],
        ['field.sessionId', text(targets.sessionId)],
        ['field.certificateNumber', text(intake.certificateNumber)],
      ]),
    ),
    (c.facts ?? []).length
      ? section(
          'cases.section.checks',
          table(
            t('cases.section.checks'),
            [t('cases.col.check'), t('cases.col.found'), t('cases.col.detail')],
            (c.facts as CheckFact[]).map((f) => [
              label('check', f.check),
              f.result ? badge('cases.check.found', 'danger') : t('cases.check.clear'),
              checkDetail(f, names),
            ]),
          ),
        )
      : null,
    c.investigator || data.record.investigatorId
      ? section(
          'cases.section.investigation',
          facts([
            ['fact.investigatorId', nameOf(names, c.investigator?.id ?? data.record.investigatorId)],
            ['cases.extensions', text(c.extensions ?? 0)],
          ]),
        )
      : null,
    c.finding
      ? section(
          'cases.section.finding',
          facts([
            ['fact.finding', h('strong', {}, label('finding', c.finding.finding))],
            ['cases.decidedBy', nameOf(names, c.finding.by)],
            ['field.reasons', reasonList(c.finding.reasons)],
            [
              'field.actions',
              list(
                (c.finding.actions as Array<{ type: string; until?: string }>).map((a) =>
                  a.until ? t('cases.finding.suspendUntil', { until: formatTime(a.until) }) : label('findingAction', a.type),
                ),
              ),
            ],
          ]),
        )
      : null,
    appeal
      ? section(
          'cases.section.appeal',
          facts([
            ['cases.appeal.at', time(appeal.at)],
            ['field.appealReason', prose(appeal.data?.reason, { 'data-appeal-reason': 'true' })],
          ]),
        )
      : null,
  ].filter((s): s is HTMLElement => s !== null);
}

interface CheckFact {
  check: string;
  result: boolean;
  detail: string;
}

/** What an automatic check found, in words: the session, station or examiner it looked at, and their state. */
function checkDetail(f: CheckFact, names: Names): string {
  const session = /^session (\S+?):? /.exec(f.detail)?.[1] ?? '';
  const subject = /^(?:station|examiner) (\S+) is (\S+)/.exec(f.detail);
  switch (f.check) {
    case 'out_of_scope':
      return t(f.result ? 'cases.checkDetail.outOfScope' : 'cases.checkDetail.inScope', { session });
    case 'cross_region':
      return t(f.result ? 'cases.checkDetail.crossRegion' : 'cases.checkDetail.inRegion', { session });
    case 'station_not_active':
      return t('cases.checkDetail.station', { station: subject?.[1] ?? '', status: label('status', subject?.[2] ?? '') });
    case 'examiner_not_active':
      return subject
        ? t('cases.checkDetail.examiner', { examiner: nameOf(names, subject[1]), status: label('status', subject[2]) })
        : t('cases.checkDetail.unregistered');
    case 'fraud_signals': {
      // `rule` or `rule (serious)`, as the session recorded them.
      const signals = (/fraud signals (.+)$/.exec(f.detail)?.[1].split(', ') ?? []).map((x) => {
        const [rule, serious] = x.split(' ');
        return serious ? `${label('signal', rule)}（${t('sessions.serious')}）` : label('signal', rule);
      });
      return f.result
        ? t('cases.checkDetail.fraudSignals', { session, signals: signals.join(t('cases.listSeparator')) })
        : t('cases.checkDetail.noFraudSignals', { session });
    }
    default:
      return t(f.result ? 'cases.check.found' : 'cases.check.clear');
  }
}

function stationDetails(data: CaseData, names: Names): HTMLElement[] {
  const programme = data.live;
  const sessions = (data.extra?.sessions ?? null) as Array<Record<string, any>> | null;
  return [
    section('cases.section.scope', scopeTable(t('cases.section.scope'), data.record.scope ?? [])),
    programme
      ? section(
          'cases.section.programme',
          facts([
            ['cases.programme.ratings', list(programme.ratings ?? [])],
            ['cases.programme.openRectifications', list((programme.openRectifications ?? []).map((id: string) => id))],
            [
              'cases.sanction.decided',
              list((programme.sanctions ?? []).map((s: { level: string; at: string }) => `${label('sanction', s.level)}（${formatTime(s.at)}）`)),
            ],
          ]),
        )
      : null,
    sessions
      ? section(
          'cases.section.sessions',
          sessions.length
            ? table(
                t('cases.section.sessions'),
                [
                  t('cases.col.date'),
                  t('case.status'),
                  t('cases.col.occupation'),
                  t('fact.level'),
                  t('cases.col.site'),
                  t('cases.staff.examiners'),
                  t('cases.col.candidates'),
                  t('role.quality_supervisor'),
                ],
                sessions.map((s) => [
                  h('a', { href: `#/cases/session/${encodeURIComponent(s.id)}` }, s.date),
                  label('status', s.status),
                  occupationName(s.occupationCode),
                  levelLabel(s.level),
                  `${placeName(s.site.cityCode)} ${s.site.address}`,
                  namesOf(names, s.examinerIds),
                  String(s.expectedCandidates),
                  nameOf(names, s.qualitySupervisorId),
                ]),
                sessions.map((s) => ({ 'data-session': s.id })),
              )
            : h('p', {}, t('common.none')),
        )
      : null,
  ].filter((s): s is HTMLElement => s !== null);
}

function examinerDetails(data: CaseData): HTMLElement[] {
  const r = data.record;
  return [
    section(
      'cases.section.qualifications',
      table(
        t('cases.section.qualifications'),
        [t('fact.occupationCode'), t('fact.level'), t('case.status'), t('fact.expiresAt')],
        (r.qualifications ?? []).map((q: Record<string, any>) => [
          h('a', { href: `#/cases/qualification/${encodeURIComponent(q.id)}` }, occupationName(q.occupationCode)),
          levelLabel(q.level),
          label('status', q.status),
          time(q.expiresAt),
        ]),
      ),
    ),
    section(
      'cases.section.training',
      (r.training ?? []).length
        ? table(
            t('cases.section.training'),
            [t('field.completedOn'), t('field.course'), t('field.hours')],
            r.training.map((x: Record<string, any>) => [x.completedOn, x.course, String(x.hours)]),
          )
        : h('p', {}, t('common.none')),
    ),
    section(
      'cases.section.conduct',
      (r.conduct ?? []).length
        ? table(
            t('cases.section.conduct'),
            [t('cases.col.date'), t('field.kind'), t('field.description'), t('field.source')],
            r.conduct.map((x: Record<string, any>) => [time(x.recordedAt), label('conduct', x.kind), x.description, x.source]),
          )
        : h('p', {}, t('common.none')),
    ),
  ];
}
