import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { closeSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { createConnection } from 'mysql2/promise';
import { freePort, waitFor } from './processes';

const run = promisify(execFile);

/**
 * A MariaDB server of the fault suite's own (data directory under `dir`, a free port): it can be stopped
 * and started again without touching the shared server on 3306 that other runs and developers use.
 */
export async function startMariaDb(dir: string) {
  const datadir = path.join(dir, 'data');
  mkdirSync(dir, { recursive: true });
  // --user: mariadbd refuses to run as root unless told to; "normal" gives root@127.0.0.1 an empty password.
  const user = process.getuid?.() === 0 ? ['--user=root'] : [];
  await run('mariadb-install-db', [
    '--no-defaults',
    `--datadir=${datadir}`,
    '--auth-root-authentication-method=normal',
    '--skip-test-db',
    '--skip-name-resolve',
    ...user,
  ]);
  const port = await freePort();
  const origin = `mysql://root@127.0.0.1:${port}`;
  let server: ChildProcess | undefined;

  async function start(): Promise<void> {
    const log = openSync(path.join(dir, 'mariadb.log'), 'a');
    server = spawn(
      '/usr/sbin/mariadbd',
      [
        '--no-defaults',
        `--datadir=${datadir}`,
        `--port=${port}`,
        '--bind-address=127.0.0.1',
        `--socket=${path.join(dir, 'mariadb.sock')}`,
        `--pid-file=${path.join(dir, 'mariadb.pid')}`,
        '--skip-name-resolve',
        '--innodb-buffer-pool-size=64M',
        ...user,
      ],
      { stdio: ['ignore', log, log] },
    );
    closeSync(log);
    await waitFor(`MariaDB on port ${port}`, async () => {
      if (server?.exitCode !== null)
        throw new Error(`mariadbd exited (${server?.exitCode}):\n${readFileSync(path.join(dir, 'mariadb.log'), 'utf8').slice(-3000)}`);
      try {
        await (await createConnection({ host: '127.0.0.1', port, user: 'root' })).end();
        return true;
      } catch {
        return false;
      }
    });
  }

  /** A clean shutdown (SIGTERM, as `systemctl stop` does), waiting until the server is gone. */
  async function stop(): Promise<void> {
    if (!server || server.exitCode !== null) return;
    const exited = once(server, 'exit');
    server.kill('SIGTERM');
    await exited;
  }

  await start();
  return { origin, start, stop };
}
