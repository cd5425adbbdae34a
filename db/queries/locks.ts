import type { Db } from '../connect';

/** How long a request waits for another holding one of its locks before it is told to retry. */
const WAIT_SECONDS = 10;

/**
 * Runs `work` holding one named lock (GET_LOCK) per key of the scope, so a check and the write it allows are not
 * interleaved with another's over the same person (two registrations sharing an examiner, two rosters adding one
 * candidate). The locks live on one pooled connection held for the while, taken in sorted order (no two requests wait
 * on each other), named by a hash of the database, scope and key (names are limited to 64 characters, and are
 * server-wide), and released when the work ends, whether it answered or threw. `busy` is thrown when a lock is not
 * had within WAIT_SECONDS.
 */
export async function withNamedLocks<T>(db: Db, scope: string, keys: string[], busy: () => Error, work: () => Promise<T>): Promise<T> {
  const names = [...new Set(keys)].sort();
  if (!names.length) return work();
  const connection = await db.client.acquireConnection();
  let released = false;
  try {
    for (const key of names) {
      const [rows] = await db
        .raw('SELECT GET_LOCK(SHA1(CONCAT_WS(?, DATABASE(), ?, ?)), ?) AS got', ['\u001f', scope, key, WAIT_SECONDS])
        .connection(connection);
      if (Number(rows[0].got) !== 1) throw busy();
    }
    return await work();
  } finally {
    try {
      await db.raw('SELECT RELEASE_ALL_LOCKS()').connection(connection);
      released = true;
    } finally {
      // A connection whose locks could not be released must not go back to the pool holding them: closed, the
      // server frees them, and the pool discards it.
      if (!released) connection.destroy();
      await db.client.releaseConnection(connection);
    }
  }
}
