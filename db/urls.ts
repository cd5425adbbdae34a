/**
 * Two accounts: the application (API and worker) connects with DATABASE_URL; migrations and seeds run
 * as the schema owner with MIGRATION_DATABASE_URL (DATABASE_URL when unset). The defaults are the local
 * MariaDB's root and the restricted account the migrations create for the application.
 */
export const DEFAULT_DATABASE_URL = 'mysql://appraisal_app:appraisal_app@127.0.0.1:3306/appraisal_supervision';
export const DEFAULT_MIGRATION_DATABASE_URL = 'mysql://root@127.0.0.1:3306/appraisal_supervision';

export function databaseUrl(env: NodeJS.ProcessEnv = process.env): string {
  return env.DATABASE_URL ?? DEFAULT_DATABASE_URL;
}

export function migrationDatabaseUrl(env: NodeJS.ProcessEnv = process.env): string {
  return env.MIGRATION_DATABASE_URL ?? env.DATABASE_URL ?? DEFAULT_MIGRATION_DATABASE_URL;
}

/** The same server and database as `url`, reached as another account. */
export function asAccount(url: string, account: { user: string; password: string }): string {
  const parsed = new URL(url);
  parsed.username = encodeURIComponent(account.user);
  parsed.password = encodeURIComponent(account.password);
  return parsed.toString();
}
