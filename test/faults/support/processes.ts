import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { closeSync, openSync, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { ROOT } from '../../../platform/config';
import { connectWhenReady, startDevServer } from '../../../scripts/temporal';

export async function freePort(): Promise<number> {
  const probe = createServer().listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const { port } = probe.address() as { port: number };
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

/** Polls until check() is true; a check that throws fails at once (a process that died will not come back). */
export async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what} not ready within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

async function stopProcess(child: ChildProcess | undefined, signal: NodeJS.Signals): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill(signal);
  await exited;
}

/**
 * The worker as its own OS process (`node --import tsx activities/worker.ts`, one process, so a SIGKILL
 * reaches the worker itself), configured by environment as in production; output goes to logFile.
 */
export function workerProcess(env: Record<string, string>, logFile: string) {
  let child: ChildProcess | undefined;
  return {
    /** Starts it and waits until it polls its task queue (it logs one line when it does). */
    async start(): Promise<void> {
      const log = openSync(logFile, 'a');
      const from = statSync(logFile).size;
      const started = spawn(process.execPath, ['--import', 'tsx', 'activities/worker.ts'], {
        cwd: ROOT,
        env: { ...process.env, ...env },
        stdio: ['ignore', log, log],
      });
      closeSync(log);
      child = started;
      await waitFor(
        'the worker',
        async () => {
          if (started.exitCode !== null) throw new Error(`the worker exited (${started.exitCode}):\n${readFileSync(logFile, 'utf8').slice(from)}`);
          return readFileSync(logFile, 'utf8').slice(from).includes('worker on task queue');
        },
        180_000,
      );
    },
    kill: (signal: NodeJS.Signals) => stopProcess(child, signal),
    /** Whether it is still running (it must survive the faults of other services by itself). */
    alive: () => child !== undefined && child.exitCode === null && child.signalCode === null,
  };
}

/** The Temporal CLI dev server on a SQLite file, stopped and started again on the same port and file. */
export function temporalDevServer(cli: string, dbFile: string, port: number) {
  let child: ChildProcess | undefined;
  const address = `127.0.0.1:${port}`;
  return {
    address,
    async start(): Promise<void> {
      child = startDevServer({ cli, dbFile, port, quiet: true });
      await (await connectWhenReady(address)).close();
    },
    stop: () => stopProcess(child, 'SIGTERM'),
  };
}
