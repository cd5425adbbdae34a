import { randomUUID } from 'node:crypto';
import { bodyParser } from '@koa/bodyparser';
import Router from '@koa/router';
import Koa, { type Middleware } from 'koa';
import pino, { type Logger } from 'pino';
import { authenticate } from './auth';
import { devTokens, serveConsole } from './console';
import { errorMiddleware, HttpError } from './errors';
import { openApiDocument } from './openapi';
import { mountRoutes, type ApiDeps, type AppDeps, type RouteSpec } from './routeSpec';
import { createSealer } from '../platform/sealing';
import { createSigner } from '../platform/signing';
import { inspectionRoutes } from './routes/inspections';
import { qualificationRoutes } from './routes/qualifications';
import { complaintRoutes, publicComplaintRoutes } from './routes/complaints';
import { rateLimit } from './rateLimit';
import { durationMs } from '../domain/duration';
import { stationApplicationRoutes } from './routes/stationApplications';
import { stationRoutes } from './routes/stations';
import { sessionRoutes } from './routes/sessions';
import { userRoutes } from './routes/users';
import { peopleRoutes } from './routes/people';
import { referenceRoutes } from './routes/reference';
import { certificateRoutes } from './routes/certificates';
import { publicCertificateRoutes } from './routes/publicCertificates';
import { certificateDocumentRoutes } from './routes/certificateDocuments';
import { blankStockRoutes } from './routes/blankStock';
import { certificateImportRoutes } from './routes/certificateImports';
import { statisticsRoutes } from './routes/statistics';
import { warningRoutes } from './routes/warnings';
import { calendarRoutes } from './routes/calendars';
import { licenceRenewalRoutes } from './routes/licenceRenewals';
import { demonstrationStations } from '../db/queries/stations';
import { productionProblems } from '../db/queries/server';

export const ROUTES: RouteSpec[] = [
  ...stationApplicationRoutes,
  ...stationRoutes,
  ...sessionRoutes,
  ...inspectionRoutes,
  ...qualificationRoutes,
  ...complaintRoutes,
  ...userRoutes,
  ...peopleRoutes,
  ...referenceRoutes,
  ...certificateRoutes,
  ...certificateDocumentRoutes,
  ...blankStockRoutes,
  ...certificateImportRoutes,
  ...statisticsRoutes,
  ...warningRoutes,
  ...calendarRoutes,
  ...licenceRenewalRoutes,
];
const STREAMED_PATHS = new Set(ROUTES.filter((r) => r.streamed).map((r) => r.path));
/**
 * Routes anyone may call (no token): certificate verification, complaint intake and tracking. Certificates first: their
 * verification by number replaces the complaints' older answer on the same path.
 */
export const PUBLIC_ROUTES: RouteSpec[] = [...publicCertificateRoutes, ...publicComplaintRoutes];

/** A request id (taken from X-Request-Id when sane) on every response and log line. */
function requestContext(logger: Logger): Middleware {
  return async (ctx, next) => {
    const given = ctx.get('x-request-id');
    const requestId = /^[A-Za-z0-9._:-]{1,64}$/.test(given) ? given : randomUUID();
    ctx.state.requestId = requestId;
    ctx.state.log = logger.child({ requestId });
    ctx.set('X-Request-Id', requestId);
    const started = Date.now();
    try {
      await next();
    } finally {
      ctx.state.log.info({ method: ctx.method, path: ctx.path, status: ctx.status, ms: Date.now() - started }, 'request');
    }
  };
}

const METHODS = ['GET', 'HEAD', 'POST'];

/**
 * Only the methods the API serves reach the rest (TRACE, PROPFIND and the like get 405 before anything
 * else runs); every API answer says nosniff, and one that could carry a person's data is never cached.
 */
const httpHygiene: Middleware = async (ctx, next) => {
  ctx.set('X-Content-Type-Options', 'nosniff');
  if (!METHODS.includes(ctx.method)) throw new HttpError(405, 'method_not_allowed', `${ctx.method} is not served here`, [], { Allow: METHODS.join(', ') });
  await next();
  if (!ctx.response.get('Cache-Control')) ctx.set('Cache-Control', 'no-store');
};

/**
 * A body of any other type is refused (415) rather than read as none: an action whose fields are all
 * optional would otherwise act on an XML or form body as if it were `{}`.
 */
const acceptedBodies: Middleware = async (ctx, next) => {
  const hasBody = Number(ctx.get('content-length') || 0) > 0 || ctx.get('transfer-encoding') !== '';
  if (hasBody && !ctx.is('application/json', '+json', 'text/csv')) {
    throw new HttpError(415, 'unsupported_media_type', 'send application/json (text/csv for the examiner import)', [
      { field: 'Content-Type', message: ctx.get('content-type') || 'missing' },
    ]);
  }
  await next();
};

export function createApp(started: AppDeps, logger: Logger = pino({ level: process.env.LOG_LEVEL ?? 'info' })): Koa {
  const deps: ApiDeps = {
    ...started,
    sealer: createSealer(started.config.sealingKey),
    signer: createSigner(started.config.certificateSigningKeys),
  };
  const app = new Koa();
  app.proxy = process.env.TRUST_PROXY === 'true';
  app.use(requestContext(logger));
  app.use(errorMiddleware);
  app.use(httpHygiene);
  app.use(acceptedBodies);
  // A route that reads its own body as it arrives (the legacy certificate import) gets it unread.
  app.use((ctx, next) => {
    if (ctx.method === 'POST' && STREAMED_PATHS.has(ctx.path)) ctx.disableBodyParser = true;
    return next();
  });
  // JSON for everything; CSV (text/csv) only where a route takes it, such as the examiner import.
  app.use(
    bodyParser({
      enableTypes: ['json', 'text'],
      extendTypes: { text: ['text/csv'] },
      jsonLimit: '256kb',
      textLimit: '5mb',
      encoding: 'utf-8',
      // Reading a body fails only on what the client sent; a corrupt gzip, deflate or brotli stream carries no status.
      onError: (error) => {
        throw 'status' in error ? error : new HttpError(400, 'bad_request', `the body could not be decoded: ${error.message}`);
      },
    }),
  );

  // The operator console (console/): its files, and in development only the demo users' tokens for its sign-in page.
  if (deps.config.development) app.use(devTokens(deps.config));
  app.use(serveConsole({ sourceMaps: deps.config.development }));

  const open = new Router();
  open.get('/healthz', (ctx) => {
    ctx.body = { status: 'ok' };
  });
  open.get('/readyz', async (ctx) => {
    const checks = await Promise.allSettled([deps.db.raw('select 1'), deps.temporal.workflowService.getSystemInfo({})]);
    const [mysql, temporal] = checks.map((c) => (c.status === 'fulfilled' ? 'ok' : 'unavailable'));
    if (mysql !== 'ok' || temporal !== 'ok') {
      throw new HttpError(
        503,
        'unavailable',
        'not ready',
        [
          { field: 'mysql', message: mysql },
          { field: 'temporal', message: temporal },
        ],
        { 'Retry-After': '5' },
      );
    }
    // In production, a database that could lose a commit or let the application rewrite history is not ready.
    const problems = deps.config.production ? await productionProblems(deps.db) : [];
    if (problems.length) throw new HttpError(503, 'unsafe_database', 'the database is not safe for production', problems);
    ctx.body = { status: 'ok', mysql, temporal };
  });
  // Public: the list of confirmed demonstration stations (示范站).
  open.get('/v1/public/demonstration-stations', async (ctx) => {
    ctx.body = { items: await demonstrationStations(deps.db) };
  });
  const intakeLimit = deps.config.policy.complaint.intakeRate;
  open.post('/v1/public/complaints', rateLimit(deps.db, { bucket: 'complaint-intake', max: intakeLimit.max, windowMs: durationMs(intakeLimit.window) }));
  // Certificate look-ups by number (one, a holder's PDF, a signed statement's current status) share one count; employers' files another.
  const { verifyRate, batchRate } = deps.config.policy.certificate;
  const verifyLimit = rateLimit(deps.db, {
    bucket: 'certificate-verify',
    max: verifyRate.max,
    windowMs: durationMs(verifyRate.window),
    batch: { hits: 50, ms: 250 },
  });
  open.get(['/v1/public/certificates/:number', '/v1/public/certificates/:number/pdf'], verifyLimit);
  open.post('/v1/public/certificate-statements/verification', verifyLimit);
  open.post('/v1/public/certificate-checks', rateLimit(deps.db, { bucket: 'certificate-batch', max: batchRate.max, windowMs: durationMs(batchRate.window) }));
  mountRoutes(open, PUBLIC_ROUTES, deps);
  const document = openApiDocument([...PUBLIC_ROUTES, ...ROUTES]);
  open.get('/openapi.json', (ctx) => {
    ctx.body = document;
  });
  app.use(open.routes());

  const v1 = new Router();
  v1.use(authenticate(deps.config, deps.db));
  mountRoutes(v1, ROUTES, deps);
  app.use(v1.routes()).use(v1.allowedMethods({ throw: true }));
  return app;
}
