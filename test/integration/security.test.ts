import { request } from 'node:http';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import example from '../../db/seeds/station-application.example.json';
import { eventually, startHarness, type Harness } from '../support/harness';
import { licenseStation } from '../support/fixtures';

/**
 * Regression tests for the attacks of the security review (issue 13), made the way they were made:
 * forged and odd tokens, a demoted caller replaying a stored answer, methods nobody serves, request ids
 * used as update ids, control characters in names and unknown nested keys.
 */
let h: Harness;
let foshanStation: number;
beforeAll(async () => {
  h = await startHarness();
  foshanStation = await licenseStation(h, 'admin-1');
});
afterAll(async () => h?.close());

/** A token as an attacker would make one with the deployment's key: any claims, any subject. */
async function forged(claims: Record<string, unknown>, options: { sub?: string; exp?: number | null; iss?: string; aud?: string } = {}): Promise<string> {
  const jwt = new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setIssuedAt();
  if (options.sub !== undefined) jwt.setSubject(options.sub);
  if (options.exp !== null) jwt.setExpirationTime(options.exp ?? '1h');
  jwt.setIssuer(options.iss ?? h.config.jwtIssuer).setAudience(options.aud ?? h.config.jwtAudience);
  return jwt.sign(new TextEncoder().encode(h.config.jwtSecret));
}

async function call(method: string, path: string, token: string | null, body?: unknown, headers: Record<string, string> = {}) {
  const all: Record<string, string> = { ...headers };
  if (token) all.authorization = `Bearer ${token}`;
  if (body !== undefined) all['content-type'] = 'application/json';
  const res = await fetch(h.baseUrl + path, { method, headers: all, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined, headers: res.headers };
}

const setAccess = async (userId: string, change: Record<string, unknown>) => {
  const res = await h.api('POST', `/v1/users/${userId}/access`, { as: 'sup-1', body: { ...change, reasons: ['security regression test'] } });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body;
};

describe('identity comes from the user register, not the token', () => {
  it('gives a forged token with extra roles only the rights the register gives', async () => {
    // rev-2 is a reviewer; the token claims supervisor and the nation.
    const token = await forged({ roles: ['supervisor', 'complaint_handler'], jurisdictions: ['CN'] }, { sub: 'rev-2' });
    const campaign = await call('POST', '/v1/campaigns', token, { name: '伪造令牌的检查', filter: {} });
    expect(campaign.status).toBe(403);
    expect((await call('GET', '/v1/complaints', token)).status).toBe(403);
    // sup-xm is Xiamen's supervisor; a token claiming the nation still sees no Foshan station.
    const xiamen = await forged({ roles: ['supervisor'], jurisdictions: ['CN'] }, { sub: 'sup-xm' });
    const station = await call('GET', `/v1/stations/${foshanStation}`, xiamen);
    expect(station.status).toBe(404);
    expect(station.body.error.code).toBe('not_found');
    // What the register says of the caller, whatever the token claims.
    const me = await call('GET', '/v1/me', xiamen);
    expect(me.body).toMatchObject({ id: 'sup-xm', roles: ['supervisor'], jurisdictions: ['350200'] });
  });

  it('answers 401 to an unknown subject, a subject in another case, and tokens without expiry, issuer or audience of this deployment', async () => {
    const cases: Record<string, string> = {
      'unknown subject': await forged({ roles: ['complaint_handler'], jurisdictions: ['CN'] }, { sub: 'intruder' }),
      'subject in upper case': await forged({}, { sub: 'SUP-1' }),
      'no expiry': await forged({}, { sub: 'sup-1', exp: null }),
      'lives longer than allowed': await forged({}, { sub: 'sup-1', exp: Math.floor(Date.now() / 1000) + h.config.tokenMaxLifetimeSeconds + 3600 }),
      'another issuer': await forged({}, { sub: 'sup-1', iss: 'someone-else' }),
      'another audience': await forged({}, { sub: 'sup-1', aud: 'another-api' }),
    };
    for (const [what, token] of Object.entries(cases)) {
      const res = await call('GET', '/v1/complaints', token);
      expect(res.status, what).toBe(401);
      expect(res.body.error.code, what).toBe('unauthenticated');
    }
    // The unknown subject cannot read a complainant's identity either (it could before).
    expect((await call('GET', '/v1/complaints/01ARZ3NDEKTSV4RRFFQ69G5FAV/identity', cases['unknown subject'])).status).toBe(401);
  });

  it('refuses a deactivated person within the identity cache time, and lets them back when reactivated', async () => {
    const token = await h.token('admin-2');
    expect((await call('GET', '/v1/stations', token)).status).toBe(200);
    await setAccess('admin-2', { active: false });
    const since = Date.now();
    await eventually(async () => (await call('GET', '/v1/stations', token)).status === 401, { timeoutMs: h.config.identityCacheMs + 2000, intervalMs: 100 });
    expect(Date.now() - since).toBeLessThanOrEqual(h.config.identityCacheMs + 2000);
    const timeline = await h.api('GET', '/v1/users/admin-2/timeline', { as: 'sup-1' });
    expect(timeline.body.items.at(-1)).toMatchObject({
      action: 'access_changed',
      actorId: 'sup-1',
      actorRole: 'supervisor',
      data: { before: { active: true }, after: { active: false } },
    });
    await setAccess('admin-2', { active: true });
    await eventually(async () => (await call('GET', '/v1/stations', token)).status === 200, { timeoutMs: h.config.identityCacheMs + 2000, intervalMs: 100 });
  });

  it('lets only national supervisors change access, never their own national supervision', async () => {
    const res = await h.api('POST', '/v1/users/admin-2/access', { as: 'sup-gd', body: { active: false, reasons: ['not mine to do'] } });
    expect(res.status).toBe(404);
    const self = await h.api('POST', '/v1/users/sup-1/access', { as: 'sup-1', body: { active: false, reasons: ['oops'] } });
    expect(self.status).toBe(409);
    const unknown = await h.api('POST', '/v1/users/rev-2/access', { as: 'sup-1', body: { jurisdictions: ['990000'], reasons: ['no such place'] } });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.details[0].field).toBe('jurisdictions');
  });
});

describe('a stored answer is replayed only to a caller who may still act', () => {
  it("refuses the replay of an inspection start after the caller was moved out of the station's jurisdiction", async () => {
    const headers = { 'Idempotency-Key': `replay-${Date.now()}` };
    const body = { stationId: foshanStation, reason: '复查' };
    const first = await h.api('POST', '/v1/inspections', { as: 'sup-fs', body, headers });
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    const again = await h.api('POST', '/v1/inspections', { as: 'sup-fs', body, headers });
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotent-replayed')).toBe('true');

    await setAccess('sup-fs', { jurisdictions: ['350200'] });
    await eventually(async () => (await h.api('GET', `/v1/stations/${foshanStation}`, { as: 'sup-fs' })).status === 404, {
      timeoutMs: h.config.identityCacheMs + 2000,
    });
    const replay = await h.api('POST', '/v1/inspections', { as: 'sup-fs', body, headers });
    expect(replay.status).toBe(400);
    expect(replay.body.error.details[0].field).toBe('stationId');
    expect(JSON.stringify(replay.body)).not.toContain(first.body.id);

    await setAccess('sup-fs', { roles: ['complaint_handler'] });
    await eventually(async () => (await h.api('POST', '/v1/inspections', { as: 'sup-fs', body, headers })).status === 403, {
      timeoutMs: h.config.identityCacheMs + 2000,
    });
    await setAccess('sup-fs', { roles: ['supervisor', 'complaint_handler'], jurisdictions: ['440600'] });
  });

  it('keeps Idempotency-Keys case-sensitive: two keys differing in case are two requests', async () => {
    const a = await h.api('POST', '/v1/inspections', {
      as: 'sup-1',
      body: { stationId: foshanStation, reason: '大小写 A' },
      headers: { 'Idempotency-Key': 'Case-Key-1' },
    });
    const b = await h.api('POST', '/v1/inspections', {
      as: 'sup-1',
      body: { stationId: foshanStation, reason: '大小写 B' },
      headers: { 'Idempotency-Key': 'case-key-1' },
    });
    expect(a.status).toBe(201);
    expect(b.status, JSON.stringify(b.body)).toBe(201);
    expect(b.body.id).not.toBe(a.body.id);
  });
});

describe('update ids never come from X-Request-Id', () => {
  it('judges a second, different team assignment with the same X-Request-Id on its own', async () => {
    const created = await h.api('POST', '/v1/inspections', { as: 'sup-1', body: { stationId: foshanStation, reason: '请求编号' } });
    expect(created.status).toBe(201);
    const headers = { 'X-Request-Id': 'same-request-id-1' };
    const first = await h.api('POST', `/v1/inspections/${created.body.id}/team`, {
      as: 'sup-1',
      body: { inspectorIds: ['insp-1', 'insp-2'], leadId: 'insp-1' },
      headers,
    });
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    expect(first.headers.get('x-request-id')).toBe('same-request-id-1');
    const second = await h.api('POST', `/v1/inspections/${created.body.id}/team`, {
      as: 'sup-1',
      body: { inspectorIds: ['insp-5', 'insp-7'], leadId: 'insp-5' },
      headers,
    });
    // Not the first answer replayed: the second assignment is refused by the case as it stands.
    expect(second.status, JSON.stringify(second.body)).toBe(409);
  });

  it('echoes only a sane X-Request-Id', async () => {
    const res = await h.api('GET', '/v1/stations', { as: 'sup-1', headers: { 'X-Request-Id': 'x'.repeat(65) } });
    expect(res.headers.get('x-request-id')).not.toBe('x'.repeat(65));
  });
});

describe('HTTP hygiene', () => {
  it.each(['TRACE', 'PROPFIND', 'PUT', 'DELETE', 'PATCH'])('answers %s with 405 and Allow, before authentication, on any path', async (method) => {
    for (const path of ['/v1/complaints', '/healthz', '/console/', '/no/such/path']) {
      // fetch refuses TRACE itself: a plain HTTP request, as curl sends it.
      const res = await new Promise<{ status: number; allow?: string; body: string }>((resolve, reject) => {
        const req = request(h.baseUrl + path, { method }, (r) => {
          let body = '';
          r.on('data', (chunk) => (body += chunk));
          r.on('end', () => resolve({ status: r.statusCode!, allow: r.headers.allow, body }));
        });
        req.on('error', reject);
        req.end();
      });
      expect(res.status, `${method} ${path}`).toBe(405);
      expect(res.allow).toBe('GET, HEAD, POST');
      expect(JSON.parse(res.body).error.code).toBe('method_not_allowed');
    }
  });

  it("marks API answers nosniff, and those with a person's data no-store", async () => {
    const res = await h.api('GET', '/v1/stations', { as: 'sup-1' });
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('cache-control')).toBe('no-store');
    const refused = await h.api('GET', '/v1/stations', { as: null });
    expect(refused.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it.each([
    ['organisation.name', { organisation: { ...example.organisation, name: '南海机械\r\nBcc: attacker@example.com' } }],
    ['stationName', { stationName: '南海\u202Eexe.鉴定站' }],
    ['address', { address: '佛山市南海区\u0000桂城街道' }],
  ])('refuses control characters and direction overrides in %s, naming the field, writing nothing', async (field, change) => {
    const before = await h.db('station_applications').count({ n: '*' }).first();
    const res = await h.api('POST', '/v1/station-applications', { as: 'admin-2', body: { ...example, ...change } });
    expect(res.status).toBe(400);
    expect(res.body.error.details.map((d: { field: string }) => d.field)).toContain(field);
    expect(await h.db('station_applications').count({ n: '*' }).first()).toEqual(before);
  });

  it('refuses an unknown key in a nested object, naming its path', async () => {
    const res = await h.api('POST', '/v1/station-applications', {
      as: 'admin-2',
      body: { ...example, organisation: { ...example.organisation, status: 'approved' } },
    });
    expect(res.status).toBe(400);
    expect(res.body.error.details).toEqual([{ field: 'organisation.status', code: 'unknown_field', message: 'unknown field' }]);
    const deeper = await h.api('POST', '/v1/station-applications', { as: 'admin-2', body: { ...example, scope: [{ ...example.scope[0], approved: true }] } });
    expect(deeper.status).toBe(400);
    expect(deeper.body.error.details[0].field).toBe('scope.0.approved');
  });
});

describe('development-only defaults', () => {
  it('serves neither the demo tokens nor source maps outside development', async () => {
    expect(h.config.development).toBe(false);
    expect((await fetch(`${h.baseUrl}/console/dev-tokens`)).status).toBe(404);
    expect((await fetch(`${h.baseUrl}/console/app.js.map`)).status).toBe(404);
    expect((await fetch(`${h.baseUrl}/console/app.js`)).status).toBe(200);
  });
});
