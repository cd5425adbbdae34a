import { connect, databaseUrl, ensureDatabase } from './connect';

/** `tsx db/migrate.ts latest|rollback|status` against DATABASE_URL. */
async function main(command = 'latest'): Promise<void> {
  await ensureDatabase();
  const db = connect();
  try {
    if (command === 'latest') {
      const [, applied] = await db.migrate.latest();
      console.log(applied.length ? `migrated ${databaseUrl()}: ${applied.join(', ')}` : 'already up to date');
    } else if (command === 'rollback') {
      const [, rolled] = await db.migrate.rollback(undefined, true);
      console.log(`rolled back: ${rolled.join(', ') || 'nothing'}`);
    } else if (command === 'status') {
      console.log(await db.migrate.list());
    } else {
      throw new Error(`unknown command ${command}: latest | rollback | status`);
    }
  } finally {
    await db.destroy();
  }
}

main(process.argv[2]).catch((error) => {
  console.error(error);
  process.exit(1);
});
