import { z } from 'zod';

/**
 * Control characters (CR/LF included), line and paragraph separators, and bidirectional overrides and
 * isolates: none belongs in a name, title or subject, and each can forge a line in a mail header or body
 * or make a name read differently from what it is.
 */
const NOT_ONE_LINE = /[\p{Cc}\u2028\u2029\u200E\u200F\u061C\u202A-\u202E\u2066-\u2069]/u;

/** A single line of text (a name, title, subject, address): trimmed, within bounds, no control or direction characters. */
export function singleLine(min: number, max: number) {
  return z
    .string()
    .trim()
    .min(min)
    .max(max)
    .refine((text) => !NOT_ONE_LINE.test(text), {
      message: 'must be one line, without control characters or direction overrides',
      params: { code: 'not_one_line' },
    });
}
