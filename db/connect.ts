import knex, { type Knex } from 'knex';
import { DEFAULT_DATABASE_URL, knexConfig } from './knexfile';

export type Db = Knex;

export function databaseUrl(): string {
  return process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL;
}

export function connect(url = databaseUrl()): Db {
  return knex(knexConfig(url));
}

/** Creates the database named in the URL when it does not exist yet (a fresh machine, a test run). */
export async function ensureDatabase(url = databaseUrl()): Promise<void> {
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
    await server.raw(`DROP DATABASE IF EXISTS \`${name}\``);
  } finally {
    await server.destroy();
  }
}

export async function migrateLatest(db: Db): Promise<void> {
  await db.migrate.latest();
}
