import os from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { PDFDocument } from 'pdf-lib';
import { certificatePdf } from '../../api/documents/certificate';
import { cjkFont } from '../../api/documents/pdf';
import { composeCertificateNumber } from '../../domain/certificate';
import type { NamedCertificate } from '../../db/queries/certificates';
import { createSigner } from '../../platform/signing';
import { scaled, type BenchContext } from '../env';
import { figure, type ScenarioReport } from '../report';
import { percentile, round, spread } from '../stats';

const FULL_COUNT = 400;
const signer = createSigner([{ kid: 'bench', seed: Buffer.alloc(32, 7) }]);

/** Certificates as the register holds them, each its own number and holder (every PDF subsets its own glyphs). */
export function makeCertificates(count: number, offset: number): NamedCertificate[] {
  const names = ['张伟明', '王秀英', '李娜', '刘建国', '陈静怡', '杨洋', '赵丽华', '黄志强'];
  return Array.from({ length: count }, (_, i) => ({
    number: composeCertificateNumber({ provinceCode: '44', year: 2026, level: 1 + (i % 5), sequence: offset + i + 1 }),
    holderName: names[(offset + i) % names.length],
    holderMaskedId: '4401**********123X',
    holderIdHash: '0'.repeat(64),
    occupationCode: '4-07-03-02',
    level: 1 + (i % 5),
    sessionId: null,
    candidateId: null,
    stationId: 1,
    issuerCode: '440000',
    issuedOn: '2026-11-20',
    quarter: '2026Q4',
    source: 'session',
    blankSerial: null,
    status: 'valid',
    revokedAt: null,
    revokedReason: null,
    revokedBy: null,
    revokedCase: null,
    replaces: null,
    replacedBy: null,
    stationName: '广州市第一职业技能鉴定站',
    issuerName: '广东省',
  }));
}

/** The baseline: the same page's text in the same font, subset and saved, without the signed statement and its QR code. */
async function plainPdf(c: NamedCertificate): Promise<Uint8Array> {
  const { bytes, engine } = await cjkFont();
  const doc = await PDFDocument.create({ updateMetadata: false });
  doc.registerFontkit(engine);
  const font = await doc.embedFont(bytes, { subset: true });
  const page = doc.addPage([841.89, 595.28]);
  const lines = ['职业技能等级证书', c.holderName, c.holderMaskedId, c.occupationCode, String(c.level), c.stationName!, c.issuerName!, c.issuedOn, c.number];
  lines.forEach((text, i) => page.drawText(text, { x: 90, y: 480 - i * 32, size: 15, font }));
  return doc.save();
}

/** Renders one after another; each one's milliseconds. */
export async function renderEach(certificates: NamedCertificate[], kind: 'certificate' | 'plain'): Promise<number[]> {
  const ms: number[] = [];
  for (const c of certificates) {
    const t0 = performance.now();
    if (kind === 'certificate') await certificatePdf(c, signer, 'https://zs.example.gov.cn/console');
    else await plainPdf(c);
    ms.push(performance.now() - t0);
  }
  return ms;
}

/** A pool of worker threads, one per core, rendering `count` certificates between them: certificates per second. */
async function pooled(count: number, threads: number): Promise<number> {
  const t0 = performance.now();
  const share = Math.ceil(count / threads);
  await Promise.all(
    Array.from(
      { length: threads },
      (_, t) =>
        new Promise<number[]>((resolve, reject) => {
          // A thread does not inherit the main thread's TypeScript loader: it registers tsx itself.
          const file = path.join(__dirname, '..', 'workers', 'certificatePdf.ts');
          const worker = new Worker(`require('tsx/cjs/api').register(); require(${JSON.stringify(file)});`, {
            eval: true,
            workerData: { count: share, offset: t * share },
          });
          worker.once('message', resolve);
          worker.once('error', reject);
        }),
    ),
  );
  return (share * threads) / ((performance.now() - t0) / 1000);
}

/**
 * The electronic certificate (api/documents/certificate.ts: font subset, signed statement, QR code): milliseconds
 * per certificate on one thread against the same page's text without the statement and QR code, and certificates
 * per second from a pool of worker threads, one per core.
 */
export async function certificatePdfScenario(ctx: BenchContext): Promise<ScenarioReport> {
  const count = scaled(ctx, FULL_COUNT, 40);
  const threads = os.availableParallelism();
  const warm = makeCertificates(10, 1_000_000);
  await renderEach(warm, 'certificate');
  await renderEach(warm, 'plain');
  const runs = [];
  for (let run = 0; run < ctx.runs; run++) {
    const certificates = makeCertificates(count, run * count);
    const system = await renderEach(certificates, 'certificate');
    const plain = await renderEach(certificates, 'plain');
    const perSecond = await pooled(count, threads);
    const r = { p50: percentile(system, 50), p99: percentile(system, 99), plainP50: percentile(plain, 50), pooledPerSecond: perSecond };
    ctx.log(
      `certificatePdf run ${run + 1}: ${round(r.p50)} ms per certificate (plain page ${round(r.plainP50)} ms), pool of ${threads}: ${round(perSecond)}/s`,
    );
    runs.push(r);
  }
  const ratios = runs.map((r) => round(r.p50 / r.plainP50));
  return {
    id: 'certificatePdf',
    title: `electronic certificate PDF (font subset, Ed25519 statement, QR code), ${count} per run`,
    system: figure(
      'one thread, p50',
      'ms',
      runs.map((r) => r.p50),
    ),
    baseline: figure(
      'same text without statement and QR, p50',
      'ms',
      runs.map((r) => r.plainP50),
    ),
    ratio: spread(ratios),
    target: 'report (no target in the issue); the statement and QR code at most 1.5× the plain page',
    met: spread(ratios).median <= 1.5,
    extra: [
      figure(
        'one thread, p99',
        'ms',
        runs.map((r) => r.p99),
      ),
      figure(
        `pool of ${threads} threads`,
        'certificates/s',
        runs.map((r) => r.pooledPerSecond),
      ),
    ],
    cpu: {},
    runs,
    settings: `${count} certificates per run, each with its own number and holder; in the benchmark's process, then ${threads} worker threads.`,
  };
}
