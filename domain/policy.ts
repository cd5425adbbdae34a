import { z } from 'zod';
import { isIsoDuration } from './duration';

/**
 * Policy is data: every deadline, threshold and validity the processes use. It is validated once
 * when the system starts, handed to each workflow at its start and kept for the case's life, so a
 * running case keeps the rules it began under.
 */
const duration = z.string().refine(isIsoDuration, 'must be an ISO-8601 duration such as P14D or PT5S');

export const ON_SITE_ITEMS = [
  'organisation_management',
  'post_setup',
  'staffing',
  'appraisal_process_control',
  'site_and_equipment',
] as const;
export type OnSiteItem = (typeof ON_SITE_ITEMS)[number];

export const stationApprovalPolicySchema = z.object({
  /** How long each waiting step may take before its holder is reminded and the case escalates. */
  deadlines: z.object({
    resubmission: duration,
    assignReviewer: duration,
    documentReview: duration,
    assignAssessors: duration,
    onSiteAssessment: duration,
    finalDecision: duration,
  }),
  /** Escalation ladder after missed deadlines: level 1 mails every supervisor, later levels the duty mailbox. */
  escalation: z.object({
    dutyMailbox: z.string().email(),
    maxLevel: z.number().int().min(1).max(10),
  }),
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
});

export const policySchema = z.object({
  stationApproval: stationApprovalPolicySchema,
});

export type Policy = z.infer<typeof policySchema>;
export type StationApprovalPolicy = z.infer<typeof stationApprovalPolicySchema>;

export const defaultPolicy: Policy = {
  stationApproval: {
    deadlines: {
      resubmission: 'P30D',
      assignReviewer: 'P3D',
      documentReview: 'P10D',
      assignAssessors: 'P5D',
      onSiteAssessment: 'P20D',
      finalDecision: 'P5D',
    },
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
