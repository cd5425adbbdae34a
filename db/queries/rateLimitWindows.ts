import type { Db } from '../connect';

/**
 * Counts `requests` (one, or a process's tally) in the bucket's window and returns the count with the window's end.
 * A window starts at the bucket's first request and runs `windowMs`; the first request after it ends starts a new
 * one. The upsert is one atomic statement, so concurrent requests from any API process each count once.
 */
export async function countRequest(db: Db, bucket: string, now: Date, windowMs: number, requests = 1): Promise<{ hits: number; windowEnd: Date }> {
  const windowEnd = new Date(now.getTime() + windowMs);
  return db.transaction(async (trx) => {
    // `window_end` is assigned last, so every IF reads the old one (as all do under SIMULTANEOUS_ASSIGNMENT).
    await trx.raw(
      `INSERT INTO rate_limit_windows (bucket, window_start, window_end, hits) VALUES (?, ?, ?, ?)
       ON DUPLICATE KEY UPDATE
         hits = IF(window_end <= ?, VALUES(hits), hits + VALUES(hits)),
         window_start = IF(window_end <= ?, VALUES(window_start), window_start),
         window_end = IF(window_end <= ?, VALUES(window_end), window_end)`,
      [bucket, now, windowEnd, requests, now, now, now],
    );
    // Read in the same transaction, which holds the row: the count just written, not a later request's.
    const row = await trx('rate_limit_windows').where({ bucket }).first('hits', 'window_end');
    return { hits: Number(row.hits), windowEnd: new Date(row.window_end) };
  });
}

/** Removes up to `limit` windows that ended before the cutoff; returns how many went. */
export async function removeWindowsEndedBefore(db: Db, before: Date, limit: number): Promise<number> {
  return db('rate_limit_windows').where('window_end', '<', before).limit(limit).delete();
}
