import { z } from 'zod';
import { singleLine } from './text';
import { ON_SITE_ITEMS } from './policy';

/**
 * Checklist templates are versioned data: sections of the standard, items with weights and maximum
 * scores, critical items. A running inspection keeps the version it started with.
 */
export const SECTIONS = ON_SITE_ITEMS;
export const RATINGS = ['A', 'B', 'C', 'D'] as const;
export type Rating = (typeof RATINGS)[number];

export const checklistItemSchema = z.object({
  id: z.string().regex(/^[a-z0-9][a-z0-9_.-]{0,63}$/, 'must be a short lower-case item id'),
  section: z.enum(SECTIONS),
  text: singleLine(3, 500),
  weight: z.number().positive().max(100),
  maxScore: z.number().int().min(1).max(100),
  /** Failing a critical item fails the inspection whatever the total. */
  critical: z.boolean().default(false),
});
export type ChecklistItem = z.infer<typeof checklistItemSchema>;

export const checklistItemsSchema = z
  .array(checklistItemSchema)
  .min(1)
  .max(300)
  .refine((items) => new Set(items.map((i) => i.id)).size === items.length, 'item ids must not repeat')
  .refine((items) => SECTIONS.every((s) => items.some((i) => i.section === s)), `every section needs an item: ${SECTIONS.join(', ')}`);

export interface ChecklistTemplate {
  id: string;
  version: number;
  items: ChecklistItem[];
}

export type ItemScoreSheet = Record<string, number>;

export interface InspectionResult {
  /** Mean score per item across the team's sheets. */
  items: Record<string, number>;
  /** Weighted total, 0..100. */
  total: number;
  failedItems: string[];
  criticalFailed: boolean;
  rating: Rating;
  passed: boolean;
}

export interface ScoringRule {
  /** An item fails below this share of its maximum. */
  itemPassRatio: number;
  /** Lowest total for A, B and C; below C is D. */
  ratingThresholds: { A: number; B: number; C: number };
}

/** The weighted sum of the items, the failed items, and the rating; a failed critical item fails it whatever the score. */
export function scoreInspection(template: ChecklistTemplate, sheets: ItemScoreSheet[], rule: ScoringRule): InspectionResult {
  if (sheets.length === 0) throw new RangeError('no score sheets');
  const items: Record<string, number> = {};
  let weighted = 0;
  let weights = 0;
  const failedItems: string[] = [];
  for (const item of template.items) {
    const mean = sheets.reduce((sum, sheet) => sum + (sheet[item.id] ?? 0), 0) / sheets.length;
    items[item.id] = Math.round(mean * 100) / 100;
    weighted += (mean / item.maxScore) * item.weight;
    weights += item.weight;
    if (mean < item.maxScore * rule.itemPassRatio) failedItems.push(item.id);
  }
  const total = Math.round((weighted / weights) * 10000) / 100;
  const criticalFailed = template.items.some((i) => i.critical && failedItems.includes(i.id));
  const t = rule.ratingThresholds;
  const byScore: Rating = total >= t.A ? 'A' : total >= t.B ? 'B' : total >= t.C ? 'C' : 'D';
  const rating: Rating = criticalFailed ? 'D' : byScore;
  return { items, total, failedItems, criticalFailed, rating, passed: rating !== 'D' };
}

/** Checks a sheet covers exactly the given items, each within 0..max; returns the first problem. */
export function sheetProblem(items: ChecklistItem[], sheet: ItemScoreSheet): string | null {
  for (const item of items) {
    const score = sheet[item.id];
    if (score === undefined) return `scores.${item.id} is missing`;
    if (score < 0 || score > item.maxScore) return `scores.${item.id} must be between 0 and ${item.maxScore}`;
  }
  const extra = Object.keys(sheet).find((id) => !items.some((i) => i.id === id));
  return extra ? `scores.${extra} is not an item of this checklist` : null;
}
