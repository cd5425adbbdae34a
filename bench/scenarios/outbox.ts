import { MockActivityEnvironment } from '@temporalio/testing';
import nodemailer from 'nodemailer';
import { createMailActivities } from '../../activities/mail';
import { createSealer, sealingKey } from '../../platform/sealing';
import { createMailer } from '../../activities/mailer';
import { scaled, type BenchContext } from '../env';
import { cpuMeter } from '../procs';
import { figure, medianCpu, type ScenarioReport } from '../report';
import { closedLoop, round, spread } from '../stats';

const FULL_MAILS = 10_000;
/** The worker's default number of activities at once. */
const CONCURRENCY = 100;
const REPLAYS = 1000;

const reminder = (i: number) => ({
  to: [`examiner.${i}@stations.example`],
  subject: `Renewal reminder: your qualification KP-${i} expires in 30 days`,
  text: `Your examiner qualification KP-${i} expires in 30 days. Record your training hours and apply for renewal before it lapses.\n`.repeat(3),
});

/**
 * 10,000 reminder mails through the outbox: the sendMail activity every reminder takes (claim the
 * (workflow, step) row, send over the pooled SMTP transport, mark it sent), called in this process at
 * the worker's activity concurrency, each in an activity context; against a raw loop over a nodemailer transport with the same pool
 * settings, to the same sink. Then the first 1,000 steps again, as Temporal retries would: none may
 * mail twice.
 */
export async function outbox(ctx: BenchContext): Promise<ScenarioReport> {
  const { env } = ctx;
  const count = scaled(ctx, FULL_MAILS, 200);
  const mailer = createMailer({ smtpUrl: env.sink.url, outboxDir: '', from: 'bench <bench@appraisal.example.gov.cn>' });
  const { sendMail } = createMailActivities({ db: env.db, mailer, sealer: createSealer(sealingKey({})) });
  // Each call in an activity context of its own, as the worker gives each activity task (run() cannot infer the result's type).
  type Send = typeof sendMail;
  const send = (req: Parameters<Send>[0]) =>
    new MockActivityEnvironment({ activityType: 'sendMail', taskQueue: env.taskQueue }).run<Parameters<Send>, Awaited<ReturnType<Send>>, Send>(sendMail, req);
  // The pool settings of activities/mailer.ts.
  const transport = nodemailer.createTransport(env.sink.url, { pool: true, maxConnections: 5 } as object);
  const runs = [];
  const cpu = [];
  try {
    for (let run = 0; run < ctx.runs; run++) {
      const workflowId = `bench-outbox-${run + 1}`;
      const meter = cpuMeter(env.pids());
      const sides = {
        outbox: () =>
          closedLoop(count, CONCURRENCY, async (i) => {
            const outcome = await send({ workflowId, stepKey: `reminder-${i}`, ...reminder(i) });
            if (outcome !== 'sent') throw new Error(`outbox: ${outcome}`);
          }),
        raw: () =>
          closedLoop(count, CONCURRENCY, async (i) => {
            await transport.sendMail({
              from: 'appraisal-supervision <no-reply@appraisal.example.gov.cn>',
              ...reminder(i),
              messageId: `<raw-${run}-${i}@bench>`,
            });
          }),
      };
      const first = run % 2 === 0 ? 'outbox' : 'raw';
      const a = await sides[first]();
      const b = await sides[first === 'outbox' ? 'raw' : 'outbox']();
      const [o, r] = first === 'outbox' ? [a, b] : [b, a];
      cpu.push(meter());

      const outboxIds: string[] = await env.db('outbox').where({ workflow_id: workflowId }).pluck('message_id');
      const before = env.sink.count(outboxIds);
      // Retried steps: each finds its row sent and sends nothing.
      const replayed = await closedLoop(Math.min(REPLAYS, count), CONCURRENCY, async (i) => {
        const outcome = await send({ workflowId, stepKey: `reminder-${i}`, ...reminder(i) });
        if (outcome !== 'sent') throw new Error(`replay: ${outcome}`);
      });
      const after = env.sink.count(outboxIds);
      const rawCount = env.sink.count(Array.from({ length: count }, (_, i) => `<raw-${run}-${i}@bench>`));
      const result = {
        outbox: o,
        raw: r,
        rows: outboxIds.length,
        received: after.messages,
        missing: after.missing,
        duplicates: after.duplicates,
        sentByReplays: after.messages - before.messages,
        replayErrors: replayed.errors,
        rawReceived: rawCount.messages,
      };
      ctx.log(
        `outbox run ${run + 1}: outbox ${o.throughput}/s, raw ${r.throughput}/s; ${result.received} received, ${result.duplicates} duplicates, ${result.missing} missing`,
      );
      runs.push(result);
    }
  } finally {
    transport.close();
    mailer.close();
  }
  const ratios = runs.map((r) => round(r.outbox.throughput / r.raw.throughput));
  const duplicates = runs.reduce((n, r) => n + r.duplicates + r.sentByReplays, 0);
  const lost = runs.reduce((n, r) => n + r.missing + r.outbox.errors + r.replayErrors, 0);
  return {
    id: 'outbox',
    title: `${count.toLocaleString('en')} reminder mails through the outbox`,
    system: figure(
      'outbox',
      'mails/s',
      runs.map((r) => r.outbox.throughput),
    ),
    baseline: figure(
      'raw pooled nodemailer',
      'mails/s',
      runs.map((r) => r.raw.throughput),
    ),
    ratio: spread(ratios),
    target: '≥ 0.8× throughput, zero duplicates',
    met: spread(ratios).median >= 0.8 && duplicates === 0 && lost === 0,
    extra: [
      figure(
        'duplicates (incl. replayed steps)',
        '',
        runs.map((r) => r.duplicates + r.sentByReplays),
      ),
      figure(
        'missing or failed',
        '',
        runs.map((r) => r.missing + r.outbox.errors + r.replayErrors),
      ),
      figure(
        'outbox p95',
        'ms',
        runs.map((r) => r.outbox.p95),
      ),
      figure(
        'raw p95',
        'ms',
        runs.map((r) => r.raw.p95),
      ),
    ],
    cpu: medianCpu(cpu),
    runs,
    settings: `${count} mails per side per run at ${CONCURRENCY} at once (the worker's activity slots), SMTP pool of 5 connections both sides, knex pool of 10; then ${Math.min(REPLAYS, count)} steps replayed.`,
  };
}
