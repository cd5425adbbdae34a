import type { Knex } from 'knex';
import { migrationSource } from './migrations';
import { migrationDatabaseUrl } from './urls';

export function knexConfig(url: string): Knex.Config {
  return {
    client: 'mysql2',
    connection: {
      uri: url,
      // Times are sent and read as UTC (DATETIME columns hold UTC and carry no zone)...
      timezone: 'Z',
      dateStrings: false,
      supportBigNumbers: true,
    },
    pool: {
      min: 0,
      max: 10,
      // ...and the server's own clock (DEFAULT CURRENT_TIMESTAMP(3), NOW()) is UTC too, whatever its zone.
      afterCreate: (conn: { query: (sql: string, done: (error: Error | null) => void) => void }, done: (error: Error | null, conn: unknown) => void) =>
        conn.query("SET time_zone = '+00:00'", (error) => done(error, conn)),
    },
    acquireConnectionTimeout: 10_000,
    migrations: { migrationSource, tableName: 'knex_migrations' },
  };
}

/** For the knex CLI: the schema owner's connection. */
export default knexConfig(migrationDatabaseUrl());
