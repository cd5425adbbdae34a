import type { z } from 'zod';
import { fromZod, HttpError } from './errors';

/**
 * Parses input against a schema, or throws a 400 naming each bad field. With `strict` (request bodies),
 * a key the schema does not know is refused wherever it is, in nested objects as at the top level.
 */
export function parse<S extends z.ZodType>(schema: S, value: unknown, options: { strict?: boolean } = {}): z.infer<S> {
  // The input in each issue tells a missing field (`required`) from a wrong one; it is never sent back.
  const result = schema.safeParse(value, { reportInput: true });
  if (!result.success) throw fromZod(result.error);
  const field = loneSurrogateAt(result.data, []);
  if (field !== undefined)
    throw new HttpError(400, 'invalid', `invalid ${field}`, [
      { field, code: 'malformed_text', message: 'must be well-formed Unicode (a lone surrogate is not a character)' },
    ]);
  const unknown = options.strict ? unknownKeyAt(value, result.data, []) : undefined;
  if (unknown !== undefined) throw new HttpError(400, 'invalid', `invalid ${unknown}`, [{ field: unknown, code: 'unknown_field', message: 'unknown field' }]);
  return result.data;
}

/**
 * The path of the first key of the input that the parsed value dropped: a schema keeps every key it knows
 * (defaults only add), so a dropped key is one it does not know. One rule for every nested object, rather
 * than trusting each schema to have been declared strict.
 */
function unknownKeyAt(input: unknown, parsed: unknown, path: string[]): string | undefined {
  if (typeof input !== 'object' || input === null || typeof parsed !== 'object' || parsed === null) return undefined;
  if (Array.isArray(input)) {
    if (!Array.isArray(parsed) || parsed.length !== input.length) return undefined;
    for (let i = 0; i < input.length; i++) {
      const found = unknownKeyAt(input[i], parsed[i], [...path, String(i)]);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  for (const [key, item] of Object.entries(input)) {
    if (!Object.prototype.hasOwnProperty.call(parsed, key)) return [...path, key].join('.');
    const found = unknownKeyAt(item, (parsed as Record<string, unknown>)[key], [...path, key]);
    if (found !== undefined) return found;
  }
  return undefined;
}

// JSON may escape half a surrogate pair ("\ud800"); such a string is not text, and MariaDB's JSON
// columns refuse it, so it would fail the write of whatever case or audit entry it reached.
const LONE_SURROGATE = /\p{Cs}/u;

/** Where the parsed value (bounded by its schema, so shallow) holds a lone surrogate, in a string or a key. */
function loneSurrogateAt(value: unknown, path: string[]): string | undefined {
  const here = () => path.join('.') || '(body)';
  if (typeof value === 'string') return LONE_SURROGATE.test(value) ? here() : undefined;
  if (typeof value !== 'object' || value === null) return undefined;
  for (const [key, item] of Object.entries(value)) {
    if (LONE_SURROGATE.test(key)) return here();
    const found = loneSurrogateAt(item, [...path, key]);
    if (found !== undefined) return found;
  }
  return undefined;
}
