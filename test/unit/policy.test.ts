import { describe, it, expect } from 'vitest';
import { defaultPolicy, parsePolicy, policyWith, type Policy } from '../../domain/policy';

describe('defaultPolicy', () => {
  it('passes its own validation unchanged', () => {
    expect(parsePolicy(defaultPolicy)).toEqual(defaultPolicy);
  });

  it('carries the regulatory defaults', () => {
    const sa = defaultPolicy.stationApproval;
    expect(sa.deadlines.resubmission).toBe('P30D');
    expect(sa.onSite).toEqual({
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
    });
    expect(sa.licenceValidity).toBe('P3Y');
  });
});

describe('policyWith', () => {
  it('changes only the overridden deadline and keeps every other default', () => {
    const policy = policyWith({ stationApproval: { deadlines: { resubmission: 'PT3S' } } });
    const expected: Policy = structuredClone(defaultPolicy);
    expected.stationApproval.deadlines.resubmission = 'PT3S';
    expect(policy).toEqual(expected);
    expect(policy.stationApproval.deadlines.assignReviewer).toBe('P3D');
    expect(policy.stationApproval.deadlines.documentReview).toBe('P10D');
    expect(policy.stationApproval.completeness.requiredDocuments).toEqual(['business_licence', 'site_certificate', 'equipment_list', 'management_rules']);
  });

  it('does not modify defaultPolicy', () => {
    policyWith({ stationApproval: { deadlines: { resubmission: 'PT3S' }, onSite: { passScore: 80 } } });
    expect(defaultPolicy.stationApproval.deadlines.resubmission).toBe('P30D');
    expect(defaultPolicy.stationApproval.onSite.passScore).toBe(70);
  });

  it('replaces arrays wholesale rather than merging them element-wise', () => {
    const policy = policyWith({ stationApproval: { completeness: { requiredDocuments: ['business_licence'] } } });
    expect(policy.stationApproval.completeness.requiredDocuments).toEqual(['business_licence']);
  });

  it.each(['14 days', 'P14', '5s', 'P', ''])('refuses the duration %j, naming ISO-8601', (bad) => {
    expect(() => policyWith({ stationApproval: { deadlines: { finalDecision: bad } } })).toThrow(/ISO-8601/);
  });

  it('refuses an invalid licence validity', () => {
    expect(() => policyWith({ stationApproval: { licenceValidity: '3 years' } })).toThrow(/ISO-8601/);
  });

  it('refuses weights that sum to more than 1', () => {
    // 0.2 + 0.15 + 0.3 + 0.3 + 0.15 = 1.1
    expect(() => policyWith({ stationApproval: { onSite: { weights: { staffing: 0.3 } } } })).toThrow(/sum to/);
  });

  it('refuses weights that sum to less than 1', () => {
    // 0.2 + 0.15 + 0.2 + 0.2 + 0.15 = 0.9
    expect(() => policyWith({ stationApproval: { onSite: { weights: { appraisal_process_control: 0.2 } } } })).toThrow(/not 1/);
  });

  it('accepts re-balanced weights that still sum to 1', () => {
    const policy = policyWith({ stationApproval: { onSite: { weights: { staffing: 0.25, appraisal_process_control: 0.25 } } } });
    expect(policy.stationApproval.onSite.weights.staffing).toBe(0.25);
    expect(policy.stationApproval.onSite.weights.appraisal_process_control).toBe(0.25);
  });

  it('refuses a policy missing the weight of an item', () => {
    const policy = structuredClone(defaultPolicy) as { stationApproval: { onSite: { weights: Record<string, number> } } };
    delete policy.stationApproval.onSite.weights.site_and_equipment;
    policy.stationApproval.onSite.weights.post_setup = 0.3; // still sums to 1
    expect(() => parsePolicy(policy)).toThrow();
  });

  it.each([1, 0])('refuses minAssessors %d (at least two assessors are required)', (n) => {
    expect(() => policyWith({ stationApproval: { onSite: { minAssessors: n } } })).toThrow();
  });

  it('accepts minAssessors 2 and 3', () => {
    expect(policyWith({ stationApproval: { onSite: { minAssessors: 2 } } }).stationApproval.onSite.minAssessors).toBe(2);
    expect(policyWith({ stationApproval: { onSite: { minAssessors: 3 } } }).stationApproval.onSite.minAssessors).toBe(3);
  });

  it('refuses an invalid duty mailbox', () => {
    expect(() => policyWith({ stationApproval: { escalation: { dutyMailbox: 'not-an-address' } } })).toThrow();
  });
});
