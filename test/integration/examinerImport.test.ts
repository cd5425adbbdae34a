import { WorkflowNotFoundError } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IMPORT_COLUMNS } from '../../domain/examinerImport';
import { examinerImportWorkflowId } from '../../workflows/examinerImport';
import { examinerRow, generateExaminerCsv, toCsv, type ExaminerCsvRow } from '../support/examinerCsv';
import { eventually, startHarness, type ApiResponse, type Harness } from '../support/harness';

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

/** h.api always sends application/json with a body, so the CSV goes by fetch with the same token. */
async function postCsv(csv: string, as = 'sup-1', headers: Record<string, string> = {}): Promise<ApiResponse> {
  const res = await fetch(`${h.baseUrl}/v1/examiners/import`, {
    method: 'POST',
    headers: { authorization: `Bearer ${await h.token(as)}`, 'content-type': 'text/csv', ...headers },
    body: csv,
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined, headers: res.headers };
}

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

describe('examiner import', () => {
  // Good rows: two examiners, one of them in two occupations; bad rows: one reason each.
  const goodRows = [
    examinerRow(1, 'S', { name: 'Huang, "Lei"', occupation_code: '4-04-05-01' }),
    examinerRow(2, 'S', { occupation_code: '6-18-01-01' }),
  ];
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
      expect(r.errors.every((e) => e.startsWith(`${badRows[i].field}: `)), `line ${r.line}: ${r.errors.join('; ')}`).toBe(true);
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
    expect(await h.db('qualifications').whereIn('card_number', badRows.slice(0, 4).map((b) => b.row.card_number))).toEqual([]);
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
    goodLines.forEach((l, i) => expect(byLine.get(l)).toEqual([`card_number: ${goodRows[i].card_number} is already issued`, `examiner_id: ${goodRows[i].examiner_id} already has ${goodRows[i].occupation_code}`]));
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
      const firstAndLast = await h.db('examiners').whereIn('id', [rows[0].examiner_id, rows[LARGE - 1].examiner_id]).select('id', 'national_id');
      expect(firstAndLast.map((e) => e.national_id).sort()).toEqual([rows[0].national_id, rows[LARGE - 1].national_id].sort());

      // The import starts the cycles in id order, a batch at a time; the first batch is the sample that must write its rows.
      const ids: string[] = (await h.db('qualifications').where({ import_id: largeImport }).orderBy('id').select('id')).map((r) => r.id);
      const sampleIds = ALL_CYCLES ? ids : ids.slice(0, SAMPLE);
      const progress: string[] = [];
      let nextReport = 10_000;
      let sampleMs = 0;
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
      sampleMs = Math.round(performance.now() - started);

      // A bounded rate: the import started every cycle, in batches of the policy's size with a pause after each.
      const handle = h.temporal.workflow.getHandle(examinerImportWorkflowId(largeImport));
      expect(await importResult(largeImport, 300_000)).toEqual({ started: LARGE });
      const startsMs = Math.round(performance.now() - started);
      const described = await handle.describe();
      const importRunMs = (described.closeTime?.getTime() ?? NaN) - described.startTime.getTime();
      const events = (await handle.fetchHistory()).events ?? [];
      expect(events.filter((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'startQualificationCycles')).toHaveLength(Math.ceil(LARGE / BATCH));
      expect(events.filter((e) => e.timerStartedEventAttributes)).toHaveLength(Math.ceil(LARGE / BATCH));

      // Every cycle exists as its own running workflow on this task queue (started; the sample has also written).
      const counted = await eventually(
        async () => {
          const { count } = await h.temporal.workflow.count(`WorkflowType = 'qualification' AND ExecutionStatus = 'Running' AND TaskQueue = '${h.taskQueue}'`);
          return count >= LARGE + 3 ? count : ({ running: count } as never);
        },
        { timeoutMs: 60_000, intervalMs: 1000, until: (v) => typeof v === 'number' },
      );
      expect(counted).toBe(LARGE + 3);
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
