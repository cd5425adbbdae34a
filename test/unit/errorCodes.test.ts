import { ApplicationFailure } from '@temporalio/common';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { HttpError, toHttpError } from '../../api/errors';
import { parse } from '../../api/validate';
import { intakeSchema } from '../../domain/complaint';
import { invalid } from '../../domain/errors';
import { singleLine } from '../../domain/text';

/** What a client reads: each bad field with its stable code (and the bound it missed). */
function detailsOf(schema: z.ZodType, body: unknown) {
  try {
    parse(schema, body, { strict: true });
  } catch (error) {
    return toHttpError(error).details;
  }
  throw new Error('the body was accepted');
}

describe('error codes per field', () => {
  const form = z.strictObject({
    name: singleLine(2, 20),
    email: z.email().optional(),
    startsOn: z.iso.date().optional(),
    reasons: z.array(singleLine(1, 50)).min(1).max(2).optional(),
    hours: z.number().positive().max(500).optional(),
    level: z.enum(['one', 'two']).optional(),
    contact: z.strictObject({ phone: singleLine(5, 20) }).optional(),
  });

  it('tells a missing field from one of the wrong type', () => {
    expect(detailsOf(form, {})).toEqual([{ field: 'name', code: 'required', message: expect.any(String) }]);
    expect(detailsOf(form, { name: 42 })).toEqual([{ field: 'name', code: 'invalid_type', message: expect.any(String) }]);
    expect(detailsOf(form, { name: 'ok', contact: {} })).toEqual([{ field: 'contact.phone', code: 'required', message: expect.any(String) }]);
  });

  it('names sizes by what was measured, with the bound to meet', () => {
    expect(detailsOf(form, { name: 'x' })).toEqual([{ field: 'name', code: 'too_short', limit: 2, message: expect.any(String) }]);
    expect(detailsOf(form, { name: 'x'.repeat(21) })).toEqual([{ field: 'name', code: 'too_long', limit: 20, message: expect.any(String) }]);
    expect(detailsOf(form, { name: 'ok', reasons: [] })).toEqual([{ field: 'reasons', code: 'too_few', limit: 1, message: expect.any(String) }]);
    expect(detailsOf(form, { name: 'ok', reasons: ['a', 'b', 'c'] })).toEqual([{ field: 'reasons', code: 'too_many', limit: 2, message: expect.any(String) }]);
    expect(detailsOf(form, { name: 'ok', hours: 501 })).toEqual([{ field: 'hours', code: 'too_big', limit: 500, message: expect.any(String) }]);
    // positive() is an exclusive bound: no number to tell the person.
    const [zero] = detailsOf(form, { name: 'ok', hours: 0 });
    expect(zero).toEqual({ field: 'hours', code: 'too_small', message: expect.any(String) });
    expect('limit' in JSON.parse(JSON.stringify(zero))).toBe(false);
  });

  it('names formats, choices, refinements and unknown fields', () => {
    expect(detailsOf(form, { name: 'ok', email: 'nobody', startsOn: '2026-02-30', level: 'three' }).map((d) => [d.field, d.code])).toEqual([
      ['email', 'invalid_email'],
      ['startsOn', 'invalid_date'],
      ['level', 'invalid_choice'],
    ]);
    expect(detailsOf(form, { name: 'two\nlines' })).toEqual([{ field: 'name', code: 'not_one_line', message: expect.stringContaining('one line') }]);
    expect(detailsOf(form, { name: 'ok', status: 'approved' })).toEqual([{ field: 'status', code: 'unknown_field', message: 'unknown field' }]);
    expect(detailsOf(form, { name: 'ok', contact: { phone: '12345', verified: true } })).toEqual([
      { field: 'contact.verified', code: 'unknown_field', message: 'unknown field' },
    ]);
    expect(detailsOf(z.strictObject({ note: z.string() }), { note: 'half \ud800' })).toEqual([
      { field: 'note', code: 'malformed_text', message: expect.any(String) },
    ]);
  });

  it('codes the public intake the way the console reads it', () => {
    expect(detailsOf(intakeSchema, { category: 'rumour', happenedOn: 'yesterday', description: 'short' }).map((d) => [d.field, d.code, d.limit])).toEqual([
      ['category', 'invalid_choice', undefined],
      ['happenedOn', 'invalid_date', undefined],
      ['description', 'too_short', 10],
    ]);
  });

  it('keeps the code of a refusal, from the API as from a workflow, and calls an uncoded detail invalid', () => {
    expect(toHttpError(invalid('until', 'the suspension must end in the future', 'not_in_future')).details).toEqual([
      { field: 'until', code: 'not_in_future', message: 'the suspension must end in the future' },
    ]);
    expect(toHttpError(invalid('reasons', 'a rejection needs reasons')).details).toEqual([
      { field: 'reasons', code: 'invalid', message: 'a rejection needs reasons' },
    ]);
    const failure = ApplicationFailure.create({
      type: 'Invalid',
      message: 'x is not an inspector',
      nonRetryable: true,
      details: [{ field: 'leadId', code: 'not_inspector' }],
    });
    const fromWorkflow = toHttpError(new WorkflowUpdateFailedError('update failed', failure));
    expect([fromWorkflow.status, fromWorkflow.details]).toEqual([400, [{ field: 'leadId', code: 'not_inspector', message: 'x is not an inspector' }]]);
    expect(new HttpError(400, 'invalid', 'bad', [{ field: 'x', message: 'bad' }]).details).toEqual([{ field: 'x', code: 'invalid', message: 'bad' }]);
  });
});
