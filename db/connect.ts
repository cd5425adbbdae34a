import knex, { type Knex } from 'knex';
import { knexConfig } from './knexfile';
import { revokeTableGrants } from './grants';
import { databaseUrl, migrationDatabaseUrl } from './urls';

export type Db = Knex;
export { databaseUrl, migrationDatabaseUrl } from './urls';

export function connect(url = databaseUrl()): Db {
  return knex(knexConfig(url));
}

/** Creates the database named in the URL when it does not exist yet (a fresh machine, a test run). */
export async function ensureDatabase(url: string): Promise<void> {
  const parsed = new URL(url);
  const name = decodeURIComponent(parsed.pathname.replace(/^\//, ''));
  if (!/^[A-Za-z0-9_]+$/.test(name)) throw new Error(`database name must be [A-Za-z0-9_]+: ${name}`);
  parsed.pathname = '/';
  const server = knex(knexConfig(parsed.toString()));
  try {
    await server.raw(`CREATE DATABASE IF NOT EXISTS \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  } finally {
    await server.destroy();
  }
}

export async function dropDatabase(url: string): Promise<void> {
  const parsed = new URL(url);
  const name = decodeURIComponent(parsed.pathname.replace(/^\//, ''));
  parsed.pathname = '/';
  const server = knex(knexConfig(parsed.toString()));
  try {
    await revokeTableGrants(server, name);
    await server.raw(`DROP DATABASE IF EXISTS \`${name}\``);
  } finally {
    await server.destroy();
  }
}

/**
 * As the schema owner: creates the database when missing and brings its schema up to date; `asOwner`
 * does more of the owner's work (seeding) before the connection closes. Returns the migrations applied.
 */
export async function migrateDatabase(url = migrationDatabaseUrl(), asOwner?: (owner: Db) => Promise<unknown>): Promise<string[]> {
  await ensureDatabase(url);
  const owner = connect(url);
  try {
    const [, applied] = await owner.migrate.latest();
    await asOwner?.(owner);
    return applied;
  } finally {
    await owner.destroy();
  }
}
