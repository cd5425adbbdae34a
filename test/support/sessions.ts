import { expect } from 'vitest';
import { iso7064Mod112 } from '../../domain/checkCharacter';
import { appraisalSession } from './fixtures';
import type { ApiResponse, Harness } from './harness';

/** Appraisal sessions (鉴定场次) through HTTP: the candidates, dates and calls the session tests share. */

/** The date in China `fromNow` days from today. */
export const day = (fromNow: number) => new Date(Date.now() + 8 * 3_600_000 + fromNow * 86_400_000).toISOString().slice(0, 10);
/** A resident identity number with its check character: born 1990-01-01 in Foshan's Nanhai district, sequence `n`. */
export const idNumber = (n: number) => {
  const body = `44060519900101${String(n).padStart(3, '0')}`;
  return body + iso7064Mod112(body);
};
export const masked = (number: string) => `${number.slice(0, 4)}**********${number.slice(14)}`;
export const candidate = (n: number, name: string, overrides: Record<string, unknown> = {}) => ({
  name,
  identityNumber: idNumber(n),
  occupationCode: '6-18-01-01',
  level: 3,
  organisation: '佛山市顺德精工有限公司',
  ...overrides,
});
/** The fields and codes of a refusal's details. */
export const codes = (res: ApiResponse) => (res.body.error.details as Array<{ field: string; code: string }>).map((d) => [d.field, d.code]);

/**
 * Registering and acting on sessions of one station as its administrator and the others; the harness and the station
 * are read when called (a test file sets them up in its beforeAll).
 */
export function sessionApi(harness: () => Harness, station: () => number) {
  const register = (body: unknown, key?: string) =>
    harness().api('POST', `/v1/stations/${station()}/sessions`, { as: 'admin-1', body, headers: key ? { 'Idempotency-Key': key } : {} });
  async function registered(overrides: Record<string, unknown>): Promise<string> {
    const res = await register(appraisalSession(overrides));
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body.sessionId as string;
  }
  const act = (id: string, path: string, as: string, body: unknown = {}) => harness().api('POST', `/v1/sessions/${id}/${path}`, { as, body });
  async function ok(id: string, path: string, as: string, body: unknown = {}) {
    const res = await act(id, path, as, body);
    expect(res.status, `${path} as ${as}: ${JSON.stringify(res.body)}`).toBe(200);
    return res.body;
  }
  const live = async (id: string, as = 'sup-1') => (await harness().api('GET', `/v1/sessions/${id}`, { as })).body.live;
  return { register, registered, act, ok, live };
}
