import { Client } from '@temporalio/client';
import pino from 'pino';
import { loadConfig } from '../platform/config';
import { connect } from '../db/connect';
import { createApp } from './app';
import { apiTemporalConnection } from './temporalConnection';

async function main(): Promise<void> {
  const config = loadConfig();
  // Request logs go out through a buffered asynchronous destination: a synchronous write per request held the
  // event loop (about a sixth of the API's time in the list benchmark's profile). Flushed on the way out.
  const destination = pino.destination({ sync: false, minLength: 4096 });
  const logger = pino({ level: process.env.LOG_LEVEL ?? 'info' }, destination);
  const db = connect(config.databaseUrl);
  const connection = apiTemporalConnection(config.temporalAddress);
  const temporal = new Client({ connection, namespace: config.namespace });
  const app = createApp({ db, temporal, config }, logger);
  const server = app.listen(config.port, config.host, () => logger.info(`API on http://${config.host}:${config.port}`));
  const stop = () => {
    server.close();
    void Promise.allSettled([db.destroy(), connection.close()]).then(() => {
      destination.flushSync();
      process.exit(0);
    });
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
