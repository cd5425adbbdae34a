import { expect } from 'vitest';
import { summaryDrift } from '../../db/queries/statistics';
import type { Harness } from './harness';

/** The summaries equal their recomputation from the base tables after whatever a test file did (issue 19). */
export async function expectNoDrift(h: Harness): Promise<void> {
  expect(await summaryDrift(h.db)).toEqual([]);
}
