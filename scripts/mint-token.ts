import { loadConfig } from '../platform/config';
import { mintToken } from '../api/auth';
import { connect } from '../db/connect';
import { findUser } from '../db/queries/users';

/** `npm run token -- <user id> [ttl]`: a bearer token for a user of the register, with the user's roles. */
async function main(userId?: string, ttl = '12h'): Promise<void> {
  if (!userId) throw new Error('usage: npm run token -- <user id> [ttl, e.g. 12h]');
  const config = loadConfig();
  const db = connect(config.databaseUrl);
  try {
    const user = await findUser(db, userId);
    if (!user) throw new Error(`no user ${userId} in ${config.databaseUrl}`);
    console.log(await mintToken(config, user.id, ttl));
  } finally {
    await db.destroy();
  }
}

main(process.argv[2], process.argv[3]).catch((error) => {
  console.error((error as Error).message);
  process.exit(1);
});
