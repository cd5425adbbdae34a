import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { bundleWorkflowCode, Worker } from '@temporalio/worker';
import { describe, expect, it } from 'vitest';
import { PRELOADED_WORKFLOW_MODULES, quietBundler, WORKFLOWS_PATH } from '../../activities/worker';
import { HISTORY_FIXTURES } from '../support/harness';

/**
 * Determinism: recorded histories of each workflow's main paths replay against today's code. A change
 * that would break running cases fails here; make it with `patched()` (see the README) and re-record
 * with `RECORD_HISTORIES=1 npm test`.
 */
const fixtures = readdirSync(HISTORY_FIXTURES)
  .filter((f) => f.endsWith('.json'))
  .sort();

describe('workflow histories replay against the current code', () => {
  it('has recorded histories of every workflow type', () => {
    const types = new Set(fixtures.map((f) => f.split('-')[0]));
    expect([...types]).toEqual(expect.arrayContaining(['campaign', 'complaint', 'inspection', 'qualification', 'stationApproval']));
  });

  it('replays every recorded history without nondeterminism', async () => {
    const { code } = await bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, preloadModules: PRELOADED_WORKFLOW_MODULES, logger: quietBundler });
    const histories = fixtures.map((file) => ({
      workflowId: file,
      history: historyFromJSON(JSON.parse(readFileSync(path.join(HISTORY_FIXTURES, file), 'utf8'))),
    }));
    const failures: string[] = [];
    for await (const result of Worker.runReplayHistories({ workflowBundle: { code } }, histories)) {
      if (result.error) failures.push(`${result.workflowId}: ${result.error.message}`);
    }
    expect(failures).toEqual([]);
    expect(histories.length).toBeGreaterThanOrEqual(5);
  }, 120_000);
});
