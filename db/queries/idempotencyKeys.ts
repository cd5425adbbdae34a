import type { Db } from '../connect';
import { parseJson } from './users';

export interface IdempotencyRecord {
  requestHash: string;
  resourceId: string;
  claim: string;
  claimedAt: Date;
  response: { status: number; body: unknown } | null;
}

/** Claims (caller, key) for a request; returns the stored row, whoever claimed it. */
export async function claimKey(
  db: Db,
  row: { caller: string; key: string; requestHash: string; resourceId: string; claim: string },
): Promise<IdempotencyRecord> {
  await db('idempotency_keys')
    .insert({ caller: row.caller, idem_key: row.key, request_hash: row.requestHash, resource_id: row.resourceId, claim: row.claim, claimed_at: new Date() })
    .onConflict(['caller', 'idem_key'])
    .ignore();
  return (await findKey(db, row.caller, row.key))!;
}

/** Takes over a claim whose holder stopped answering (an API process that died mid-request). */
export async function takeOverStaleClaim(db: Db, caller: string, key: string, oldClaim: string, newClaim: string, staleBefore: Date): Promise<boolean> {
  const n = await db('idempotency_keys')
    .where({ caller, idem_key: key, claim: oldClaim })
    .whereNull('status_code')
    .where('claimed_at', '<', staleBefore)
    .update({ claim: newClaim, claimed_at: new Date() });
  return n === 1;
}

/** Stores the answer; a streamed request's hash, known only once its body was read, with it. */
export async function completeKey(db: Db, caller: string, key: string, claim: string, status: number, body: unknown, requestHash?: string): Promise<void> {
  await db('idempotency_keys')
    .where({ caller, idem_key: key, claim })
    .update({ status_code: status, response: JSON.stringify(body ?? null), ...(requestHash ? { request_hash: requestHash } : {}) });
}

export async function releaseKey(db: Db, caller: string, key: string, claim: string): Promise<void> {
  await db('idempotency_keys').where({ caller, idem_key: key, claim }).whereNull('status_code').delete();
}

/** Removes up to `limit` keys claimed before the cutoff (answered or abandoned alike); returns how many went. */
export async function removeKeysClaimedBefore(db: Db, before: Date, limit: number): Promise<number> {
  return db('idempotency_keys').where('claimed_at', '<', before).limit(limit).delete();
}

async function findKey(db: Db, caller: string, key: string): Promise<IdempotencyRecord | undefined> {
  const r = await db('idempotency_keys').where({ caller, idem_key: key }).first();
  if (!r) return undefined;
  return {
    requestHash: r.request_hash,
    resourceId: r.resource_id,
    claim: r.claim,
    claimedAt: new Date(r.claimed_at),
    response: r.status_code === null ? null : { status: r.status_code, body: parseJson(r.response) },
  };
}
