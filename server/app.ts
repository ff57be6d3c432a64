// The app factory: builds the HTTP and Socket.IO servers around a store, without listening.
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import compression from 'compression';
import express from 'express';
import { pino, type DestinationStream, type Logger, type LoggerOptions } from 'pino';
import { Server } from 'socket.io';
import { createAuditLog } from './audit.ts';
import { createAuthenticator, type Authenticator } from './auth.ts';
import type { Config } from './config.ts';
import { loadFixtures, type Fixtures } from './fixtures.ts';
import { ApiError, errorHandler } from './http/apiError.ts';
import { auditRoutes } from './http/auditRoutes.ts';
import { phoneRoutes } from './http/phoneRoutes.ts';
import { createPhoneRegistry } from './phones.ts';
import { kannelRoutes } from './sms/kannel.ts';
import { docsRoutes } from './http/docsRoutes.ts';
import { drillRoutes } from './http/drillRoutes.ts';
import { createDrills } from './drills.ts';
import { exportRoutes } from './http/exportRoutes.ts';
import { requireToken } from './http/middleware.ts';
import { tokenRoutes } from './http/tokenRoutes.ts';
import { siteImportRoutes } from './http/siteImportRoutes.ts';
import { readRoutes } from './http/readRoutes.ts';
import { memoryHitCounters } from './http/hitCounters.ts';
import { createAuthFailureGuard, type TrustProxy } from './authFailures.ts';
import { corsPolicy, securityHeaders, writeLimit } from './http/security.ts';
import { writeRoutes } from './http/writeRoutes.ts';
import { systemClock, type Clock } from './clock.ts';
import { createLivePicture, type LivePicture } from './livePicture.ts';
import { createLogFollower } from './logFollower.ts';
import { registerRealtime, type AminaServer } from './realtime.ts';
import { createHealthCheck } from './health.ts';
import { createSettings } from './settings.ts';
import type { Store } from './storage/store.ts';

export const VERSION: string = JSON.parse(
  fs.readFileSync(path.join(import.meta.dirname, '..', 'package.json'), 'utf8'),
).version;

/** The screens of the dashboard: each is the single-page app's index.html. */
const SCREEN_PATHS = ['/', '/wall', '/g/:pcode', '/report', '/sitrep', '/admin', '/admin/:page'];

export interface AppOptions {
  config: Config;
  store: Store;
  clock?: Clock;
  logger?: Logger;
  fixtures?: Fixtures;
}

export interface App {
  httpServer: http.Server;
  /** the Express app inside httpServer: the server tests hold its routes to the OpenAPI document */
  express: express.Express;
  io: AminaServer;
  live: LivePicture;
  auth: Authenticator;
  logger: Logger;
  /** the admin token created on this start, when the store had none and none was configured */
  createdAdminToken: string | undefined;
  /** Stops the clock, finishes requests in flight, closes sockets and the store. */
  close(): Promise<void>;
}

/** The app's logger: JSON lines to stdout, or to `destination` (tests read what would be logged). */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  const options: LoggerOptions = {
    level,
    // Tokens travel in these; they must never reach a log file.
    redact: {
      paths: [
        'req.headers.authorization',
        'headers.authorization',
        '*.authorization',
        'req.headers.cookie',
        'token',
        '*.token',
        'auth.token',
        'handshake.auth',
        'adminToken',
        '*.adminToken',
        // A connection string may carry a password.
        'databaseUrl',
        '*.databaseUrl',
        'secret',
        '*.secret',
        'password',
        '*.password',
        // SMS: the keys, and staff phone numbers wherever one could be handed to a log call.
        'phoneHashSecret',
        '*.phoneHashSecret',
        'smsGatewaySecret',
        '*.smsGatewaySecret',
        'phone',
        '*.phone',
        'number',
        '*.number',
        'sender',
        '*.sender',
        'req.query',
        'query',
      ],
      censor: '[redacted]',
    },
  };
  return destination ? pino(options, destination) : pino(options);
}

export async function createApp(options: AppOptions): Promise<App> {
  const { config, store } = options;
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? createLogger(config.logLevel);
  const fixtures = options.fixtures ?? loadFixtures(config.fixturesDir, config.dataDir);

  await store.init({ sites: fixtures.sites, thresholds: fixtures.thresholds });
  // A token is taken on trust for at most the follow interval: the time within which an instance
  // sees another's writes anyway, should the notice of a revocation be lost (auth.ts).
  const auth = createAuthenticator(store, config.adminToken, { rememberMs: config.followIntervalMs, clock });
  let createdAdminToken: string | undefined;
  if (!config.adminToken && (await store.tokens.count()) === 0) {
    createdAdminToken = (await auth.issue({ role: 'admin', label: 'first admin' }, new Date(clock.now()).toISOString())).token;
  }

  const live = createLivePicture({ store, clock, governorates: fixtures.governorates });
  await live.load();

  const app = express();
  app.disable('x-powered-by');
  // Behind a reverse proxy the client is who the trusted proxies say (TRUST_PROXY, README).
  app.set('trust proxy', config.trustProxy);
  // The request line holds only the fields below, none of them secret: redacting it (the root
  // logger's wildcard paths) cost three times the line itself (bench/README.md).
  const requestLog = logger.child({}, { redact: { paths: [] } });
  app.use((req, res, next) => {
    const requestId = randomUUID();
    res.setHeader('x-request-id', requestId);
    const started = process.hrtime.bigint();
    // Read now: routers mounted below rewrite req.url, so at 'finish' the path would lack its /api prefix.
    const requestPath = req.path;
    res.on('finish', () => {
      // The token's id names the client in the log; the token itself never reaches it.
      const tokenId = (res.locals.principal as { tokenId?: string } | undefined)?.tokenId;
      requestLog.info(
        {
          requestId,
          method: req.method,
          path: requestPath,
          status: res.statusCode,
          ms: Number(process.hrtime.bigint() - started) / 1e6,
          ...(tokenId ? { tokenId } : {}),
        },
        'request',
      );
    });
    next();
  });
  app.use(securityHeaders());
  // Field phones are on weak networks: gzip roughly halves the report form's first download. A small
  // write is answered in a few dozen bytes, never worth compressing, so it skips the middleware's
  // wrapping, which cost more than JSON-encoding the answer; a batch's answer lists every id, and is.
  const compress = compression();
  const mayBeLarge = (req: express.Request) => req.method === 'GET' || req.method === 'HEAD' || Number(req.headers['content-length'] ?? Infinity) > 4096;
  app.use((req, res, next) => (mayBeLarge(req) ? compress(req, res, next) : next()));

  const httpServer = http.createServer(app);
  const io: AminaServer = new Server(httpServer, {
    serveClient: false,
    cors: config.corsOrigins.length ? { origin: config.corsOrigins } : undefined,
  });
  // One budget per client across instances when they share a store; this process's otherwise.
  const counters = store.counters ?? memoryHitCounters();
  const guard = createAuthFailureGuard(config, counters);
  const audit = createAuditLog({ store, clock });
  const phones = config.phoneHashSecret ? createPhoneRegistry(store, config.phoneHashSecret) : undefined;
  const drills = createDrills({ store, live, clock, audit, logger, scenariosDir: path.join(config.fixturesDir, 'scenarios') });
  const realtime = registerRealtime(io, { auth, live, guard, trustProxy: app.get('trust proxy fn') as TrustProxy });
  // A token revoked here or on another instance: forgotten at once, and its live connections closed.
  const disconnectToken = (tokenId: string) => {
    auth.forget(tokenId);
    realtime.disconnectToken(tokenId);
  };
  const follower = store.changes
    ? createLogFollower({
        changes: store.changes,
        store,
        live,
        logger,
        pollIntervalMs: config.followIntervalMs,
        disconnectToken,
        recheckConnections: realtime.recheckConnections,
      })
    : undefined;
  follower?.start();

  const api = express.Router();
  api.use(corsPolicy(config.corsOrigins));
  const health = createHealthCheck(store);
  // For a load balancer: 503 when the store does not answer, so traffic goes to an instance that can
  // store what it acknowledges. Cheap: one trivial query a second at most, however often it is asked.
  api.get('/health', async (_req, res) => {
    const storage = await health.storage();
    if (storage === 'ok') res.json({ status: 'ok', storage: store.kind, version: VERSION });
    else {
      res.status(503).set('Retry-After', '5').json({
        status: 'unavailable',
        storage: 'unavailable',
        version: VERSION,
        error: { code: 'unavailable', message: 'The database does not answer: send traffic to another instance, and try again shortly.' },
      });
    }
  });
  // For a process supervisor: the process runs and answers, whatever the database does.
  api.get('/health/live', (_req, res) => {
    res.json({ status: 'ok', version: VERSION });
  });
  // The interface documents hold no data: an integrator reads them before having a token.
  api.use(docsRoutes({ version: VERSION }));
  // The SMS gateway has no bearer token: it sends SMS_GATEWAY_SECRET on every call instead.
  api.use(
    kannelRoutes({
      store,
      live,
      clock,
      audit,
      phones,
      defaultCountryCode: config.smsDefaultCountryCode,
      gatewaySecret: config.smsGatewaySecret,
    }),
  );
  api.use(express.json({ limit: config.bodyLimitBytes, strict: true }));
  api.use(requireToken(auth, guard));
  api.use(writeLimit(config, counters, store.counters !== undefined));
  api.use(readRoutes({ store, live, clock, fixtures }));
  api.use(exportRoutes({ store, live, clock, fixtures, logger, audit, publicUrl: config.publicUrl, capContact: config.capContact, drillRunning: drills.running }));
  const settings = createSettings({ store, live });
  api.use(writeRoutes({ store, live, clock, settings, audit }));
  api.use(siteImportRoutes({ store, live, settings, audit, governorates: fixtures.governorateShapes }));
  api.use(tokenRoutes({ store, live, clock, auth, audit, disconnectToken }));
  api.use(auditRoutes({ store, clock, logger }));
  api.use(phoneRoutes({ store, clock, audit, phones }));
  api.use(drillRoutes({ drills }));
  api.use((req) => {
    throw new ApiError(404, 'not_found', `No API endpoint ${req.method} ${req.path}.`);
  });
  api.use(errorHandler(logger));
  app.use('/api', api);

  const indexHtml = path.join(config.clientDir, 'index.html');
  if (fs.existsSync(indexHtml)) {
    app.use(express.static(config.clientDir, { index: false, maxAge: '1h' }));
    app.get(SCREEN_PATHS, (_req, res) => {
      res.set('Cache-Control', 'no-cache').sendFile(indexHtml);
    });
  } else {
    app.get(SCREEN_PATHS, (_req, res) => {
      res.status(503).type('text').send('The dashboard is not built yet: run `npm run build`, then restart.');
    });
  }

  const ticker = setInterval(() => {
    live.tick().catch((err: unknown) => logger.error({ err }, 'tick failed'));
  }, config.retickIntervalMs);
  ticker.unref();

  let closing: Promise<void> | undefined;
  return {
    httpServer,
    express: app,
    io,
    live,
    auth,
    logger,
    createdAdminToken,
    close() {
      closing ??= (async () => {
        clearInterval(ticker);
        // Stop taking connections; requests in flight run to their end before the server closes.
        const serverClosed = new Promise<void>((resolve) => httpServer.close(() => resolve()));
        httpServer.closeIdleConnections();
        // A keep-alive connection whose request was in flight turns idle once answered: close it then,
        // rather than waiting for the client's keep-alive timeout.
        const sweep = setInterval(() => httpServer.closeIdleConnections(), 50);
        io.local.disconnectSockets(true);
        // A drill still playing stops before the store closes under it.
        await drills.close();
        await serverClosed;
        clearInterval(sweep);
        await follower?.stop();
        await live.exclusive(async () => undefined);
        await store.close();
      })();
      return closing;
    },
  };
}
