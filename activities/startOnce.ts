import { createHash } from 'node:crypto';
import { WorkflowExecutionAlreadyStartedError, type Client, type WorkflowHandle, type WorkflowStartOptions } from '@temporalio/client';
import type { Workflow } from '@temporalio/common';
import type { WorkflowName } from '../workflows/caseMessages';

/**
 * Starts a workflow whose id derives from its business key, at most once: a retried activity (or a second
 * caller) finds it running or finished and gets its handle instead of an error or a second run.
 */
export async function startOnce<W extends Workflow>(
  temporal: Client,
  workflowType: WorkflowName<W>,
  options: WorkflowStartOptions<W>,
): Promise<WorkflowHandle<W>> {
  try {
    return await temporal.workflow.start<W>(workflowType, { workflowIdConflictPolicy: 'USE_EXISTING', workflowIdReusePolicy: 'REJECT_DUPLICATE', ...options });
  } catch (error) {
    if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
    return temporal.workflow.getHandle<W>(options.workflowId);
  }
}

/**
 * A ULID (the form case ids take) derived from another case's ULID and a purpose: the same time part, and a random
 * part from a hash, so an effect one case has on another gets the same id however often it is retried.
 */
export function derivedUlid(from: string, purpose: string): string {
  const alphabet = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
  const digest = createHash('sha256').update(`${purpose}:${from}`).digest();
  let random = '';
  for (let i = 0; i < 16; i++) random += alphabet[digest[i] % 32];
  return from.slice(0, 10) + random;
}
