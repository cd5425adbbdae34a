import type { z } from 'zod';
import { fromZod } from './errors';

/** Parses input against a schema, or throws a 400 naming each bad field. */
export function parse<S extends z.ZodType>(schema: S, value: unknown): z.infer<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw fromZod(result.error);
  return result.data;
}
