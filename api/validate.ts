import type { z } from 'zod';
import { fromZod, HttpError } from './errors';

/** Parses input against a schema, or throws a 400 naming each bad field. */
export function parse<S extends z.ZodType>(schema: S, value: unknown): z.infer<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw fromZod(result.error);
  const field = loneSurrogateAt(result.data, []);
  if (field !== undefined) throw new HttpError(400, 'invalid', `invalid ${field}`, [{ field, message: 'must be well-formed Unicode (a lone surrogate is not a character)' }]);
  return result.data;
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
