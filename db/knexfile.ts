import type { Knex } from 'knex';
import { migrationSource } from './migrations';

/** DATABASE_URL selects any MySQL; the default is the local MariaDB with the development database. */
export const DEFAULT_DATABASE_URL = 'mysql://root@127.0.0.1:3306/appraisal_supervision';

export function knexConfig(url = process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL): Knex.Config {
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

export default knexConfig();
