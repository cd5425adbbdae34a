import { ApiError } from './api';
import { isMessageKey, t, type MessageKey } from './messages';

/** A bad field as the API names it: its stable code, the bound it missed, and an English message for API clients. */
export interface ErrorDetail {
  field: string;
  code?: string;
  message: string;
  limit?: number;
}

/** Codes whose text needs the bound; without one (an exclusive bound) the value is only out of range. */
const NEEDS_LIMIT = new Set(['too_short', 'too_long', 'too_few', 'too_many', 'too_small', 'too_big']);

/**
 * The label of the field an error names: the longest part of its path that has one (`contact.email`, or
 * `reasons` for `reasons.0`, or `provinceCode` for `filter.provinceCode`); none, and the text says "this field".
 */
function fieldName(path: string): string {
  const parts = path.split('.').filter((p) => !/^\d+$/.test(p));
  const candidates = [...parts.map((_p, i) => parts.slice(0, parts.length - i)), ...parts.map((_p, i) => parts.slice(i + 1))];
  const key = candidates.map((c) => `field.${c.join('.')}`).find(isMessageKey);
  return key ? t('error.fieldName', { label: t(key) }) : t('error.thisField');
}

/** The text shown for a bad field: by its code, in the console's language, never the API's English message. */
export function errorText(detail: ErrorDetail): string {
  // A detail without a code was written by the console itself (already in the user's language).
  if (!detail.code) return detail.message;
  const key = `error.${detail.code}`;
  const known = isMessageKey(key) && !(NEEDS_LIMIT.has(detail.code) && detail.limit === undefined);
  const chosen: MessageKey = known ? key : NEEDS_LIMIT.has(detail.code) ? 'error.out_of_range' : 'error.invalid';
  return t(chosen, { field: fieldName(detail.field), limit: detail.limit ?? '' });
}

/** The sentence above a refused form's button (or in place of a page that could not load): by the answer's code. */
export function errorSummary(error: unknown): string {
  if (!(error instanceof ApiError)) return t('error.summary.network');
  const key = `error.summary.${error.code}`;
  return t(isMessageKey(key) ? key : error.status === 400 ? 'error.summary.invalid' : 'error.summary.other');
}
