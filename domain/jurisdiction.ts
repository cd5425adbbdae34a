import { z } from 'zod';

/**
 * Jurisdictions (管辖): the national level (CN), provinces and cities by their division codes, and
 * industry authorities (行业, IND:<name>) beside the regional tree. An official acting in a province
 * sees its cities; the national level sees everything; an industry authority sees the stations and
 * examiners of its occupations wherever they are.
 */
export const NATIONAL = 'CN';
export const jurisdictionCode = z.string().regex(/^(CN|\d{2}0000|\d{4}00|IND:[a-z0-9-]{2,30})$/, 'must be CN, a province or city code, or IND:<industry>');

export interface JurisdictionScope {
  national: boolean;
  provinces: string[];
  cities: string[];
  industries: string[];
}

const isProvince = (code: string) => /^\d{2}0000$/.test(code);
// A city code ends in 00 but not 0000 (that is its province).
const isCity = (code: string) => /^\d{4}00$/.test(code) && !isProvince(code);
const provinceOf = (city: string) => `${city.slice(0, 2)}0000`;

export function scopeOf(codes: readonly string[] = []): JurisdictionScope {
  return {
    national: codes.includes(NATIONAL),
    provinces: codes.filter(isProvince),
    cities: codes.filter(isCity),
    industries: codes.filter((c) => c.startsWith('IND:')),
  };
}

/** Whether officials acting in `codes` cover a place (the industry test is the caller's, by occupation). */
export function coversRegion(codes: readonly string[] = [], region: { provinceCode: string; cityCode: string }): boolean {
  const scope = scopeOf(codes);
  return scope.national || scope.provinces.includes(region.provinceCode) || scope.cities.includes(region.cityCode);
}

/** The regional chain a missed deadline climbs: the city, its province, the nation. */
export function escalationChain(region: { provinceCode: string; cityCode: string }): string[] {
  return [region.cityCode, region.provinceCode, NATIONAL];
}

/**
 * Who among the people to assign acts outside the place (a city's case goes to officials of that city,
 * its province or the nation); people whose jurisdictions are not known are not judged.
 */
export function outsideJurisdiction(
  people: ReadonlyArray<{ id: string; jurisdictions?: string[] }>,
  region: { provinceCode: string; cityCode: string },
): string | null {
  const outside = people.filter((p) => p.jurisdictions && !coversRegion(p.jurisdictions, region)).map((p) => p.id);
  return outside.length ? `${outside.join(', ')} ${outside.length > 1 ? 'act' : 'acts'} outside the station's jurisdiction` : null;
}

/** Whether officials acting in `codes` cover a jurisdiction: the nation every one, a province itself and its cities, any other itself. */
export function coversJurisdiction(codes: readonly string[] = [], code: string): boolean {
  const scope = scopeOf(codes);
  return scope.national || codes.includes(code) || (isCity(code) && scope.provinces.includes(provinceOf(code)));
}

/** A jurisdiction and those above it, nearest first: a city, its province, the nation (an industry authority, the nation). */
export function jurisdictionChain(code: string): string[] {
  if (code === NATIONAL) return [NATIONAL];
  return isCity(code) ? [code, provinceOf(code), NATIONAL] : [code, NATIONAL];
}

/** Whether `code` is on the line of officials acting in `codes`: a jurisdiction they cover, or one above theirs. */
export function onJurisdictionLine(codes: readonly string[] = [], code: string): boolean {
  return coversJurisdiction(codes, code) || codes.some((c) => jurisdictionChain(c).includes(code));
}
