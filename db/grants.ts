import type { Knex } from 'knex';
import { databaseUrl } from './urls';

/** Tables the application may read and append to, never change: the audit trail. */
export const APPEND_ONLY_TABLES = ['events'];

/** The account the API and the worker connect as: the user of DATABASE_URL. */
export function applicationAccount(url = databaseUrl()): { user: string; password: string } {
  const parsed = new URL(url);
  return { user: decodeURIComponent(parsed.username), password: decodeURIComponent(parsed.password) };
}

/**
 * Gives the application account its rights on every table of the current database: full row access,
 * except SELECT and INSERT only on the append-only tables. Migrations run as the schema owner and
 * call this after creating a table (it is idempotent). When the owner and the application are one
 * account there is nobody to restrict, and production readiness reports it.
 */
export async function grantApplicationAccess(knex: Knex): Promise<void> {
  const { user, password } = applicationAccount();
  const [[{ owner }]] = await knex.raw('SELECT SUBSTRING_INDEX(CURRENT_USER(), "@", 1) AS owner');
  if (!user || owner === user) return;
  await knex.raw('CREATE USER IF NOT EXISTS ?@? IDENTIFIED BY ?', [user, '%', password]);
  const tables: string[] = await knex('information_schema.tables')
    .where('table_schema', knex.raw('DATABASE()'))
    .andWhere('table_name', 'not like', 'knex\\_migrations%')
    .pluck('table_name');
  const [[{ db }]] = await knex.raw('SELECT DATABASE() AS db');
  for (const table of tables) {
    const rights = APPEND_ONLY_TABLES.includes(table) ? 'SELECT, INSERT' : 'SELECT, INSERT, UPDATE, DELETE';
    await knex.raw(`GRANT ${rights} ON ??.?? TO ?@?`, [db, table, user, '%']);
  }
}

/** Drops what grantApplicationAccess gave on a database being dropped (table grants outlive their tables). */
export async function revokeTableGrants(server: Knex, database: string): Promise<void> {
  const grants: Array<{ User: string; Host: string; Table_name: string }> = await server('mysql.tables_priv')
    .where({ Db: database })
    .select('User', 'Host', 'Table_name');
  for (const g of grants) await server.raw('REVOKE ALL PRIVILEGES ON ??.?? FROM ?@?', [database, g.Table_name, g.User, g.Host]);
}
