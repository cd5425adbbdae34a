import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QUALIFICATION_CASE } from '../../db/queries/qualifications';
import { qualificationState, qualificationWorkflowId } from '../../workflows/qualification.messages';
import { CaseStatus } from '../../workflows/searchAttributes';
import { eventually, startHarness, type ApiResponse, type Harness } from '../support/harness';

/**
 * Two reviewers decide one admission at the same instant, one approving, the other rejecting, on 100
 * applications. The admission is the cheapest decision point there is: one request creates the case.
 */
const TRIALS = 100;
/** Requests in flight at once: enough to load the worker, few enough for a 2-core machine. */
const PARALLEL = 10;
/** Examiners take turns applying, so the examiner row each snapshot updates is not one hot row. */
const EXAMINERS = ['exam-1', 'exam-2', 'insp-1', 'insp-3', 'insp-6'];
const OUTCOMES = {
  'rev-1': { body: { outcome: 'approve' }, status: 'active', action: 'admitted' },
  'rev-2': { body: { outcome: 'reject', reasons: ['exam record incomplete'] }, status: 'rejected', action: 'admission_rejected' },
} as const;
type Reviewer = keyof typeof OUTCOMES;

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => h?.close());

/** Runs `fn` over `items` with at most `limit` calls in flight. */
async function inPool<T, R>(items: T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  return results;
}

async function apply(examinerId: string): Promise<string> {
  const res = await h.api('POST', '/v1/qualifications', {
    as: examinerId,
    body: { occupationCode: '4-07-01-01', level: 3, trainingHours: 48, examScore: 82, nationalId: '44010619850301123X' },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.id;
}

interface Trial {
  id: string;
  responses: Record<Reviewer, ApiResponse>;
}

describe('two conflicting decisions on one case at once', () => {
  it(`lets exactly one win in each of ${TRIALS} trials, refuses the other with 409, and leaves Temporal and MySQL agreeing`, async () => {
    const started = Date.now();
    const ids = await inPool(
      Array.from({ length: TRIALS }, (_, i) => EXAMINERS[i % EXAMINERS.length]),
      PARALLEL,
      apply,
    );
    const created = Date.now();

    const trials = await inPool(ids, PARALLEL, async (id): Promise<Trial> => {
      const reviewers = Object.keys(OUTCOMES) as Reviewer[];
      const responses = await Promise.all(reviewers.map((as) => h.api('POST', `/v1/qualifications/${id}/admission-decision`, { as, body: OUTCOMES[as].body })));
      return { id, responses: Object.fromEntries(reviewers.map((as, i) => [as, responses[i]])) as Trial['responses'] };
    });
    const decided = Date.now();

    // Tallied before any assertion, so a failure shows how often each pair of answers came back.
    const pairs: Record<string, number> = {};
    for (const { responses } of trials) {
      const key = Object.values(responses)
        .map((r) => r.status)
        .sort()
        .join('+');
      pairs[key] = (pairs[key] ?? 0) + 1;
    }
    expect(pairs).toEqual({ '200+409': TRIALS });
    const winners = trials.map(({ id, responses }) => {
      const winner = (Object.keys(responses) as Reviewer[]).find((as) => responses[as].status === 200)!;
      const loser = (Object.keys(responses) as Reviewer[]).find((as) => as !== winner)!;
      expect(responses[winner].body.status, id).toBe(OUTCOMES[winner].status);
      expect(responses[loser].body, id).toEqual({ error: { code: 'not_allowed', message: expect.any(String), details: [] } });
      return winner;
    });
    // The snapshot is written by an activity: MySQL catches up with the workflow, then both must hold the winner's decision.
    await inPool(trials, PARALLEL, async ({ id }, i) => {
      const winner = winners[i];
      const handle = h.temporal.workflow.getHandle(qualificationWorkflowId(id));
      const live = await handle.query(qualificationState);
      expect(live.status).toBe(OUTCOMES[winner].status);
      const row = await eventually<{ status: string; version: number }>(async () => h.db('qualifications').where({ id }).first('status', 'version'), {
        until: (r) => r.version === live.version,
      });
      expect(row.status).toBe(live.status);
      expect((await handle.describe()).typedSearchAttributes.get(CaseStatus)).toBe(live.status);
      const events = await h
        .db('events')
        .where({ case_type: QUALIFICATION_CASE, case_id: id })
        .whereIn(
          'action',
          Object.values(OUTCOMES).map((o) => o.action),
        )
        .select('action', 'actor_id');
      expect(events).toEqual([{ action: OUTCOMES[winner].action, actor_id: winner }]);
    });

    const approvals = winners.filter((w) => OUTCOMES[w].status === 'active').length;
    console.log(
      `concurrency: ${TRIALS} trials, ${approvals} approvals and ${TRIALS - approvals} rejections won, ${TRIALS} refused with 409; ` +
        `created in ${created - started} ms, decided in ${decided - created} ms, agreement checked in ${Date.now() - decided} ms`,
    );
  });
});
