import { request } from 'node:http';
import { Readable } from 'node:stream';
import mysql from 'mysql2/promise';
import { certificateRow, type NewCertificate } from '../../db/queries/certificates';
import { composeCertificateNumber, quarterOf } from '../../domain/certificate';
import { maskIdentityNumber } from '../../domain/identity';
import { createSealer } from '../../platform/sealing';
import { nationalId } from '../../test/support/examinerCsv';
import { scaled, type BenchContext } from '../env';
import { cpuMeter, rssMB } from '../procs';
import { figure, medianCpu, type ScenarioReport } from '../report';
import { round, spread } from '../stats';

const FULL_ROWS = 200_000;
const TARGET_ROWS_PER_S = 50_000;
const HEADER = 'number,holder_name,identity_number,occupation_code,level,issued_on\n';
const OCCUPATIONS = ['6-18-02-04', '6-31-01-03', '4-03-02-01', '6-18-01-01'];
const SURNAMES = [...'王李张刘陈杨黄赵吴周'];
/** Rows per chunk the client writes: the file arrives as a browser's upload would, piece by piece. */
const CHUNK_ROWS = 1000;

/** Row i of a run: a distinct number (its province given), holder and identity, spread over levels, occupations and days of 2015. */
function legacyRow(i: number, run: number, provinceCode: string) {
  const level = 1 + (i % 5);
  const issuedOn = new Date(Date.UTC(2015, 0, 1) + (i % 365) * 86_400_000).toISOString().slice(0, 10);
  return {
    number: composeCertificateNumber({ provinceCode, year: 2015, level, sequence: run * 10_000_000 + i + 1 }),
    holderName: `${SURNAMES[i % SURNAMES.length]}${['伟', '芳', '娜', '敏', '静'][i % 5]}${['明', '华', '强', '丽', ''][(i >> 3) % 5]}`,
    identityNumber: nationalId(i * 7 + run),
    occupationCode: OCCUPATIONS[i % OCCUPATIONS.length],
    level,
    issuedOn,
  };
}

/** The file, generated as it is sent: the client holds one chunk at a time too. */
function* csvChunks(rows: number, run: number): Generator<string> {
  yield HEADER;
  for (let start = 0; start < rows; start += CHUNK_ROWS) {
    let chunk = '';
    for (let i = start; i < Math.min(rows, start + CHUNK_ROWS); i++) {
      const r = legacyRow(i, run, '44');
      chunk += `${r.number},${r.holderName},${r.identityNumber},${r.occupationCode},${r.level},${r.issuedOn}\n`;
    }
    yield chunk;
  }
}

/** POSTs the generated file to the import route as a stream (chunked), answering the parsed JSON. */
function postImport(baseUrl: string, token: string, rows: number, run: number): Promise<{ status: number; body: any }> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${baseUrl}/v1/certificates/imports`,
      { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv' } },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text ? JSON.parse(text) : undefined }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    Readable.from(csvChunks(rows, run)).pipe(req);
  });
}

/**
 * Legacy certificate import (已发证书数据入网): 200,000 generated rows streamed through POST /v1/certificates/imports as
 * a Guangdong supervisor would send them (every row validated, identities hashed and sealed, written in batches of
 * policy.certificate.importBatchRows); against, in the same run, the same rows (under another province's numbers, the
 * register being keyed by number) written as multi-row INSERTs through a mysql2 pool with every value computed
 * beforehand: the storage alone. Peak RSS of this process (the API's) tells that the file is not held.
 */
export async function certificateImport(ctx: BenchContext): Promise<ScenarioReport> {
  const { env } = ctx;
  const rows = scaled(ctx, FULL_ROWS, 2000);
  const batchRows = env.config.policy.certificate.importBatchRows;
  const sealer = createSealer(env.config.sealingKey);
  const pool = mysql.createPool({ uri: env.config.databaseUrl, connectionLimit: 2, timezone: 'Z' });
  const runs = [];
  const cpu = [];
  try {
    for (let run = 0; run < ctx.runs; run++) {
      // The baseline's values, computed before its clock starts.
      const at = new Date();
      const prepared: Array<{ certificates: unknown[][]; identities: unknown[][] }> = [];
      let columns: string[] = [];
      for (let start = 0; start < rows; start += batchRows) {
        const batch: NewCertificate[] = [];
        const identities: unknown[][] = [];
        for (let i = start; i < Math.min(rows, start + batchRows); i++) {
          const r = legacyRow(i, run, '45');
          const idHash = sealer.keyedHash('identity', r.identityNumber);
          identities.push([idHash, sealer.seal(r.identityNumber)]);
          batch.push({
            ...r,
            holderMaskedId: maskIdentityNumber(r.identityNumber),
            holderIdHash: idHash,
            sessionId: null,
            candidateId: null,
            stationId: null,
            issuerCode: '450000',
            quarter: quarterOf(r.issuedOn),
            source: 'legacy',
            replaces: null,
          });
        }
        const records = batch.map((c) => certificateRow(c, at));
        columns = Object.keys(records[0]);
        prepared.push({ certificates: records.map((rec) => columns.map((c) => rec[c])), identities });
      }
      const meter = cpuMeter(env.pids());
      let peakRss = rssMB(process.pid);
      const sampler = setInterval(() => (peakRss = Math.max(peakRss, rssMB(process.pid))), 100);
      const rssBefore = rssMB(process.pid);
      const t0 = performance.now();
      const answer = await postImport(env.baseUrl, env.token('sup-gd'), rows, run);
      const apiS = (performance.now() - t0) / 1000;
      clearInterval(sampler);
      if (answer.status !== 201 || answer.body.imported !== rows) throw new Error(`import: ${answer.status} ${JSON.stringify(answer.body).slice(0, 300)}`);

      const t1 = performance.now();
      for (const batch of prepared) {
        const conn = await pool.getConnection();
        try {
          await conn.beginTransaction();
          await conn.query('INSERT IGNORE INTO candidate_identities (id_hash, sealed) VALUES ?', [batch.identities]);
          await conn.query(`INSERT IGNORE INTO certificates (${columns.join(',')}) VALUES ?`, [batch.certificates]);
          await conn.commit();
        } finally {
          conn.release();
        }
      }
      const rawS = (performance.now() - t1) / 1000;
      cpu.push(meter());
      const result = { api: round(rows / apiS), raw: round(rows / rawS), peakRssMB: round(peakRss), rssGrowthMB: round(peakRss - rssBefore) };
      ctx.log(
        `certificateImport run ${run + 1}: API ${result.api} rows/s, raw INSERT ${result.raw} rows/s, peak RSS ${result.peakRssMB} MB (+${result.rssGrowthMB})`,
      );
      runs.push(result);
    }
  } finally {
    await pool.end();
  }
  const ratios = runs.map((r) => round(r.api / r.raw));
  const api = spread(runs.map((r) => r.api));
  return {
    id: 'certificateImport',
    title: `Legacy certificate import, ${rows.toLocaleString('en')} rows streamed`,
    system: figure(
      'POST /v1/certificates/imports',
      'rows/s',
      runs.map((r) => r.api),
    ),
    baseline: figure(
      'raw multi-row INSERT (mysql2)',
      'rows/s',
      runs.map((r) => r.raw),
    ),
    ratio: spread(ratios),
    target: `≥ ${TARGET_ROWS_PER_S.toLocaleString('en')} rows/s`,
    met: api.median >= TARGET_ROWS_PER_S,
    extra: [
      figure(
        'API process peak RSS during the import',
        'MB',
        runs.map((r) => r.peakRssMB),
      ),
      figure(
        'API process RSS growth during the import',
        'MB',
        runs.map((r) => r.rssGrowthMB),
      ),
    ],
    cpu: medianCpu(cpu),
    runs,
    settings: `${rows} rows per run in one file (province 44, sup-gd), batches of ${batchRows} rows; baseline the same rows under province 45 with precomputed values, one transaction per batch`,
  };
}
