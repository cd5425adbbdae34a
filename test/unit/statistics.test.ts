import { describe, expect, it } from 'vitest';
import { Refusal } from '../../domain/errors';
import {
  breakdownApplies,
  childLevel,
  defaultBreakdown,
  defaultPlace,
  figuresOf,
  parsePeriod,
  placeAccess,
  previousQuarter,
  quarterPeriod,
  registerLink,
  SUBJECT_FIGURES,
} from '../../domain/statistics';

const TODAY = '2026-11-29';

/** The field and code a refused period answers with (400). */
function refusal(query: Parameters<typeof parsePeriod>[0]) {
  try {
    parsePeriod(query, TODAY);
  } catch (error) {
    if (error instanceof Refusal) return { type: error.type, field: error.field, code: error.code };
    throw error;
  }
  throw new Error('the period was accepted');
}

describe('statistics periods', () => {
  it('reads a year, a quarter, a month (leap February included) and a range, both ends included', () => {
    expect(parsePeriod({ period: '2026' }, TODAY)).toEqual({ from: '2026-01-01', to: '2026-12-31' });
    expect(parsePeriod({ period: '2026Q4' }, TODAY)).toEqual({ from: '2026-10-01', to: '2026-12-31' });
    expect(parsePeriod({ period: '2026Q1' }, TODAY)).toEqual({ from: '2026-01-01', to: '2026-03-31' });
    expect(parsePeriod({ period: '2028-02' }, TODAY)).toEqual({ from: '2028-02-01', to: '2028-02-29' });
    expect(parsePeriod({ period: '2026-11' }, TODAY)).toEqual({ from: '2026-11-01', to: '2026-11-30' });
    expect(parsePeriod({ from: '2026-03-05', to: '2026-03-05' }, TODAY)).toEqual({ from: '2026-03-05', to: '2026-03-05' });
  });

  it('takes the quarter so far (in China) when none is given', () => {
    expect(parsePeriod({}, TODAY)).toEqual({ from: '2026-10-01', to: TODAY });
    expect(parsePeriod({}, '2027-01-01')).toEqual({ from: '2027-01-01', to: '2027-01-01' });
  });

  it('refuses a malformed period, half a range, a reversed range, a date that does not exist, and both forms at once', () => {
    expect(refusal({ period: '2026Q5' })).toEqual({ type: 'Invalid', field: 'period', code: 'invalid_period' });
    expect(refusal({ period: '2026-13' })).toEqual({ type: 'Invalid', field: 'period', code: 'invalid_period' });
    expect(refusal({ from: '2026-01-01' })).toEqual({ type: 'Invalid', field: 'to', code: 'required' });
    expect(refusal({ to: '2026-01-01' })).toEqual({ type: 'Invalid', field: 'from', code: 'required' });
    expect(refusal({ from: '2026-02-30', to: '2026-03-01' })).toEqual({ type: 'Invalid', field: 'from', code: 'invalid_date' });
    expect(refusal({ from: '2026-03-02', to: '2026-03-01' })).toEqual({ type: 'Invalid', field: 'to', code: 'range_reversed' });
    expect(refusal({ period: '2026', from: '2026-01-01', to: '2026-02-01' })).toEqual({ type: 'Invalid', field: 'period', code: 'period_and_range' });
  });

  it('names the quarter a report at a quarter’s start covers: the one just ended, across a year end', () => {
    expect(previousQuarter('2027-01-01')).toBe('2026Q4');
    expect(previousQuarter('2026-10-01')).toBe('2026Q3');
    expect(quarterPeriod('2026Q3')).toEqual({ from: '2026-07-01', to: '2026-09-30' });
  });
});

describe('places and drill-down', () => {
  it('drills from the nation to provinces to cities, and no further', () => {
    expect(childLevel('CN')).toBe('province');
    expect(childLevel('440000')).toBe('city');
    expect(childLevel('440600')).toBeNull();
    expect(defaultBreakdown('440000')).toBe('place');
    expect(defaultBreakdown('440600')).toBe('occupation');
  });

  it('lets a city official see their city only: not the province, not a sibling, not the nation', () => {
    expect(placeAccess(['440600'], '440600')).toBe('all');
    expect(placeAccess(['440600'], '440100')).toBe('none');
    expect(placeAccess(['440600'], '440000')).toBe('none');
    expect(placeAccess(['440600'], 'CN')).toBe('none');
    expect(placeAccess(['440000'], '440100')).toBe('all');
    expect(placeAccess(['440000'], '350000')).toBe('none');
    expect(placeAccess(['CN'], '350200')).toBe('all');
    // An industry authority sees every place, through its occupations only.
    expect(placeAccess(['IND:machinery'], '350200')).toBe('industry');
  });

  it('starts where the caller acts', () => {
    expect(defaultPlace(['CN', '440000'])).toBe('CN');
    expect(defaultPlace(['440600'])).toBe('440600');
    expect(defaultPlace(['350200', '440000'])).toBe('440000');
    expect(defaultPlace(['IND:machinery'])).toBe('CN');
  });
});

describe('figures', () => {
  it('computes the pass rate from the sums, none when nobody sat, and leaves current counts out of a row by occupation', () => {
    const daily = { session_held: 2, session_candidates: 6, session_passed: 5, session_supervised: 1 };
    expect(figuresOf('sessions', daily, null)).toEqual({ held: 2, candidates: 6, passed: 5, passRate: 0.8333, supervised: 1, withSignals: 0 });
    expect(figuresOf('sessions', {}, null).passRate).toBeNull();
    expect(figuresOf('certificates', { certificate_issued: 3 }, null)).toEqual({ issued: 3, revoked: 0, valid: null, replaced: null });
    expect(figuresOf('certificates', {}, { 'certificates_by_status/valid': 7 })).toEqual({ issued: 0, revoked: 0, valid: 7, replaced: 0 });
  });

  it('counts blank forms by place only', () => {
    expect(breakdownApplies('blankForms', 'place')).toBe(true);
    expect(breakdownApplies('blankForms', 'occupation')).toBe(false);
    expect(breakdownApplies('sessions', 'level')).toBe(true);
  });

  it('links each row to its register, filtered to the cases behind it', () => {
    const period = { from: '2026-10-01', to: '2026-12-31' };
    expect(registerLink('sessions', { period, provinceCode: '440000', cityCode: '440600', level: 3 })).toBe(
      '#/registers/sessions?provinceCode=440000&cityCode=440600&dateFrom=2026-10-01&dateTo=2026-12-31&level=3',
    );
    expect(registerLink('certificates', { period, provinceCode: '440000', occupationCode: '6-18-01-01' })).toBe(
      '#/certificates?issuedFrom=2026-10-01&issuedTo=2026-12-31&occupationCode=6-18-01-01',
    );
    expect(registerLink('blankForms', { period })).toBe('#/blank-stock');
  });

  it('links each number to its own cases where the register can tell them apart, in the register that holds them', () => {
    const period = { from: '2026-10-01', to: '2026-12-31' };
    const figure = (subject: 'sessions' | 'stations' | 'examiners' | 'inspections', key: string) => ({
      figure: SUBJECT_FIGURES[subject].find((f) => f.key === key)!,
      today: '2026-11-29',
      horizonDays: 90,
    });
    const fs = { period, provinceCode: '440000', cityCode: '440600' };
    expect(registerLink('sessions', { ...fs, level: 3 }, figure('sessions', 'held'))).toBe(
      '#/registers/sessions?provinceCode=440000&cityCode=440600&dateFrom=2026-10-01&dateTo=2026-12-31&level=3&held=true',
    );
    expect(registerLink('stations', fs, figure('stations', 'suspended'))).toBe('#/registers/stations?provinceCode=440000&cityCode=440600&status=suspended');
    // A rating has no register filter: the row's stations.
    expect(registerLink('stations', fs, figure('stations', 'ratingA'))).toBe('#/registers/stations?provinceCode=440000&cityCode=440600');
    expect(registerLink('examiners', fs, figure('examiners', 'expiring'))).toBe(
      '#/registers/qualifications?provinceCode=440000&cityCode=440600&dueFrom=2026-11-29&dueTo=2027-02-27',
    );
    // Stations overdue for inspection are in the station register, not the inspections'.
    expect(registerLink('inspections', fs, figure('inspections', 'overdue'))).toBe(
      '#/registers/stations?provinceCode=440000&cityCode=440600&status=active&overdue=true',
    );
  });

  it('counts only sessions and certificates by occupation and level; a city answers by place where nothing else applies', () => {
    for (const subject of ['stations', 'examiners', 'inspections', 'complaints'] as const) {
      expect(breakdownApplies(subject, 'place')).toBe(true);
      expect(breakdownApplies(subject, 'occupation')).toBe(false);
      expect(defaultBreakdown('440600', subject)).toBe('place');
    }
    expect(defaultBreakdown('440600', 'certificates')).toBe('occupation');
  });

  it('sums the counts now that make one figure, and gives rates of the complaints closed', () => {
    const figures = figuresOf(
      'complaints',
      { complaint_closed: 4, complaint_sla_met: 3, complaint_found: 0 },
      { 'complaints_open_by_severity/normal': 2, 'complaints_open_by_severity/untriaged': 1 },
    );
    expect(figures).toMatchObject({ open: 3, openNormal: 2, openUntriaged: 1, openCritical: 0, slaRate: 0.75, substantiatedRate: null });
  });
});
