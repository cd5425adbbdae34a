import { deadlineByStatus, record, withoutTimeline, type ActionContext, type CaseRecord, type CaseRules, type Pending } from './case';
import { durationMs } from './duration';
import { forbidden, invalid, notAllowed } from './errors';
import type { StationSnapshot } from './inspection';
import { escalationChain } from './jurisdiction';
import type { SessionPolicy } from './policy';
import type { AppraisalSession } from './programme';
import { recusalReason } from './recusal';
import { hasRole, type Actor, type Person } from './roles';

/**
 * An appraisal session (鉴定场次) as a process: the real-name roster (实名制) until it locks, the session, the
 * examiners' scores, the quality supervisor's visit report (质量督导), the station's submission with its fraud
 * signals (虚假鉴定), and the supervising authority's review with a sample re-check, to approved results.
 */

export const SESSION_STATUSES = ['roster_open', 'roster_locked', 'scoring', 'under_review', 'approved', 'cancelled'] as const;
export type SessionStatus = (typeof SESSION_STATUSES)[number];

/** A rostered candidate: the identity number only sealed and hashed (the API seals it), shown masked. */
export interface Candidate {
  id: string;
  name: string;
  /** `4406**********123X`: what everyone but those entitled sees. */
  maskedId: string;
  /** Keyed hash of the identity number: matches the same person across sessions without the number. */
  idHash: string;
  occupationCode: string;
  level: number;
  /** The candidate's employer, where given: an examiner from it recuses. */
  organisation?: string;
}

export interface Score {
  absent: boolean;
  theory: number | null;
  practical: number | null;
  by: string;
  at: string;
  /** A second examiner's confirmation of the practical score (two-person rule). */
  confirmedBy?: string;
}

export const IRREGULARITY_SEVERITIES = ['minor', 'serious'] as const;
export interface VisitReport {
  by: string;
  at: string;
  candidatesPresent: number;
  identityChecked: boolean;
  examinersPresent: string[];
  irregularities: Array<{ kind: string; severity: (typeof IRREGULARITY_SEVERITIES)[number]; note: string }>;
}

/** A fraud signal (虚假鉴定 线索): one rule of the policy fired on the submitted results. */
export interface FraudSignal {
  rule: FraudRule;
  serious: boolean;
  facts: Record<string, unknown>;
}
export const FRAUD_RULES = [
  'scored_before_end',
  'not_on_roster',
  'more_passes_than_present',
  'perfect_pass_rate',
  'above_station_rate',
  'repeat_pass',
  'own_organisation',
  'serious_irregularity',
] as const;
export type FraudRule = (typeof FRAUD_RULES)[number];

/** What the API reads for a submission: the station's rolling pass rate and who passed the same occupation and level recently. */
export interface SubmissionFacts {
  stationPassRate: number | null;
  /** Hashes of candidates who passed this occupation and level within the policy window at another session. */
  recentPassHashes: string[];
}

export interface SessionState extends CaseRecord {
  id: string;
  station: StationSnapshot;
  session: AppraisalSession;
  status: SessionStatus;
  rosterLocksAt: string;
  endsAt: string;
  examiners: Person[];
  candidates: Candidate[];
  qualitySupervisor?: Person;
  visitReport?: VisitReport;
  scores: Record<string, Score>;
  /** Score entries refused by rule (an entry for someone not on the roster): kept as the facts they are. */
  strayEntries: Array<{ candidateId: string; by: string; at: string }>;
  submittedAt?: string;
  signals: FraudSignal[];
  /** The complaint a serious signal opened by itself. */
  complaintId?: string;
  holdReleased?: { by: string; reasons: string[]; at: string };
  recheck: { sample: string[]; entries: Record<string, { theory: number | null; practical: number | null; by: string }> };
  review?: { outcome: 'approve' | 'return'; by: string; reasons: string[] };
  passed: string[];
  /** Whether policy requires a quality supervisor here (levels 1–2, a risky station, or drawn at random). */
  supervisionRequired: boolean;
}

export type SessionAction =
  | { type: 'addCandidates'; candidates: Candidate[]; alreadyRostered: string[] }
  | { type: 'removeCandidate'; candidateId: string; reason: string }
  | { type: 'dispatchQualitySupervisor'; supervisor: Person; recentSupervisorIds: string[] }
  | { type: 'fileVisitReport'; report: Omit<VisitReport, 'by' | 'at'> }
  | { type: 'enterScores'; entries: Array<{ candidateId: string; absent: boolean; theory: number | null; practical: number | null }> }
  | { type: 'confirmPractical'; candidateIds: string[] }
  | { type: 'submitResults'; facts: SubmissionFacts }
  | { type: 'recheck'; entries: Array<{ candidateId: string; theory: number | null; practical: number | null }> }
  | { type: 'releaseHold'; reasons: string[] }
  | { type: 'decide'; outcome: 'approve' | 'return'; reasons: string[] }
  | { type: 'cancel'; reason: string };
export type SessionActionType = SessionAction['type'];

export const SESSION_ACTION_ROLE: Record<SessionActionType, Person['roles'][number]> = {
  addCandidates: 'station_admin',
  removeCandidate: 'station_admin',
  dispatchQualitySupervisor: 'supervisor',
  fileVisitReport: 'quality_supervisor',
  enterScores: 'examiner',
  confirmPractical: 'examiner',
  submitResults: 'station_admin',
  recheck: 'reviewer',
  releaseHold: 'supervisor',
  decide: 'reviewer',
  cancel: 'station_admin',
};

/**
 * When a session begins and ends: its own times, else its whole day in China time (UTC+8). Two sessions overlap
 * when each begins before the other ends (the register keeps these times for that rule).
 */
export function sessionSpan(session: Pick<AppraisalSession, 'date' | 'startsAt' | 'endsAt'>): { startsAt: string; endsAt: string } {
  const startsAt = Date.parse(session.startsAt ?? `${session.date}T00:00:00+08:00`);
  const endsAt = session.endsAt ? Date.parse(session.endsAt) : startsAt + 86_400_000;
  return { startsAt: new Date(startsAt).toISOString(), endsAt: new Date(endsAt).toISOString() };
}

/** When a session begins and ends (sessionSpan), and when its roster locks: the policy's period before it begins. */
export function sessionTimes(
  session: Pick<AppraisalSession, 'date' | 'startsAt' | 'endsAt'>,
  policy: SessionPolicy,
): { startsAt: string; endsAt: string; rosterLocksAt: string } {
  const span = sessionSpan(session);
  return { ...span, rosterLocksAt: new Date(Date.parse(span.startsAt) - durationMs(policy.rosterLockBefore)).toISOString() };
}

export function initialSession(input: {
  id: string;
  station: StationSnapshot;
  session: AppraisalSession;
  examiners: Person[];
  registeredBy: Actor;
  policy: SessionPolicy;
  at: string;
}): SessionState {
  const times = sessionTimes(input.session, input.policy);
  const state: SessionState = {
    id: input.id,
    station: input.station,
    session: input.session,
    status: 'roster_open',
    rosterLocksAt: times.rosterLocksAt,
    endsAt: times.endsAt,
    examiners: input.examiners,
    candidates: [],
    scores: {},
    strayEntries: [],
    signals: [],
    recheck: { sample: [], entries: {} },
    passed: [],
    supervisionRequired: false,
    version: 0,
    timeline: [],
  };
  return record(
    state,
    'session_registered',
    { actor: input.registeredBy, role: 'station_admin', at: input.at },
    { date: input.session.date, occupationCode: input.session.occupationCode, level: input.session.level },
  );
}

/** Whether a candidate passes: present, and both parts at least the policy's pass mark. */
export function passes(score: Score | undefined, policy: SessionPolicy): boolean {
  return !!score && !score.absent && (score.theory ?? 0) >= policy.passMark && (score.practical ?? 0) >= policy.passMark;
}

export function sessionPendingOn(s: SessionState): Pending | null {
  switch (s.status) {
    case 'roster_open':
      return { action: 'addCandidates', role: 'station_admin', userIds: [s.station.adminId] };
    case 'scoring':
      return { action: 'submitResults', role: 'station_admin', userIds: [s.station.adminId] };
    case 'under_review':
      return seriousHold(s) ? { action: 'releaseHold', role: 'supervisor', userIds: [] } : { action: 'decide', role: 'reviewer', userIds: [] };
    default:
      return null;
  }
}

const seriousHold = (s: SessionState) => s.signals.some((x) => x.serious) && !s.holdReleased;

function expectRole(actor: Actor, type: SessionActionType): void {
  const role = SESSION_ACTION_ROLE[type];
  if (!hasRole(actor, role)) throw forbidden(`${type} needs the ${role} role`);
}

function expectStatus(s: SessionState, type: SessionActionType, ...allowed: SessionStatus[]): void {
  if (!allowed.includes(s.status)) throw notAllowed(`${type} is not allowed while the session is ${s.status}`);
}

const score = (v: number | null) => v === null || (Number.isFinite(v) && v >= 0 && v <= 100);

export function checkSessionAction(s: SessionState, action: SessionAction, actor: Actor, policy: SessionPolicy): void {
  expectRole(actor, action.type);
  const isAdmin = actor.id === s.station.adminId;
  switch (action.type) {
    case 'addCandidates': {
      if (!isAdmin) throw forbidden("only the station's administrator keeps its rosters");
      expectStatus(s, action.type, 'roster_open');
      const hashes = new Set(s.candidates.map((c) => c.idHash));
      for (const c of action.candidates) {
        if (c.occupationCode !== s.session.occupationCode || c.level !== s.session.level)
          throw invalid('candidates', `${c.name} applies for another occupation or level than the session's`, 'other_occupation');
        if (hashes.has(c.idHash)) throw invalid('candidates', `${c.name} (${c.maskedId}) is already on this roster`, 'already_rostered');
        if (action.alreadyRostered.includes(c.idHash))
          throw invalid('candidates', `${c.name} (${c.maskedId}) is on another session's roster at an overlapping time`, 'overlapping_session');
        hashes.add(c.idHash);
      }
      if (hashes.size > policy.maxCandidates) throw invalid('candidates', `a roster holds at most ${policy.maxCandidates} candidates`, 'too_many');
      return;
    }
    case 'removeCandidate':
      if (!isAdmin) throw forbidden("only the station's administrator keeps its rosters");
      expectStatus(s, action.type, 'roster_open');
      if (!s.candidates.some((c) => c.id === action.candidateId))
        throw invalid('candidateId', `no candidate ${action.candidateId} on the roster`, 'unknown_candidate');
      return;
    case 'cancel':
      if (!isAdmin) throw forbidden("only the station's administrator cancels its sessions");
      expectStatus(s, action.type, 'roster_open', 'roster_locked');
      return;
    case 'dispatchQualitySupervisor': {
      expectStatus(s, action.type, 'roster_open', 'roster_locked');
      const p = action.supervisor;
      if (!p.roles.includes('quality_supervisor')) throw invalid('qualitySupervisorId', `${p.id} is not a quality supervisor`, 'not_quality_supervisor');
      const recusal = recusalReason(p, [s.station.organisation, ...s.station.affiliations]);
      if (recusal) throw invalid('qualitySupervisorId', `recusal (回避): ${recusal}`, 'recusal');
      if (action.recentSupervisorIds.includes(p.id))
        throw invalid('qualitySupervisorId', `rotation: ${p.id} supervised one of the station's last ${policy.supervisorRotation} sessions`, 'rotation');
      return;
    }
    case 'fileVisitReport':
      if (s.qualitySupervisor?.id !== actor.id) throw forbidden('only the dispatched quality supervisor files the visit report');
      // Filed before the station submits, so its facts are judged with the results.
      expectStatus(s, action.type, 'scoring');
      if (s.visitReport) throw notAllowed('the visit report is filed');
      return;
    case 'enterScores': {
      if (!s.examiners.some((e) => e.id === actor.id)) throw forbidden("only the session's examiners enter its scores");
      expectStatus(s, action.type, 'scoring');
      const examiner = s.examiners.find((e) => e.id === actor.id)!;
      for (const e of action.entries) {
        if (!score(e.theory) || !score(e.practical)) throw invalid('entries', 'scores are 0 to 100', 'score_range');
        if (!e.absent && (e.theory === null || e.practical === null)) throw invalid('entries', 'a present candidate has both scores', 'missing_score');
        const candidate = s.candidates.find((c) => c.id === e.candidateId);
        const recusal = candidate?.organisation ? recusalReason(examiner, [candidate.organisation]) : null;
        if (recusal) throw forbidden(`recusal (回避): ${recusal}, where ${candidate!.name} works`);
      }
      return;
    }
    case 'confirmPractical':
      if (!s.examiners.some((e) => e.id === actor.id)) throw forbidden("only the session's examiners confirm its scores");
      expectStatus(s, action.type, 'scoring');
      for (const id of action.candidateIds) {
        const entered = s.scores[id];
        if (!entered) throw invalid('candidateIds', `no score for ${id} to confirm`, 'no_score');
        if (entered.by === actor.id) throw forbidden('a second examiner confirms the practical score, not the one who entered it');
      }
      return;
    case 'submitResults': {
      if (!isAdmin) throw forbidden("only the station's administrator submits its results");
      expectStatus(s, action.type, 'scoring');
      if (s.qualitySupervisor && !s.visitReport) throw notAllowed('the quality supervisor has not filed the visit report yet');
      const missing = s.candidates.filter((c) => !s.scores[c.id]);
      if (missing.length) throw notAllowed(`no result yet for ${missing.map((c) => c.name).join(', ')}`);
      const unconfirmed = policy.twoPersonPractical ? s.candidates.filter((c) => !s.scores[c.id].absent && !s.scores[c.id].confirmedBy) : [];
      if (unconfirmed.length) throw notAllowed(`a second examiner has not confirmed the practical score of ${unconfirmed.map((c) => c.name).join(', ')}`);
      return;
    }
    case 'recheck':
      expectStatus(s, action.type, 'under_review');
      for (const e of action.entries) {
        if (!s.recheck.sample.includes(e.candidateId)) throw invalid('entries', `${e.candidateId} is not in the re-check sample`, 'not_in_sample');
        if (!score(e.theory) || !score(e.practical)) throw invalid('entries', 'scores are 0 to 100', 'score_range');
      }
      return;
    case 'releaseHold':
      expectStatus(s, action.type, 'under_review');
      if (!seriousHold(s)) throw notAllowed('no serious fraud signal holds these results');
      return;
    case 'decide':
      expectStatus(s, action.type, 'under_review');
      if (action.outcome === 'approve') {
        if (seriousHold(s)) throw notAllowed('a serious fraud signal holds approval until a supervisor releases it');
        const left = s.recheck.sample.filter((id) => !s.recheck.entries[id]);
        if (left.length) throw notAllowed(`the re-check sample is not complete (${left.length} left)`);
        if (recheckMismatches(s, policy).length) throw notAllowed('the re-check does not match the scores: return the results');
      }
      return;
  }
}

/** Sampled candidates whose re-entered scores differ from the examiners' beyond the tolerance. */
export function recheckMismatches(s: SessionState, policy: SessionPolicy): string[] {
  return s.recheck.sample.filter((id) => {
    const again = s.recheck.entries[id];
    const first = s.scores[id];
    if (!again || !first) return false;
    const off = (a: number | null, b: number | null) => Math.abs((a ?? 0) - (b ?? 0)) > policy.recheckTolerance;
    return off(again.theory, first.theory) || off(again.practical, first.practical);
  });
}

export function applySessionAction(s: SessionState, action: SessionAction, ctx: ActionContext, policy: SessionPolicy): SessionState {
  // Each action is taken in its role (the timeline and the audit trail name it).
  const rec = (next: SessionState, entry: string, data?: Record<string, unknown>) =>
    record(next, entry, { ...ctx, role: ctx.role ?? SESSION_ACTION_ROLE[action.type] }, data);
  switch (action.type) {
    case 'addCandidates':
      return rec({ ...s, candidates: [...s.candidates, ...action.candidates] }, 'candidates_added', {
        count: action.candidates.length,
        names: action.candidates.map((c) => `${c.name} ${c.maskedId}`),
      });
    case 'removeCandidate': {
      const gone = s.candidates.find((c) => c.id === action.candidateId)!;
      return rec({ ...s, candidates: s.candidates.filter((c) => c.id !== action.candidateId) }, 'candidate_removed', {
        name: `${gone.name} ${gone.maskedId}`,
        reasons: [action.reason],
      });
    }
    case 'cancel':
      return rec({ ...s, status: 'cancelled' }, 'session_cancelled', { reasons: [action.reason] });
    case 'dispatchQualitySupervisor':
      return rec({ ...s, qualitySupervisor: action.supervisor }, 'quality_supervisor_dispatched', { qualitySupervisorId: action.supervisor.id });
    case 'fileVisitReport':
      return rec({ ...s, visitReport: { ...action.report, by: ctx.actor.id, at: ctx.at } }, 'visit_report_filed', {
        candidatesPresent: action.report.candidatesPresent,
        irregularities: action.report.irregularities.length,
        serious: action.report.irregularities.filter((i) => i.severity === 'serious').length,
      });
    case 'enterScores': {
      const onRoster = action.entries.filter((e) => s.candidates.some((c) => c.id === e.candidateId));
      const stray = action.entries.filter((e) => !onRoster.includes(e)).map((e) => ({ candidateId: e.candidateId, by: ctx.actor.id, at: ctx.at }));
      const scores = { ...s.scores };
      for (const e of onRoster)
        scores[e.candidateId] = {
          absent: e.absent,
          theory: e.absent ? null : e.theory,
          practical: e.absent ? null : e.practical,
          by: ctx.actor.id,
          at: ctx.at,
        };
      return rec({ ...s, scores, strayEntries: [...s.strayEntries, ...stray] }, 'scores_entered', {
        count: onRoster.length,
        ...(stray.length ? { notOnRoster: stray.length } : {}),
      });
    }
    case 'confirmPractical': {
      const scores = { ...s.scores };
      for (const id of action.candidateIds) scores[id] = { ...scores[id], confirmedBy: ctx.actor.id };
      return rec({ ...s, scores }, 'practical_confirmed', { count: action.candidateIds.length });
    }
    case 'submitResults': {
      const signals = fraudSignals(s, action.facts, policy);
      return rec({ ...s, status: 'under_review', submittedAt: ctx.at, signals }, 'results_submitted', {
        candidates: s.candidates.length,
        passed: s.candidates.filter((c) => passes(s.scores[c.id], policy)).length,
        signals: signals.map((x) => x.rule),
      });
    }
    case 'recheck': {
      const entries = { ...s.recheck.entries };
      for (const e of action.entries) entries[e.candidateId] = { theory: e.theory, practical: e.practical, by: ctx.actor.id };
      const next = { ...s, recheck: { ...s.recheck, entries } };
      return rec(next, 'rechecked', { count: action.entries.length, mismatches: recheckMismatches(next, policy).length });
    }
    case 'releaseHold':
      return rec({ ...s, holdReleased: { by: ctx.actor.id, reasons: action.reasons, at: ctx.at } }, 'hold_released', { reasons: action.reasons });
    case 'decide': {
      const review = { outcome: action.outcome, by: ctx.actor.id, reasons: action.reasons };
      if (action.outcome === 'return') {
        return rec(
          { ...s, status: 'scoring', review, signals: [], holdReleased: undefined, recheck: { sample: [], entries: {} }, submittedAt: undefined },
          'results_returned',
          {
            reasons: action.reasons,
          },
        );
      }
      const passed = s.candidates.filter((c) => passes(s.scores[c.id], policy)).map((c) => c.id);
      return rec({ ...s, status: 'approved', review, passed }, 'results_approved', { passed: passed.length, reasons: action.reasons });
    }
  }
}

/**
 * The fraud signals (虚假鉴定 线索) of submitted results, each a policy rule with its threshold; serious ones hold
 * approval and open a complaint case by themselves.
 */
export function fraudSignals(s: SessionState, facts: SubmissionFacts, policy: SessionPolicy): FraudSignal[] {
  const rules = policy.fraud;
  const signals: FraudSignal[] = [];
  const fire = (rule: FraudRule, data: Record<string, unknown>) => signals.push({ rule, serious: rules.serious.includes(rule), facts: data });
  const entries = Object.entries(s.scores);
  const early = entries.filter(([, x]) => Date.parse(x.at) < Date.parse(s.endsAt)).map(([id]) => id);
  if (early.length) fire('scored_before_end', { candidates: early.length, endsAt: s.endsAt });
  if (s.strayEntries.length) fire('not_on_roster', { entries: s.strayEntries.length });
  const present = s.candidates.filter((c) => s.scores[c.id] && !s.scores[c.id].absent).length;
  const passedIds = s.candidates.filter((c) => passes(s.scores[c.id], policy)).map((c) => c.id);
  if (s.visitReport && passedIds.length > s.visitReport.candidatesPresent)
    fire('more_passes_than_present', { passed: passedIds.length, presentReported: s.visitReport.candidatesPresent });
  const rate = present ? passedIds.length / present : 0;
  if (present >= rules.perfectRateMinCandidates && rate === 1) fire('perfect_pass_rate', { present, passed: passedIds.length });
  if (facts.stationPassRate !== null && present > 0 && round(rate - facts.stationPassRate) > round(rules.stationRateMargin)) {
    fire('above_station_rate', { rate: round(rate), stationRate: round(facts.stationPassRate), margin: rules.stationRateMargin });
  }
  const repeats = s.candidates.filter((c) => passedIds.includes(c.id) && facts.recentPassHashes.includes(c.idHash));
  if (repeats.length) fire('repeat_pass', { candidates: repeats.map((c) => `${c.name} ${c.maskedId}`) });
  const own = s.candidates.filter((c) => {
    const by = s.examiners.find((e) => e.id === s.scores[c.id]?.by);
    return !!c.organisation && !!by && recusalReason(by, [c.organisation]) !== null;
  });
  if (own.length) fire('own_organisation', { candidates: own.length });
  const serious = s.visitReport?.irregularities.filter((i) => i.severity === 'serious') ?? [];
  if (serious.length) fire('serious_irregularity', { irregularities: serious.map((i) => i.kind) });
  return signals;
}

const round = (x: number) => Math.round(x * 1000) / 1000;

/** Candidates to re-check: the policy's share (at least one), picked by `random` (the workflow's, so replay picks the same). */
export function pickSample(candidateIds: string[], share: number, random: () => number): string[] {
  const pool = [...candidateIds];
  // Rounded first: 100 × 0.07 is 7.000000000000001 in floating point, which is 7 candidates, not 8.
  const n = pool.length ? Math.max(1, Math.ceil(Math.round(pool.length * share * 1e9) / 1e9)) : 0;
  const sample: string[] = [];
  while (sample.length < n) sample.push(pool.splice(Math.floor(random() * pool.length), 1)[0]);
  return sample;
}

/** Whether a session must have a quality supervisor: high levels, stations rated C or D or with an open order, else a random share. */
export function needsQualitySupervisor(
  session: Pick<AppraisalSession, 'level'>,
  station: { rating: string | null; openRectifications: number },
  policy: SessionPolicy,
  random: () => number,
): boolean {
  if (session.level <= policy.supervisionRequiredUpToLevel) return true;
  if (station.rating === 'C' || station.rating === 'D' || station.openRectifications > 0) return true;
  return random() < policy.supervisionShare;
}

/** The policy deadline of each status the session waits in. */
const STEP_DEADLINES: Partial<Record<SessionStatus, keyof SessionPolicy['deadlines']>> = {
  scoring: 'resultsSubmission',
  under_review: 'review',
};

export const sessionRules: CaseRules<SessionState, SessionAction, SessionPolicy> = {
  statuses: SESSION_STATUSES,
  check: checkSessionAction,
  apply: applySessionAction,
  pendingOn: sessionPendingOn,
  mailsFor: (entry, s) => {
    if (entry.action !== 'quality_supervisor_dispatched' || !s.qualitySupervisor) return [];
    const what = `${s.station.name} ${s.session.occupationCode} 第${s.session.level}级 ${s.session.date}`;
    return [
      {
        key: `${entry.seq}-dispatched`,
        to: [s.qualitySupervisor.email],
        notice: {
          subject: `质量督导派遣：${what}`,
          text: `您被派遣对鉴定场次 ${s.id}（${what}，${s.session.site.address}）进行质量督导。场次结束后请按期提交督导报告。`,
        },
      },
    ];
  },
  isFinal: (s) => s.status === 'approved' || s.status === 'cancelled',
  deadline: deadlineByStatus<SessionState>(STEP_DEADLINES),
  project: withoutTimeline,
  hold: {
    deadlines: STEP_DEADLINES,
    label: (s) => `appraisal session ${s.id} of ${s.station.name}`,
    region: (s) => s.station,
    holders: (s, pending) =>
      pending.userIds.length
        ? { emails: pending.userIds.includes(s.station.adminId) ? [s.station.adminEmail] : [] }
        : { role: pending.role, at: escalationChain(s.station) },
    missed: () => null,
  },
};

/** What the API reads for a registration beyond the station's own checks: examiners already at another session at an overlapping time. */
export interface RegistrationFacts {
  busyExaminerIds: string[];
}

/**
 * Why a session may not be registered under the session policy, or null (the station's own refusals, scope, region,
 * licence and examiner qualifications, are the programme's): too late, too few examiners for its level or its expected
 * candidates, or an examiner already at another session at an overlapping time.
 */
export function registrationRefusal(session: AppraisalSession, facts: RegistrationFacts, policy: SessionPolicy, today: string): Error | null {
  const daysAhead = (Date.parse(session.date) - Date.parse(today)) / 86_400_000;
  if (daysAhead < policy.registerDaysAhead)
    return invalid('date', `a session is registered at least ${policy.registerDaysAhead} days before it is held`, 'too_late');
  if ((session.startsAt === undefined) !== (session.endsAt === undefined))
    return invalid('endsAt', 'give both the start and the end, or neither', 'times_incomplete');
  if (session.startsAt && session.endsAt && Date.parse(session.endsAt) <= Date.parse(session.startsAt))
    return invalid('endsAt', 'a session ends after it begins', 'ends_before_start');
  const examiners = new Set(session.examinerIds).size;
  const forLevel = session.level <= 2 ? policy.minExaminers.highLevels : policy.minExaminers.otherLevels;
  const forCandidates = Math.ceil(session.expectedCandidates / policy.minExaminers.candidatesPerExaminer);
  const needed = Math.max(forLevel, forCandidates);
  if (examiners < needed)
    return invalid(
      'examinerIds',
      `this session needs at least ${needed} examiners (level ${session.level}, ${session.expectedCandidates} candidates)`,
      'too_few_examiners',
    );
  const busy = session.examinerIds.filter((id) => facts.busyExaminerIds.includes(id));
  if (busy.length) return invalid('examinerIds', `${busy.join(', ')} already examine at another session at an overlapping time`, 'examiner_busy');
  return null;
}
