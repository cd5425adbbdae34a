import type { Knex } from 'knex';
import { migrationSource } from './migrations';
import { migrationDatabaseUrl } from './urls';

export function knexConfig(url: string): Knex.Config {
  return {
    client: 'mysql2',
    connection: {
      uri: url,
      // Times are stored and read as UTC.
      timezone: 'Z',
      dateStrings: false,
      supportBigNumbers: true,
    } as Knex.MySql2ConnectionConfig & { uri: string },
    pool: { min: 0, max: 10 },
    acquireConnectionTimeout: 10_000,
    migrations: { migrationSource, tableName: 'knex_migrations' },
  };
}

/** For the knex CLI: the schema owner's connection. */
export default knexConfig(migrationDatabaseUrl());
