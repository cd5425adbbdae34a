import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { compactVerify, createLocalJWKSet, type JSONWebKeySet } from 'jose';
import { PDFDocument } from 'pdf-lib';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../api/app';
import { revokeCertificate, type NewCertificate } from '../../db/queries/certificates';
import { iso7064Mod112 } from '../../domain/checkCharacter';
import { normaliseIdentityNumber } from '../../domain/identity';
import { policyWith, type DeepPartial, type Policy } from '../../domain/policy';
import type { Config } from '../../platform/config';
import { createSealer } from '../../platform/sealing';
import { parseSigningKeys } from '../../platform/signing';
import { certificateNumber, fixtureCertificate, mistyped, registerCertificates } from '../support/certificates';
import { licenseStation } from '../support/fixtures';
import { startHarness, type Harness } from '../support/harness';
import { pdfText } from '../support/pdf';

/**
 * Public certificate verification (网上查询) and electronic certificates, as an employer, a holder and a relying party
 * meet them: by number and name, by file, by the revocation feed, and by the signed statement of a certificate's QR code.
 */
let h: Harness;
let stationId: number;

const identity = (body17: string) => `${body17}${iso7064Mod112(body17)}`;
const HOLDER_ID = identity('44060619900307123');
const OTHER_ID = identity('44060619851111456');
const number = certificateNumber;
const typo = mistyped;

const VALID = number(1);
const TO_REVOKE = number(2);
const FEED = [number(3), number(4), number(5)];
const MADE_UP = number(99_999);

function certificate(n: string, holderName: string, over: Partial<NewCertificate> = {}): NewCertificate {
  return fixtureCertificate(n, holderName, stationId, {
    holderMaskedId: `${HOLDER_ID.slice(0, 4)}**********${HOLDER_ID.slice(-4)}`,
    holderIdHash: createSealer(h.config.sealingKey).keyedHash('identity', normaliseIdentityNumber(HOLDER_ID)),
    occupationCode: '6-31-01-03',
    issuedOn: '2026-11-20',
    quarter: '2026Q4',
    source: 'legacy',
    ...over,
  });
}

const revoke = (n: string) =>
  revokeCertificate(h.db, n, { reason: '考评舞弊，经查属实', audit: { actorId: 'sup-1', actorRole: 'supervisor', requestId: 'test' } });

/** A second API on the same database and Temporal, with other settings (a rotated key list, a smaller policy). */
async function serve(config: Config): Promise<{ url: string; close: () => Promise<void> }> {
  const app = createApp({ db: h.db, temporal: h.temporal, config }, pino({ level: 'silent' }));
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

async function get(url: string, headers: Record<string, string> = {}) {
  const res = await fetch(url, { headers });
  const bytes = new Uint8Array(await res.arrayBuffer());
  const json = res.headers.get('content-type')?.includes('json') ? JSON.parse(Buffer.from(bytes).toString('utf8')) : undefined;
  return { status: res.status, headers: res.headers, bytes, json };
}

async function post(url: string, body: unknown) {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const bytes = Buffer.from(await res.arrayBuffer());
  // Decoded as it came, a byte-order mark kept (fetch's text() drops it).
  const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes);
  return { status: res.status, headers: res.headers, text, json: res.headers.get('content-type')?.includes('json') ? JSON.parse(text) : undefined };
}

const verify = (n: string, name: string) => get(`${h.baseUrl}/v1/public/certificates/${encodeURIComponent(n)}?name=${encodeURIComponent(name)}`);
const holderPdf = (n: string, identityNumber: string, base = h.baseUrl) =>
  get(`${base}/v1/public/certificates/${n}/pdf?identityNumber=${encodeURIComponent(identityNumber)}`);
const statementOf = async (bytes: Uint8Array) => (await PDFDocument.load(bytes, { updateMetadata: false })).getSubject()!;

/** The statement with one character of its payload changed (still base64url: only the signature can tell). */
function tampered(jws: string): string {
  const [header, payload, signature] = jws.split('.');
  const i = Math.floor(payload.length / 2);
  return [header, `${payload.slice(0, i)}${payload[i] === 'A' ? 'B' : 'A'}${payload.slice(i + 1)}`, signature].join('.');
}

beforeAll(async () => {
  // Verification's own limit is tested on an API of its own below; here it must not get in the way.
  h = await startHarness({ certificate: { verifyRate: { max: 10_000, window: 'PT1M' }, batchRate: { max: 1000, window: 'PT1H' } } });
  stationId = await licenseStation(h, 'admin-1');
  await registerCertificates(h, [certificate(VALID, '张三明'), certificate(TO_REVOKE, '李四'), ...FEED.map((n, i) => certificate(n, `王${'一二三'[i]}`))]);
});
afterAll(async () => h?.close());

describe('verification by number and name', () => {
  it('answers a certificate whose holder is named, with the name masked', async () => {
    const res = await verify(VALID, '张三明');
    expect(res.status).toBe(200);
    expect(res.json).toEqual({
      number: VALID,
      holderName: '张*明',
      occupationCode: '6-31-01-03',
      occupationName: '电工',
      level: 4,
      stationName: '南海机械厂职业技能鉴定站',
      issuerCode: '440000',
      issuerName: '广东省',
      issuedOn: '2026-11-20',
      status: 'valid',
      revokedAt: null,
      replacedBy: null,
    });
    // Typed as people type it: in groups, with spaces around the name.
    expect((await verify(`${VALID.slice(0, 6)}-${VALID.slice(6)}`, ' 张三明 ')).status).toBe(200);
  });

  it('gives a made-up number and a wrong name the same 404, never "valid"', async () => {
    const unknown = await verify(MADE_UP, '张三明');
    const mismatch = await verify(VALID, '张三');
    expect(unknown.status).toBe(404);
    expect(mismatch.status).toBe(404);
    expect(unknown.json.error.code).toBe('not_found');
    expect(mismatch.json).toEqual(unknown.json);
  });

  it('refuses a number with a typo (400 naming `number`), a malformed one, and a missing name', async () => {
    const mistyped = await verify(typo(VALID), '张三明');
    expect(mistyped.status).toBe(400);
    expect(mistyped.json.error.details).toEqual([expect.objectContaining({ field: 'number', code: 'check_character' })]);
    const malformed = await verify('12345', '张三明');
    expect(malformed.json.error.details).toEqual([expect.objectContaining({ field: 'number', code: 'format' })]);
    const nameless = await get(`${h.baseUrl}/v1/public/certificates/${VALID}`);
    expect(nameless.status).toBe(400);
    expect(nameless.json.error.details).toEqual([expect.objectContaining({ field: 'name', code: 'required' })]);
  });

  it('shows a revoked certificate as revoked (已撤销), with the date', async () => {
    const revoked = await revoke(TO_REVOKE);
    const res = await verify(TO_REVOKE, '李四');
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ holderName: '李*', status: 'revoked', revokedAt: revoked!.revokedAt });
    const pdf = await holderPdf(TO_REVOKE, HOLDER_ID);
    expect(pdfText(pdf.bytes)).toContain('证书状态：已撤销');
  });
});

describe("an employer's batch check", () => {
  const csvLines = (text: string) =>
    text
      .replace(/^\uFEFF/, '')
      .trimEnd()
      .split('\r\n');

  it('answers each pair found, not found or malformed, as UTF-8 CSV with a BOM, with or without a header', async () => {
    const rows = [`${VALID},张三明`, `${MADE_UP},张三明`, `${VALID},张三`, `${typo(VALID)},张三明`, `${TO_REVOKE},李四`, `${FEED[0]},`];
    for (const csv of [`number,name\n${rows.join('\n')}`, rows.join('\r\n')]) {
      const res = await post(`${h.baseUrl}/v1/public/certificate-checks`, { csv });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
      expect(res.text.startsWith('\uFEFF')).toBe(true);
      expect(csvLines(res.text)).toEqual([
        'number,name,result,status,occupation,level,issuedOn',
        `${VALID},张三明,found,有效,电工,中级（四级）,2026-11-20`,
        `${MADE_UP},张三明,not_found,,,,`,
        `${VALID},张三,not_found,,,,`,
        `${typo(VALID)},张三明,malformed,,,,`,
        `${TO_REVOKE},李四,found,已撤销,电工,中级（四级）,2026-11-20`,
        `${FEED[0]},,malformed,,,,`,
      ]);
    }
  });

  it('refuses a file of more rows than the policy allows, naming `csv`', async () => {
    const max = h.config.policy.certificate.batchCheckMax;
    const res = await post(`${h.baseUrl}/v1/public/certificate-checks`, { csv: Array.from({ length: max + 1 }, () => `${VALID},张三明`).join('\n') });
    expect(res.status).toBe(400);
    expect(res.json.error.details).toEqual([expect.objectContaining({ field: 'csv', code: 'too_many', limit: max })]);
  });
});

describe('the revocation feed', () => {
  it('pages revoked numbers in the order they were revoked, from a time, through an opaque cursor', async () => {
    const since = new Date().toISOString();
    for (const n of FEED) await revoke(n);
    const feed = (query: string) => get(`${h.baseUrl}/v1/public/certificate-revocations?${query}`);
    const first = await feed(`since=${encodeURIComponent(since)}&limit=2`);
    expect(first.status).toBe(200);
    expect(first.json.items.map((i: { number: string }) => i.number)).toEqual(FEED.slice(0, 2));
    expect(first.json.next).toEqual(expect.any(String));
    const second = await feed(`since=${encodeURIComponent(since)}&limit=2&after=${first.json.next}`);
    expect(second.json).toEqual({ items: [{ number: FEED[2], revokedAt: expect.any(String) }], next: null });
    // From the beginning: every revocation, the earlier one first.
    const all = await feed('');
    expect(all.json.items.map((i: { number: string }) => i.number)).toEqual([TO_REVOKE, ...FEED]);

    const tooMany = await feed(`limit=${h.config.policy.certificate.revocationFeedPageMax + 1}`);
    expect(tooMany.json.error.details).toEqual([expect.objectContaining({ field: 'limit', code: 'too_big' })]);
    const forged = await feed('after=not-a-cursor');
    expect(forged.status).toBe(400);
    expect(forged.json.error.details).toEqual([expect.objectContaining({ field: 'after', code: 'invalid_cursor' })]);
  });
});

describe('the electronic certificate', () => {
  let jwks: JSONWebKeySet;
  beforeAll(async () => {
    jwks = (await get(`${h.baseUrl}/v1/public/certificate-keys`)).json;
  });

  it('downloads for the holder with their identity number, in Chinese, and 404 for another number', async () => {
    const res = await holderPdf(VALID, HOLDER_ID.toLowerCase());
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/pdf');
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename="certificate-${VALID}.pdf"`);
    const text = pdfText(res.bytes);
    for (const expected of [
      '职业技能等级证书',
      '张三明',
      '4406**********',
      '电工',
      '中级（四级）',
      '南海机械厂职业技能鉴定站',
      '广东省',
      '2026年11月20日',
      VALID,
    ])
      expect(text).toContain(expected);
    expect(text).not.toContain(HOLDER_ID);
    expect(text).not.toContain('证书状态');

    const wrong = await holderPdf(VALID, OTHER_ID);
    expect(wrong.status).toBe(404);
    expect(wrong.json).toEqual((await verify(MADE_UP, '张三明')).json);
    expect((await holderPdf(MADE_UP, HOLDER_ID)).status).toBe(404);
  });

  it('carries a signed statement that the published keys verify offline, and that fails with one character changed', async () => {
    const statement = await statementOf((await holderPdf(VALID, HOLDER_ID)).bytes);
    const { payload, protectedHeader } = await compactVerify(statement, createLocalJWKSet(jwks));
    expect(protectedHeader.alg).toBe('EdDSA');
    expect(JSON.parse(new TextDecoder().decode(payload))).toEqual({ n: VALID, h: '张三明', o: '6-31-01-03', l: 4, d: '2026-11-20', i: '440000', s: stationId });
    await expect(compactVerify(tampered(statement), createLocalJWKSet(jwks))).rejects.toThrow();

    // Online: the same check, with the certificate's status now.
    const online = await post(`${h.baseUrl}/v1/public/certificate-statements/verification`, { statement });
    expect(online.json).toMatchObject({ valid: true, kid: protectedHeader.kid, payload: { n: VALID }, current: { status: 'valid' } });
    const altered = await post(`${h.baseUrl}/v1/public/certificate-statements/verification`, { statement: tampered(statement) });
    expect(altered.json).toEqual({ valid: false, kid: null, payload: null, current: null });
  });

  it("answers a revoked certificate's statement as authentic but revoked now", async () => {
    const statement = await statementOf((await holderPdf(TO_REVOKE, HOLDER_ID)).bytes);
    const online = await post(`${h.baseUrl}/v1/public/certificate-statements/verification`, { statement });
    expect(online.json).toMatchObject({ valid: true, current: { status: 'revoked' } });
  });

  it('still verifies a certificate signed by a retired key after a rotation', async () => {
    const before = await statementOf((await holderPdf(VALID, HOLDER_ID)).bytes);
    const rotated = await serve({
      ...h.config,
      certificateSigningKeys: [...parseSigningKeys(`2027-1:${Buffer.alloc(32, 9).toString('base64url')}`), ...h.config.certificateSigningKeys],
    });
    try {
      const published: JSONWebKeySet = (await get(`${rotated.url}/v1/public/certificate-keys`)).json;
      expect(published.keys.map((k) => k.kid)).toEqual(['2027-1', ...jwks.keys.map((k) => k.kid)]);
      await compactVerify(before, createLocalJWKSet(published));
      expect((await post(`${rotated.url}/v1/public/certificate-statements/verification`, { statement: before })).json).toMatchObject({ valid: true });
      const after = await statementOf((await holderPdf(VALID, HOLDER_ID, rotated.url)).bytes);
      expect((await compactVerify(after, createLocalJWKSet(published))).protectedHeader.kid).toBe('2027-1');
    } finally {
      await rotated.close();
    }
  });

  it('downloads for staff within the jurisdiction, and is 404 outside it', async () => {
    const staff = async (as: string) => get(`${h.baseUrl}/v1/certificates/${VALID}/pdf`, { authorization: `Bearer ${await h.token(as)}` });
    const res = await staff('sup-gd');
    expect(res.status).toBe(200);
    expect(pdfText(res.bytes)).toContain('张三明');
    expect((await staff('admin-1')).status).toBe(200);
    const outside = await staff('sup-fj');
    expect(outside.status).toBe(404);
    expect(outside.json.error.code).toBe('not_found');
  });
});

describe('rate limits', () => {
  it('answers 429 once an address has used up its verifications or its batch checks', async () => {
    const small: DeepPartial<Policy> = { certificate: { verifyRate: { max: 3, window: 'PT1M' }, batchRate: { max: 1, window: 'PT1H' } } };
    const limited = await serve({ ...h.config, policy: policyWith(small) });
    try {
      // The counts are shared in MySQL with the API above: start from none.
      await h.db('rate_limit_windows').where('bucket', 'like', 'certificate-%').delete();
      const statuses = [];
      for (let i = 0; i < 4; i++) statuses.push((await get(`${limited.url}/v1/public/certificates/${VALID}?name=张三明`)).status);
      expect(statuses).toEqual([200, 200, 200, 429]);
      // The holder's download counts in the same bucket.
      expect((await get(`${limited.url}/v1/public/certificates/${VALID}/pdf?identityNumber=${HOLDER_ID}`)).status).toBe(429);
      const batch = () => post(`${limited.url}/v1/public/certificate-checks`, { csv: `${VALID},张三明` });
      expect((await batch()).status).toBe(200);
      const refused = await batch();
      expect(refused.status).toBe(429);
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    } finally {
      await limited.close();
    }
  });
});
