import { Client } from '@temporalio/client';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { createApp } from '../api/app';
import { apiTemporalConnection } from '../api/temporalConnection';
import { connect } from '../db/connect';
import { benchApiConfig, type ApiProcessSettings, type FromApi, type ToApi } from './apiConfig';

/**
 * The API under benchmark, in a process of its own as production runs it (bench/env.ts starts it): the load
 * generator's HTTP client and the baselines stay in the benchmark's process, so neither pays for the other's CPU.
 * Logs go out as api/server.ts writes them (pino's asynchronous destination), to /dev/null.
 *
 * Talks to its parent over the IPC channel: `ready` with its port once listening; while the parent has a
 * listener on its knex `query` event (a scenario capturing the SQL an endpoint sends), each query is sent
 * back; `flush` is answered after every query sent before it, so a captured request's queries arrive
 * before the parent reads its answer.
 */
async function main(): Promise<void> {
  const settings = JSON.parse(process.env.BENCH_API_SETTINGS ?? '') as ApiProcessSettings;
  const config = benchApiConfig(settings);
  const db = connect(config.databaseUrl);
  const connection = apiTemporalConnection(config.temporalAddress);
  const temporal = new Client({ connection, namespace: config.namespace });
  const destination = pino.destination({ dest: '/dev/null', sync: false, minLength: 4096 });
  const app = createApp({ db, temporal, config }, pino({ level: 'info' }, destination));
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });

  const send = (message: FromApi) => process.send!(message);
  const forward = (q: { sql: string; bindings: unknown[] }) => send({ query: { sql: q.sql, bindings: q.bindings } });
  process.on('message', (message: ToApi) => {
    if ('flush' in message) return send({ ack: message.flush });
    db.off('query', forward);
    if (message.capture) db.on('query', forward);
    send({ ack: message.id });
  });
  const stop = () => {
    server.close();
    void Promise.allSettled([db.destroy(), connection.close()]).then(() => {
      destination.flushSync();
      process.exit(0);
    });
  };
  process.on('SIGTERM', stop);
  // The parent gone (a crash, Ctrl-C): nothing is left running.
  process.on('disconnect', stop);
  send({ ready: (server.address() as AddressInfo).port });
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
