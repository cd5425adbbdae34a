import { api } from './api';

/** Occupation names by code (national occupational classification), loaded once after sign-in. */
let names = new Map<string, string>();
let loading: Promise<void> | null = null;

/** Reads the names once; a failed read leaves codes showing as themselves and is tried again on the next page. */
export function loadOccupations(): Promise<void> {
  loading ??= api<{ items: Array<{ code: string; name: string }> }>('GET', '/v1/occupations').then(
    (r) => void (names = new Map(r.items.map((o) => [o.code, o.name]))),
    () => void (loading = null),
  );
  return loading;
}

/** An occupation as a person reads it: 车工（6-18-01-01）; a code without a known name shows as itself. */
export function occupationName(code: string | null | undefined): string {
  if (!code) return '—';
  const name = names.get(code);
  return name ? `${name}（${code}）` : code;
}
