import { connect, migrateDatabase, migrationDatabaseUrl } from './connect';

/** `tsx db/migrate.ts latest|rollback|status` as the schema owner (MIGRATION_DATABASE_URL, else DATABASE_URL). */
async function main(command = 'latest'): Promise<void> {
  if (command === 'latest') {
    const applied = await migrateDatabase();
    console.log(applied.length ? `migrated: ${applied.join(', ')}` : 'already up to date');
    return;
  }
  const db = connect(migrationDatabaseUrl());
  try {
    if (command === 'rollback') {
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
