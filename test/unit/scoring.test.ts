import { describe, it, expect } from 'vitest';
import { defaultPolicy } from '../../domain/policy';
import { scoreOnSite, type ItemScores } from '../../domain/scoring';

const rule = defaultPolicy.stationApproval.onSite;

const sheet = (
  organisation_management: number,
  post_setup: number,
  staffing: number,
  appraisal_process_control: number,
  site_and_equipment: number,
): ItemScores => ({ organisation_management, post_setup, staffing, appraisal_process_control, site_and_equipment });

describe('scoreOnSite with the default weights (0.2, 0.15, 0.2, 0.3, 0.15), pass 70, floor 50', () => {
  it('averages each item across two sheets and weights the means', () => {
    const result = scoreOnSite([sheet(80, 70, 90, 60, 75), sheet(90, 80, 70, 80, 85)], rule);
    expect(result.items).toEqual({
      organisation_management: 85,
      post_setup: 75,
      staffing: 80,
      appraisal_process_control: 70,
      site_and_equipment: 80,
    });
    // 85*0.2 + 75*0.15 + 80*0.2 + 70*0.3 + 80*0.15 = 17 + 11.25 + 16 + 21 + 12
    expect(result.total).toBe(77.25);
    expect(result.passed).toBe(true);
    expect(result.failingItems).toEqual([]);
  });

  it('keeps half-point means', () => {
    const result = scoreOnSite([sheet(71, 60, 60, 60, 60), sheet(72, 61, 60, 60, 60)], rule);
    expect(result.items.organisation_management).toBe(71.5);
    expect(result.items.post_setup).toBe(60.5);
    // 71.5*0.2 + 60.5*0.15 + 60*0.2 + 60*0.3 + 60*0.15 = 14.3 + 9.075 + 12 + 18 + 9
    expect(result.total).toBe(62.38); // 62.375 rounded to two decimals
    expect(result.passed).toBe(false);
  });

  it('rounds means and total to two decimals', () => {
    const result = scoreOnSite([sheet(70, 80, 80, 80, 80), sheet(71, 80, 80, 80, 80), sheet(71, 80, 80, 80, 80)], rule);
    expect(result.items.organisation_management).toBe(70.67); // 212 / 3
    // 70.666…*0.2 + 80*0.8 = 14.1333… + 64
    expect(result.total).toBe(78.13);
  });

  it('passes at exactly the pass score', () => {
    const result = scoreOnSite([sheet(70, 70, 70, 70, 70), sheet(70, 70, 70, 70, 70)], rule);
    expect(result.total).toBe(70);
    expect(result.passed).toBe(true);
  });

  it('fails just below the pass score even with every item above the floor', () => {
    // means 70, 70, 70, 69, 70: 14 + 10.5 + 14 + 20.7 + 10.5
    const result = scoreOnSite([sheet(70, 70, 70, 68, 70), sheet(70, 70, 70, 70, 70)], rule);
    expect(result.total).toBe(69.7);
    expect(result.passed).toBe(false);
    expect(result.failingItems).toEqual([]);
  });

  it('fails a high total when one item is below the floor, and names that item', () => {
    // site_and_equipment mean (45+35)/2 = 40 < 50; total 20 + 15 + 20 + 30 + 6
    const result = scoreOnSite([sheet(100, 100, 100, 100, 45), sheet(100, 100, 100, 100, 35)], rule);
    expect(result.items.site_and_equipment).toBe(40);
    expect(result.total).toBe(91);
    expect(result.passed).toBe(false);
    expect(result.failingItems).toEqual(['site_and_equipment']);
  });

  it('lists every failing item in the standard order', () => {
    const result = scoreOnSite([sheet(40, 100, 100, 45, 100), sheet(40, 100, 100, 45, 100)], rule);
    expect(result.failingItems).toEqual(['organisation_management', 'appraisal_process_control']);
    expect(result.passed).toBe(false);
  });

  it('does not fail an item whose mean equals the floor', () => {
    // site_and_equipment mean (40+60)/2 = 50; total 20 + 15 + 20 + 30 + 7.5
    const result = scoreOnSite([sheet(100, 100, 100, 100, 40), sheet(100, 100, 100, 100, 60)], rule);
    expect(result.items.site_and_equipment).toBe(50);
    expect(result.failingItems).toEqual([]);
    expect(result.total).toBe(92.5);
    expect(result.passed).toBe(true);
  });

  it('judges the mean, not single sheets: one assessor below the floor does not fail the item', () => {
    const result = scoreOnSite([sheet(80, 80, 80, 80, 30), sheet(80, 80, 80, 80, 90)], rule);
    expect(result.items.site_and_equipment).toBe(60);
    expect(result.failingItems).toEqual([]);
    expect(result.total).toBe(77); // 16 + 12 + 16 + 24 + 9
    expect(result.passed).toBe(true);
  });

  it('throws on no sheets', () => {
    expect(() => scoreOnSite([], rule)).toThrow(RangeError);
    expect(() => scoreOnSite([], rule)).toThrow(/no score sheets/);
  });
});
