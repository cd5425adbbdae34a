import { ON_SITE_ITEMS, type OnSiteItem } from './policy';

export type ItemScores = Record<OnSiteItem, number>;

export interface OnSiteResult {
  /** Mean score per item across assessors. */
  items: ItemScores;
  /** Weighted total, 0..100, to two decimals. */
  total: number;
  passed: boolean;
  /** Items whose mean fell below the floor. */
  failingItems: OnSiteItem[];
}

/** Scores the on-site assessment against the standard: mean per item, weighted total, pass mark and item floor. */
export function scoreOnSite(sheets: ItemScores[], rule: { weights: Partial<Record<OnSiteItem, number>>; passScore: number; itemFloor: number }): OnSiteResult {
  if (sheets.length === 0) throw new RangeError('no score sheets');
  const items = {} as ItemScores;
  let total = 0;
  for (const item of ON_SITE_ITEMS) {
    const mean = sheets.reduce((sum, sheet) => sum + sheet[item], 0) / sheets.length;
    items[item] = round2(mean);
    total += mean * (rule.weights[item] ?? 0);
  }
  const failingItems = ON_SITE_ITEMS.filter((item) => items[item] < rule.itemFloor);
  total = round2(total);
  return { items, total, passed: total >= rule.passScore && failingItems.length === 0, failingItems };
}

function round2(n: number): number {
  return Math.round(n * 100) / 100;
}
