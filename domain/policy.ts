import { z } from 'zod';
import { FRAUD_RULES } from './session';
import { durationMs, isIsoDuration } from './duration';
import { isWorkingDayDuration } from './workingDays';
import { periodUnit } from './statutoryClock';

/**
 * Policy is data: every deadline, threshold and validity the processes use. It is validated once
 * when the system starts, handed to each workflow at its start and kept for the case's life, so a
 * running case keeps the rules it began under.
 */
const duration = z.string().refine(isIsoDuration, 'must be an ISO-8601 duration such as P14D or PT5S');
/**
 * A step deadline: an ISO-8601 duration, or `P<n>WD`, n working days on the published calendar, due at the end (China time)
 * of the n-th working day after the step starts. The workflow runtime resolves it when the wait starts; a notice or document
 * that states the date (resubmission, rectification) prints that resolved due time, and the public complaint intake resolves
 * the first triage period on the same calendar. Periods that are not waits (validities, windows, intervals) stay durations.
 */
const deadline = z
  .string()
  .refine((d) => isIsoDuration(d) || isWorkingDayDuration(d), 'must be an ISO-8601 duration such as P14D, or working days such as P20WD');

const escalationSchema = z.object({
  dutyMailbox: z.string().email(),
  maxLevel: z.number().int().min(1).max(10),
});

export const ON_SITE_ITEMS = ['organisation_management', 'post_setup', 'staffing', 'appraisal_process_control', 'site_and_equipment'] as const;
export type OnSiteItem = (typeof ON_SITE_ITEMS)[number];

export const stationApprovalPolicySchema = z.object({
  /** How long each waiting step may take before its holder is reminded and the case escalates. */
  deadlines: z.object({
    resubmission: deadline,
    assignReviewer: deadline,
    documentReview: deadline,
    assignAssessors: deadline,
    onSiteAssessment: deadline,
    industryConcurrence: deadline,
    finalDecision: deadline,
  }),
  /**
   * Occupations (code prefixes) whose stations need the concurrence of the industry authority holding
   * them before the decision (地方与行业: the regional licence does not overrule the industry's view).
   */
  concurrenceOccupations: z.array(z.string().regex(/^\d(-\d{2}){0,3}$/)).max(200),
  /** Escalation ladder after missed deadlines: climbs the jurisdiction tree (city, province, nation), else the duty mailbox. */
  escalation: escalationSchema,
  completeness: z.object({
    requiredDocuments: z.array(z.string().min(1)).min(1),
    minExaminers: z.number().int().min(1),
  }),
  onSite: z.object({
    minAssessors: z.number().int().min(2),
    /** Weight of each item of the standard in the total score; weights sum to 1. */
    weights: z.record(z.enum(ON_SITE_ITEMS), z.number().positive()),
    passScore: z.number().min(0).max(100),
    /** No single item may fall below this, whatever the total. */
    itemFloor: z.number().min(0).max(100),
  }),
  licenceValidity: duration,
  /**
   * The licensing decision's statutory limit (法定办理时限) from acceptance, the time the applicant holds the application
   * (补正, returns) not counted, and the one extension a supervisor may grant: `P<n>WD` (working days, by the calendar)
   * in production; an ISO duration (elapsed time, no calendar) for seconds-scale tests. Both in the same unit.
   */
  statutory: z
    .object({ limit: deadline, extension: deadline })
    .refine((s) => periodUnit(s.limit) === periodUnit(s.extension), 'limit and extension must both be in working days or both ISO durations'),
});

const ratingIntervals = z.object({ A: duration, B: duration, C: duration, D: duration });

export const inspectionPolicySchema = z.object({
  deadlines: z.object({
    assignTeam: deadline,
    acknowledge: deadline,
    fieldwork: deadline,
    report: deadline,
    review: deadline,
    /** Time the station has to rectify (整改) and report. */
    rectification: deadline,
    verification: deadline,
    sanctionDecision: deadline,
  }),
  escalation: escalationSchema,
  minTeamSize: z.number().int().min(2),
  scoring: z.object({
    itemPassRatio: z.number().gt(0).max(1),
    ratingThresholds: z.object({ A: z.number(), B: z.number(), C: z.number() }).refine((t) => t.A > t.B && t.B > t.C, 'thresholds must fall from A to C'),
  }),
});

export const programmePolicySchema = z.object({
  /** Interval to the next routine inspection by the last rating; a new station is inspected after `unrated`. */
  intervals: ratingIntervals.extend({ unrated: duration }),
  /** While a rectification order is open, the next inspection comes no later than this. */
  openRectificationInterval: duration,
  /** A substantiated complaint within the window brings the next inspection this close. */
  substantiatedComplaintInterval: duration,
  complaintWindow: duration,
  /** Demonstration station (示范站) candidates: rated A in this many consecutive inspections, no substantiated complaint in the window. */
  demonstrationAfterConsecutiveA: z.number().int().min(1),
  /** Sessions held outside the station's province (or city) are cross-region (跨地区). */
  sessionRegion: z.enum(['province', 'city']),
  /** The station is reminded this long before its licence's validUntil (calendar durations), each once per validity. */
  licenceReminders: z.array(duration).min(1).max(10),
});

export const qualificationPolicySchema = z.object({
  /** How long a qualification is valid, from admission and from each renewal. */
  validity: duration,
  /** Renewal reminders this long before expiry (e.g. 90, 30 and 7 days). */
  reminderOffsets: z.array(duration).min(1).max(10),
  admission: z.object({ minTrainingHours: z.number().min(0), minExamScore: z.number().min(0).max(100) }),
  renewal: z.object({
    minTrainingHours: z.number().min(0),
    minSessions: z.number().int().min(0),
    /** From this many violations in the period, a renewal needs a supervisor's approval as well. */
    violationsNeedingSupervisor: z.number().int().min(1),
  }),
  /** Bulk import starts this many renewal cycles per batch, one batch per `importPace`. */
  importBatch: z.number().int().min(1).max(1000),
  importPace: duration,
});

export const complaintPolicySchema = z.object({
  /** The public intake writes the case's first due time itself, a working-day one on the calendar in force as the workflow does. */
  triage: deadline,
  assignInvestigator: deadline,
  /** Investigation SLA by severity; critical cases follow the emergency plan. */
  sla: z.object({ normal: deadline, serious: deadline, critical: deadline }),
  /** The investigator is reminded this long before the SLA runs out. */
  reminderBefore: duration,
  /** After a missed SLA, each further period climbs one rung: handler → supervisor → provincial director. */
  escalationInterval: duration,
  extension: duration,
  appealWindow: duration,
  directorMailbox: z.string().email(),
  emergencyContacts: z.array(z.string().email()).min(1),
  /** Public intake: complaints per client address per window. */
  intakeRate: z.object({ max: z.number().int().min(1), window: duration }),
});

export const housekeepingPolicySchema = z.object({
  /** An Idempotency-Key is honoured this long after its request; a retry after that is judged afresh. */
  idempotencyKeyRetention: duration,
  /** How often the housekeeping schedule runs (Temporal schedules count in whole seconds). */
  every: duration.refine((d) => !isIsoDuration(d) || durationMs(d) >= 1000, 'must be at least PT1S'),
  /** Rows removed per statement, so a large backlog never holds long locks. */
  deleteBatch: z.number().int().min(1).max(50_000),
});

export const sessionPolicySchema = z.object({
  /** A session is registered at least this many days before it is held. */
  registerDaysAhead: z.number().int().min(0),
  /** The real-name roster (实名制) locks this long before the session begins. */
  rosterLockBefore: duration,
  /** Examiners a session needs: at least `highLevels` for levels 1–2, `otherLevels` otherwise, and one per `candidatesPerExaminer` expected candidates. */
  minExaminers: z.object({ highLevels: z.number().int().min(1), otherLevels: z.number().int().min(1), candidatesPerExaminer: z.number().int().min(1) }),
  maxCandidates: z.number().int().min(1),
  /** Both the theory and the practical part at least this to pass. */
  passMark: z.number().min(0).max(100),
  /** A second examiner confirms each practical score (two-person rule). */
  twoPersonPractical: z.boolean(),
  /** The reviewer re-enters this share of candidates' scores (at least one); a difference beyond the tolerance returns the results. */
  recheckShare: z.number().min(0).max(1),
  recheckTolerance: z.number().min(0),
  /** A quality supervisor (质量督导) is required up to this level (1 is the highest), and for this share of the other sessions, drawn at random. */
  supervisionRequiredUpToLevel: z.number().int().min(0).max(5),
  supervisionShare: z.number().min(0).max(1),
  /** A supervisor may not supervise the station again within its last this many sessions. */
  supervisorRotation: z.number().int().min(0),
  deadlines: z.object({ resultsSubmission: deadline, review: deadline }),
  escalation: escalationSchema,
  /** Fraud signals (虚假鉴定): thresholds, and which rules are serious (they hold approval and open a complaint). */
  fraud: z.object({
    perfectRateMinCandidates: z.number().int().min(1),
    stationRateMargin: z.number().min(0).max(1),
    repeatPassWindow: duration,
    serious: z.array(z.enum(FRAUD_RULES)),
  }),
});

const rateSchema = z.object({ max: z.number().int().min(1), window: duration });

/** Certificates (职业技能等级证书): public verification limits, the employer's batch, the feed, imports and blank stock. */
export const certificatePolicySchema = z.object({
  /** Public verification per client address (abuse protection), counted in MySQL. */
  verifyRate: rateSchema,
  /** The employer's batch check: at most this many (number, name) pairs per file, and this many files per window. */
  batchCheckMax: z.number().int().min(1),
  batchRate: rateSchema,
  /** The revocation feed's largest page. */
  revocationFeedPageMax: z.number().int().min(1),
  /** Legacy import: rows written per INSERT, and rejected rows kept for the report. */
  importBatchRows: z.number().int().min(1),
  importRejectionsKept: z.number().int().min(0),
  /** Blank forms: the largest serial range one receipt or distribution may move. */
  blankRangeMax: z.number().int().min(1),
});

export const statisticsPolicySchema = z.object({
  /** When the nightly reconciliation of the summaries against the base tables runs: HH:MM, China time. */
  reconcileAt: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be HH:MM'),
  /** Who is told when a summary has drifted from its base table. */
  driftMailbox: z.string().email(),
  /** The drifted rows a run reports at most (its result and its mail stay small whatever went wrong). */
  driftRowsReported: z.number().int().min(1).max(1000),
  /** The horizon of the figures "expiring soon": station licences and examiner qualifications expiring within it (days). */
  expiringWithinDays: z.number().int().min(1).max(3660),
});

/**
 * Early warning (预警): rules over counted facts, each with its window and threshold and each able to be turned off.
 * A rule fires at most once per subject and window (windows aligned to their length, China days), opening its case.
 */
const warningRule = <T extends z.ZodRawShape>(shape: T) => z.object({ enabled: z.boolean(), window: duration, ...shape });

export const warningPolicySchema = z.object({
  /** How often the schedule evaluates the rules. */
  every: duration.refine((d) => !isIsoDuration(d) || durationMs(d) >= 1000, 'must be at least PT1S'),
  rules: z.object({
    /** Complaints naming one station within the window. */
    complaints_per_station: warningRule({ threshold: z.number().int().min(1) }),
    /**
     * A station's pass rate over its approved sessions in the window far above its own history or its province's: above
     * its own rate over the `history` before the window by more than `margin`, or above the rate of the other stations of
     * its province over the same window by more than `provinceMargin`; each side over at least `minCandidates` candidates.
     */
    pass_rate_above_history: warningRule({
      margin: z.number().gt(0).max(1),
      provinceMargin: z.number().gt(0).max(1),
      minCandidates: z.number().int().min(1),
      history: duration,
    }),
    /** Visit reports (质量督导) with a serious irregularity at one station's sessions. */
    serious_irregularity: warningRule({ threshold: z.number().int().min(1) }),
    /** Violations on one examiner's conduct record. */
    examiner_violations: warningRule({ threshold: z.number().int().min(1) }),
    /** Blank form stocktakes of one station that did not balance. */
    blank_stock_mismatch: warningRule({ threshold: z.number().int().min(1) }),
    /** Complaints naming one session within a short window: a risk of a mass incident (群体性事件), on the emergency path. */
    mass_incident: warningRule({ threshold: z.number().int().min(2) }),
  }),
});

/** A station licence's renewal (续期): the supervisor's decision deadline and its escalation; validity is `stationApproval.licenceValidity`. */
export const licencePolicySchema = z.object({
  deadlines: z.object({ renewalDecision: duration }),
  escalation: escalationSchema,
});

export const policySchema = z.object({
  stationApproval: stationApprovalPolicySchema,
  complaint: complaintPolicySchema,
  qualification: qualificationPolicySchema,
  inspection: inspectionPolicySchema,
  programme: programmePolicySchema,
  housekeeping: housekeepingPolicySchema,
  session: sessionPolicySchema,
  certificate: certificatePolicySchema,
  statistics: statisticsPolicySchema,
  warning: warningPolicySchema,
  licence: licencePolicySchema,
});

export type Policy = z.infer<typeof policySchema>;
export type StationApprovalPolicy = z.infer<typeof stationApprovalPolicySchema>;
export type InspectionPolicy = z.infer<typeof inspectionPolicySchema>;
export type ProgrammePolicy = z.infer<typeof programmePolicySchema>;
export type QualificationPolicy = z.infer<typeof qualificationPolicySchema>;
export type ComplaintPolicy = z.infer<typeof complaintPolicySchema>;
export type HousekeepingPolicy = z.infer<typeof housekeepingPolicySchema>;
export type SessionPolicy = z.infer<typeof sessionPolicySchema>;
export type CertificatePolicy = z.infer<typeof certificatePolicySchema>;
export type StatisticsPolicy = z.infer<typeof statisticsPolicySchema>;
export type WarningPolicy = z.infer<typeof warningPolicySchema>;
export type WarningRules = WarningPolicy['rules'];
export type LicencePolicy = z.infer<typeof licencePolicySchema>;
/** What a renewal case runs under: the licence section and the validity a renewal grants. */
export type LicenceRenewalPolicy = LicencePolicy & { validity: string };

export const defaultPolicy: Policy = {
  stationApproval: {
    deadlines: {
      resubmission: 'P30D',
      assignReviewer: 'P3D',
      documentReview: 'P10D',
      assignAssessors: 'P5D',
      onSiteAssessment: 'P20D',
      industryConcurrence: 'P10D',
      finalDecision: 'P5D',
    },
    concurrenceOccupations: [],
    escalation: { dutyMailbox: 'duty-office@appraisal.example.gov.cn', maxLevel: 3 },
    completeness: {
      requiredDocuments: ['business_licence', 'site_certificate', 'equipment_list', 'management_rules'],
      minExaminers: 2,
    },
    onSite: {
      minAssessors: 2,
      weights: {
        organisation_management: 0.2,
        post_setup: 0.15,
        staffing: 0.2,
        appraisal_process_control: 0.3,
        site_and_equipment: 0.15,
      },
      passScore: 70,
      itemFloor: 50,
    },
    licenceValidity: 'P3Y',
    statutory: { limit: 'P20WD', extension: 'P10WD' },
  },
  inspection: {
    deadlines: {
      assignTeam: 'P5D',
      acknowledge: 'P2D',
      fieldwork: 'P14D',
      report: 'P5D',
      review: 'P5D',
      rectification: 'P30D',
      verification: 'P10D',
      sanctionDecision: 'P5D',
    },
    escalation: { dutyMailbox: 'duty-office@appraisal.example.gov.cn', maxLevel: 3 },
    minTeamSize: 2,
    scoring: { itemPassRatio: 0.6, ratingThresholds: { A: 90, B: 75, C: 60 } },
  },
  complaint: {
    triage: 'P2D',
    assignInvestigator: 'P2D',
    sla: { normal: 'P30D', serious: 'P15D', critical: 'P3D' },
    reminderBefore: 'P3D',
    escalationInterval: 'P3D',
    extension: 'P15D',
    appealWindow: 'P15D',
    directorMailbox: 'director@hrss.example.gov.cn',
    emergencyContacts: ['emergency@hrss.example.gov.cn'],
    intakeRate: { max: 10, window: 'PT1H' },
  },
  qualification: {
    validity: 'P3Y',
    reminderOffsets: ['P90D', 'P30D', 'P7D'],
    admission: { minTrainingHours: 40, minExamScore: 60 },
    renewal: { minTrainingHours: 24, minSessions: 2, violationsNeedingSupervisor: 2 },
    importBatch: 200,
    importPace: 'PT1S',
  },
  programme: {
    intervals: { A: 'P12M', B: 'P6M', C: 'P3M', D: 'P3M', unrated: 'P6M' },
    openRectificationInterval: 'P3M',
    substantiatedComplaintInterval: 'P1M',
    complaintWindow: 'P12M',
    demonstrationAfterConsecutiveA: 3,
    sessionRegion: 'province',
    licenceReminders: ['P90D', 'P30D'],
  },
  housekeeping: { idempotencyKeyRetention: 'PT24H', every: 'PT1H', deleteBatch: 5000 },
  session: {
    registerDaysAhead: 7,
    rosterLockBefore: 'P3D',
    minExaminers: { highLevels: 3, otherLevels: 2, candidatesPerExaminer: 15 },
    maxCandidates: 500,
    passMark: 60,
    twoPersonPractical: true,
    recheckShare: 0.1,
    recheckTolerance: 2,
    supervisionRequiredUpToLevel: 2,
    supervisionShare: 0.2,
    supervisorRotation: 3,
    deadlines: { resultsSubmission: 'P7D', review: 'P10D' },
    escalation: { dutyMailbox: 'duty-office@appraisal.example.gov.cn', maxLevel: 3 },
    fraud: {
      perfectRateMinCandidates: 30,
      stationRateMargin: 0.3,
      repeatPassWindow: 'P365D',
      serious: ['scored_before_end', 'not_on_roster', 'more_passes_than_present', 'repeat_pass', 'own_organisation', 'serious_irregularity'],
    },
  },
  certificate: {
    verifyRate: { max: 60, window: 'PT1M' },
    batchCheckMax: 1000,
    batchRate: { max: 20, window: 'PT1H' },
    revocationFeedPageMax: 1000,
    importBatchRows: 5000,
    importRejectionsKept: 10000,
    blankRangeMax: 100000,
  },
  statistics: { reconcileAt: '02:30', driftMailbox: 'duty-office@appraisal.example.gov.cn', driftRowsReported: 100, expiringWithinDays: 90 },
  warning: {
    every: 'PT1H',
    rules: {
      complaints_per_station: { enabled: true, window: 'P30D', threshold: 3 },
      pass_rate_above_history: { enabled: true, window: 'P90D', margin: 0.3, provinceMargin: 0.3, minCandidates: 20, history: 'P2Y' },
      serious_irregularity: { enabled: true, window: 'P30D', threshold: 1 },
      examiner_violations: { enabled: true, window: 'P1Y', threshold: 2 },
      blank_stock_mismatch: { enabled: true, window: 'P90D', threshold: 1 },
      mass_incident: { enabled: true, window: 'P1D', threshold: 5 },
    },
  },
  licence: {
    deadlines: { renewalDecision: 'P20D' },
    escalation: { dutyMailbox: 'duty-office@appraisal.example.gov.cn', maxLevel: 3 },
  },
};

/** Parses a policy, refusing one whose weights do not cover every item or do not sum to 1. */
export function parsePolicy(input: unknown): Policy {
  const policy = policySchema.parse(input);
  const weights = policy.stationApproval.onSite.weights;
  const missing = ON_SITE_ITEMS.filter((item) => !(item in weights));
  if (missing.length) throw new Error(`policy: on-site weights missing for ${missing.join(', ')}`);
  const sum = Object.values(weights).reduce((a, b) => a + b, 0);
  if (Math.abs(sum - 1) > 1e-9) throw new Error(`policy: on-site weights sum to ${sum}, not 1`);
  return policy;
}

/** Deep-merges overrides (e.g. second-long deadlines in tests, a POLICY_FILE in production) onto the defaults. */
export function policyWith(overrides: DeepPartial<Policy>): Policy {
  return parsePolicy(merge(defaultPolicy, overrides));
}

export type DeepPartial<T> = { [K in keyof T]?: T[K] extends object ? DeepPartial<T[K]> : T[K] };

function merge(base: unknown, over: unknown): unknown {
  if (typeof base !== 'object' || base === null || Array.isArray(base)) return over ?? base;
  if (typeof over !== 'object' || over === null) return base;
  const out: Record<string, unknown> = { ...(base as Record<string, unknown>) };
  for (const [key, value] of Object.entries(over)) out[key] = merge(out[key], value);
  return out;
}
