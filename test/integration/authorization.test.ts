import { readFileSync } from 'node:fs';
import path from 'node:path';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import example from '../../db/seeds/station-application.example.json';
import { PUBLIC_ROUTES, ROUTES } from '../../api/app';
import type { RouteSpec } from '../../api/routeSpec';
import { ROLES, type Role } from '../../domain/roles';
import { eventually, startHarness, type Harness } from '../support/harness';
import { appraisalSession, licenseStation } from '../support/fixtures';

/**
 * The authorisation matrix: every endpoint as every role, as nobody and with bad tokens, checked against
 * the policy table in the README; then the object-level cases and mass assignment.
 */
let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => h?.close());

/** One demo user holding exactly each role. */
const AS_ROLE: Record<Role, string> = {
  supervisor: 'sup-2',
  reviewer: 'rev-2',
  inspector: 'insp-2',
  examiner: 'exam-1',
  complaint_handler: 'handler-1',
  station_admin: 'admin-2',
  quality_supervisor: 'qs-1',
};
const MISSING_ULID = '01ARZ3NDEKTSV4RRFFQ69G5FAV';
const DUMMY_PARAMS: Record<string, string> = {
  id: MISSING_ULID,
  sessionId: MISSING_ULID,
  candidateId: MISSING_ULID,
  number: 'KP-0000000-3-00000000',
  trackingNumber: 'TS20260101DEADBEEF',
  year: '2026',
};
const key = ({ method, path }: RouteSpec) => `${method.toUpperCase()} ${path}`;
/** A path with ids that exist nowhere (stations are numbered, checklist templates named). */
const concrete = (spec: RouteSpec) =>
  spec.path.replace(/\{(\w+)\}/g, (_m, name: string) =>
    spec.path.startsWith('/v1/stations/') && name === 'id'
      ? '999999999'
      : spec.path.startsWith('/v1/checklist-templates/')
        ? 'no-such-template'
        : DUMMY_PARAMS[name],
  );

/** The README's policy table: one row per endpoint, `| METHOD | \`path\` | roles | whose objects | jurisdiction |`. */
function writtenPolicy(): Map<string, string[]> {
  const readme = readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Authorisation policy'), readme.indexOf('## Configuration'));
  const rows = [...section.matchAll(/^\| (GET|POST) \| `([^`]+)` \| ([^|]+) \| ([^|]+) \| ([^|]+) \|$/gm)];
  // Every endpoint states whose objects it serves and its jurisdiction rule.
  for (const [, method, p, , whose, jurisdiction] of rows) expect(whose.trim() && jurisdiction.trim(), `${method} ${p}`).toBeTruthy();
  return new Map(rows.map(([, method, p, roles]) => [`${method} ${p}`, roles.trim() === 'public' ? [] : roles.split(',').map((r) => r.trim())]));
}

async function call(method: string, url: string, authorization?: string, body?: unknown) {
  const headers: Record<string, string> = {};
  if (authorization) headers.authorization = authorization;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(h.baseUrl + url, { method: method.toUpperCase(), headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  // A register's export answers a file, not JSON.
  const json = res.headers.get('content-type')?.startsWith('application/json');
  return { status: res.status, body: !text ? undefined : json ? JSON.parse(text) : text, headers: res.headers };
}

const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
async function badTokens(): Promise<Record<string, string>> {
  const secret = new TextEncoder().encode(h.config.jwtSecret);
  const claims = { roles: ['supervisor'], iss: h.config.jwtIssuer, aud: h.config.jwtAudience };
  const now = Math.floor(Date.now() / 1000);
  return {
    malformed: 'Bearer not-a-token',
    'basic scheme': `Basic ${Buffer.from('sup-1:secret').toString('base64')}`,
    expired: `Bearer ${await new SignJWT(claims)
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('sup-1')
      .setIssuedAt(now - 7200)
      .setExpirationTime(now - 3600)
      .sign(secret)}`,
    'wrong signature': `Bearer ${await new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setSubject('sup-1').setExpirationTime('1h').sign(new TextEncoder().encode('another-secret-another-secret-another-secret'))}`,
    'alg none': `Bearer ${b64({ alg: 'none', typ: 'JWT' })}.${b64({ sub: 'sup-1', roles: ['supervisor'], exp: now + 3600 })}.`,
    'another algorithm (HS512)': `Bearer ${await new SignJWT(claims).setProtectedHeader({ alg: 'HS512' }).setSubject('sup-1').setExpirationTime('1h').sign(secret)}`,
    'no subject': `Bearer ${await new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setExpirationTime('1h').sign(secret)}`,
    'no expiry': `Bearer ${await new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setSubject('sup-1').sign(secret)}`,
    'another issuer': `Bearer ${await new SignJWT({ ...claims, iss: 'elsewhere' }).setProtectedHeader({ alg: 'HS256' }).setSubject('sup-1').setExpirationTime('1h').sign(secret)}`,
    'another audience': `Bearer ${await new SignJWT({ ...claims, aud: 'another-api' }).setProtectedHeader({ alg: 'HS256' }).setSubject('sup-1').setExpirationTime('1h').sign(secret)}`,
    'subject not in the register': `Bearer ${await new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setSubject('director-9').setExpirationTime('1h').sign(secret)}`,
  };
}

describe('authorisation policy', () => {
  it('is written down for exactly the routes the API serves, with their roles', () => {
    const written = writtenPolicy();
    const served = new Map([...PUBLIC_ROUTES, ...ROUTES].map((r) => [key(r), r.roles]));
    expect([...written.keys()].sort()).toEqual([...served.keys()].sort());
    for (const [route, roles] of served) expect(written.get(route), route).toEqual(roles);
  });

  it('answers 401 to nobody and to every kind of bad token, on every non-public endpoint', async () => {
    const tokens = await badTokens();
    const cells = ROUTES.flatMap((spec) => [undefined, ...Object.values(tokens)].map((authorization) => ({ spec, authorization })));
    const results = await Promise.all(
      cells.map(async ({ spec, authorization }) => ({
        spec,
        authorization,
        res: await call(spec.method, concrete(spec), authorization, spec.method === 'post' ? {} : undefined),
      })),
    );
    for (const { spec, authorization, res } of results) {
      const label = `${key(spec)} with ${Object.entries(tokens).find(([, t]) => t === authorization)?.[0] ?? 'no token'}`;
      expect(res.status, label).toBe(401);
      expect(res.body.error.code, label).toBe('unauthenticated');
      expect(res.headers.get('www-authenticate'), label).toMatch(/^Bearer/);
    }
    expect(results.length).toBe(ROUTES.length * 12);
  });

  it('answers 403 to every role an endpoint does not list, and lets each listed role through to the case checks', async () => {
    const cells = ROUTES.flatMap((spec) => ROLES.map((role) => ({ spec, role })));
    const results = await Promise.all(
      cells.map(async ({ spec, role }) => ({
        spec,
        role,
        res: await call(spec.method, concrete(spec), `Bearer ${await h.token(AS_ROLE[role])}`, spec.method === 'post' ? {} : undefined),
      })),
    );
    for (const { spec, role, res } of results) {
      const label = `${key(spec)} as ${role}: ${JSON.stringify(res.body)}`;
      if (spec.roles.includes(role)) {
        // Through the role check: what follows is validation, a missing case or the list itself, never a server error
        // (a streamed CSV route refuses the JSON sent here by its type).
        expect(spec.streamed ? [415] : [200, 400, 404], label).toContain(res.status);
      } else {
        expect(res.status, label).toBe(403);
        expect(res.body.error.code, label).toBe('forbidden');
      }
    }
  });

  it('serves the public endpoints without a token', async () => {
    for (const spec of PUBLIC_ROUTES) {
      const res = await call(spec.method, concrete(spec), undefined, spec.method === 'post' ? {} : undefined);
      expect([200, 400, 404], key(spec)).toContain(res.status);
    }
  });
});

describe('whose objects', () => {
  let stationId: number;
  let applicationId: string;
  let inspectionId: string;
  let qualificationId: string;
  beforeAll(async () => {
    stationId = await licenseStation(h, 'admin-1');
    const application = await h.api('POST', '/v1/station-applications', { as: 'admin-1', body: example });
    applicationId = application.body.id;
    const inspection = await h.api('POST', '/v1/inspections', { as: 'sup-1', body: { stationId, reason: 'object-level checks' } });
    inspectionId = inspection.body.id;
    const team = await h.api('POST', `/v1/inspections/${inspectionId}/team`, { as: 'sup-1', body: { inspectorIds: ['insp-1', 'insp-2'], leadId: 'insp-1' } });
    expect(team.status, JSON.stringify(team.body)).toBe(200);
    const applied = await h.api('POST', '/v1/qualifications', {
      as: 'exam-1',
      body: { occupationCode: '6-18-01-01', level: 3, trainingHours: 60, examScore: 90, nationalId: '440106198001011234' },
    });
    expect(applied.status, JSON.stringify(applied.body)).toBe(201);
    qualificationId = applied.body.id;
  });

  const notFound = async (method: string, url: string, as: string, body?: unknown) => {
    const res = await h.api(method, url, { as, body });
    expect(res.status, `${method} ${url} as ${as}: ${JSON.stringify(res.body)}`).toBe(404);
    expect(res.body.error.code).toBe('not_found');
  };

  it('keeps a station administrator to their own station and applications', async () => {
    expect((await h.api('GET', `/v1/stations/${stationId}`, { as: 'admin-1' })).status).toBe(200);
    await notFound('GET', `/v1/stations/${stationId}`, 'admin-2');
    await notFound('GET', `/v1/stations/${stationId}/timeline`, 'admin-2');
    await notFound('GET', `/v1/stations/${stationId}/sessions`, 'admin-2');
    await notFound('POST', `/v1/stations/${stationId}/sessions`, 'admin-2', appraisalSession());
    expect((await h.api('GET', '/v1/stations', { as: 'admin-2' })).body.items).toEqual([]);
    await notFound('GET', `/v1/station-applications/${applicationId}`, 'admin-2');
    await notFound('POST', `/v1/station-applications/${applicationId}/withdraw`, 'admin-2', { reason: 'not mine to withdraw' });
    // An inspection of admin-1's station is not admin-2's either.
    await notFound('GET', `/v1/inspections/${inspectionId}`, 'admin-2');
    expect((await h.api('GET', `/v1/inspections/${inspectionId}`, { as: 'admin-1' })).status).toBe(200);
  });

  it('keeps a reviewer to the applications assigned to them', async () => {
    await notFound('GET', `/v1/station-applications/${applicationId}`, 'rev-2');
    await notFound('POST', `/v1/station-applications/${applicationId}/review`, 'rev-2', { outcome: 'pass' });
  });

  it('keeps a supervisor off the statutory clock of an application outside their jurisdiction', async () => {
    // A Foshan application: Xiamen's supervisor neither sees it nor extends its statutory limit.
    await notFound('POST', `/v1/station-applications/${applicationId}/statutory-extension`, 'sup-xm', { reasons: ['不在辖区'] });
  });

  it("keeps an inspector off another team's inspection", async () => {
    expect((await h.api('GET', `/v1/inspections/${inspectionId}`, { as: 'insp-2' })).status).toBe(200);
    await notFound('GET', `/v1/inspections/${inspectionId}`, 'insp-5');
    await notFound('GET', `/v1/inspections/${inspectionId}/timeline`, 'insp-5');
    await notFound('POST', `/v1/inspections/${inspectionId}/acknowledge`, 'insp-5', {});
    expect((await h.api('GET', '/v1/inspections', { as: 'insp-5' })).body.items.map((i: { id: string }) => i.id)).not.toContain(inspectionId);
  });

  it("keeps an examiner off another examiner's record", async () => {
    expect((await h.api('GET', `/v1/qualifications/${qualificationId}`, { as: 'exam-1' })).status).toBe(200);
    await notFound('GET', `/v1/qualifications/${qualificationId}`, 'exam-2');
    await notFound('GET', `/v1/qualifications/${qualificationId}/timeline`, 'exam-2');
    await notFound('POST', `/v1/qualifications/${qualificationId}/renewal`, 'exam-2', { trainingHours: 40 });
    await notFound('GET', '/v1/examiners/exam-1', 'exam-2');
    await notFound('POST', '/v1/examiners/exam-1/training', 'exam-2', { hours: 8, course: 'Assessment ethics', completedOn: '2026-10-01' });
    expect((await h.api('GET', '/v1/qualifications', { as: 'exam-2' })).body.items.map((q: { id: string }) => q.id)).not.toContain(qualificationId);
  });

  it('keeps a complainant to their own case and an investigator to the cases assigned to them', async () => {
    const file = async () => {
      const res = await h.api('POST', '/v1/public/complaints', {
        body: { category: 'other', happenedOn: '2026-11-01', description: 'An appraisal fee was asked twice at the door.' },
      });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      return res.body as { trackingNumber: string; secret: string };
    };
    const [a, b] = [await file(), await file()];
    const read = (c: { trackingNumber: string }, secret: string) =>
      h.api('GET', `/v1/public/complaints/${c.trackingNumber}`, { headers: { 'x-complaint-secret': secret } });
    expect((await read(a, a.secret)).status).toBe(200);
    const crossed = await read(a, b.secret);
    const unknown = await read({ trackingNumber: 'TS20260101DEADBEEF' }, b.secret);
    expect([crossed.status, unknown.status]).toEqual([404, 404]);
    expect(crossed.body).toEqual(unknown.body);
    const appeal = await h.api('POST', `/v1/public/complaints/${a.trackingNumber}/appeal`, {
      headers: { 'x-complaint-secret': b.secret },
      body: { reason: 'This is not my case at all.' },
    });
    expect(appeal.status).toBe(404);
    expect(appeal.body).toEqual(unknown.body);

    const id = await eventually(async () => (await h.db('complaints').where({ tracking_number: a.trackingNumber }).first('id'))?.id as string | undefined);
    await notFound('GET', `/v1/complaints/${id}`, 'insp-2');
    expect((await h.api('GET', `/v1/complaints/${id}`, { as: 'handler-1' })).status).toBe(200);
  });
});

describe('mass assignment', () => {
  const rejects = async (url: string, as: string | null, body: Record<string, unknown>, field: string) => {
    const res = await h.api('POST', url, { as, body });
    expect(res.status, `${url}: ${JSON.stringify(res.body)}`).toBe(400);
    expect(JSON.stringify(res.body.error.details)).toContain(field);
  };

  it('refuses fields only the process sets (status, ids, versions, results) on creates', async () => {
    await rejects('/v1/station-applications', 'admin-1', { ...example, status: 'licensed' }, 'status');
    await rejects('/v1/station-applications', 'admin-1', { ...example, id: MISSING_ULID }, 'id');
    await rejects(
      '/v1/qualifications',
      'exam-1',
      { occupationCode: '6-18-01-02', level: 3, trainingHours: 60, examScore: 90, nationalId: '440106198001011234', status: 'active' },
      'status',
    );
    await rejects(
      '/v1/qualifications',
      'exam-1',
      { occupationCode: '6-18-01-02', level: 3, trainingHours: 60, examScore: 90, nationalId: '440106198001011234', cardNumber: 'KP-1' },
      'cardNumber',
    );
    await rejects(
      '/v1/public/complaints',
      null,
      { category: 'other', happenedOn: '2026-11-01', description: 'An appraisal fee was asked twice.', status: 'closed' },
      'status',
    );
    await rejects('/v1/inspections', 'sup-1', { stationId: 1, reason: 'spot check', outcome: 'passed' }, 'outcome');
    // Nothing of the refused creates was written.
    expect(await h.db('qualifications').where({ examiner_id: 'exam-1', occupation_code: '6-18-01-02' }).count({ n: '*' }).first()).toMatchObject({ n: 0 });
  });

  it('refuses an unknown field on every endpoint that takes a JSON body', async () => {
    for (const spec of [...PUBLIC_ROUTES, ...ROUTES].filter((r) => r.method === 'post' && r.body)) {
      const as = spec.roles.length ? AS_ROLE[spec.roles[0]] : null;
      const res = await h.api('POST', concrete(spec), { as, body: { version: 99 } });
      expect(res.status, key(spec)).toBe(400);
      if (spec.path !== '/v1/examiners/import') expect(JSON.stringify(res.body.error.details), key(spec)).toContain('version');
    }
  });

  it('refuses scores from a role whose action it is not', async () => {
    const res = await h.api('POST', `/v1/inspections/${MISSING_ULID}/scores`, { as: 'sup-1', body: { scores: { 'org.rules': 10 } } });
    expect(res.status).toBe(403);
  });
});
