import { expect } from 'vitest';
import { appraisalSession } from './fixtures';
import type { ApiResponse, Harness } from './harness';

/** Appraisal sessions (鉴定场次) through HTTP: the candidates, dates and calls the session tests share. */

export { candidate, day, idNumber } from './caseData';
export const masked = (number: string) => `${number.slice(0, 4)}**********${number.slice(14)}`;
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
