import type { Db } from '../connect';
import { APPEND_ONLY_TABLES } from '../grants';

/**
 * What makes this MySQL unfit for production: a commit that is not flushed to disk at once, or an
 * application account that could rewrite the audit trail. Each problem names the setting.
 */
export async function productionProblems(db: Db): Promise<Array<{ field: string; message: string }>> {
  const problems: Array<{ field: string; message: string }> = [];
  const [[{ flush }]] = await db.raw('SELECT @@GLOBAL.innodb_flush_log_at_trx_commit AS flush');
  if (Number(flush) !== 1)
    problems.push({ field: 'innodb_flush_log_at_trx_commit', message: `is ${flush}; a committed decision could be lost on a crash unless it is 1` });
  const grantee = db.raw(`CONCAT("'", SUBSTRING_INDEX(CURRENT_USER(), '@', 1), "'@'", SUBSTRING_INDEX(CURRENT_USER(), '@', -1), "'")`);
  const rewriting = ['UPDATE', 'DELETE'];
  const [global, schema, table] = await Promise.all([
    db('information_schema.USER_PRIVILEGES').where('GRANTEE', grantee).whereIn('PRIVILEGE_TYPE', rewriting).pluck('PRIVILEGE_TYPE'),
    db('information_schema.SCHEMA_PRIVILEGES')
      .where('GRANTEE', grantee)
      .where('TABLE_SCHEMA', db.raw('DATABASE()'))
      .whereIn('PRIVILEGE_TYPE', rewriting)
      .pluck('PRIVILEGE_TYPE'),
    db('information_schema.TABLE_PRIVILEGES')
      .where('GRANTEE', grantee)
      .where('TABLE_SCHEMA', db.raw('DATABASE()'))
      .whereIn('TABLE_NAME', APPEND_ONLY_TABLES)
      .whereIn('PRIVILEGE_TYPE', rewriting)
      .pluck('PRIVILEGE_TYPE'),
  ]);
  const held = [...new Set([...global, ...schema, ...table])];
  if (held.length)
    problems.push({
      field: 'DATABASE_URL',
      message: `the application account may ${held.join(' and ')} the audit trail (${APPEND_ONLY_TABLES.join(', ')}); connect as an account the migrations granted`,
    });
  return problems;
}
