// What guards the HTTP edge: security headers, CORS, and the rate limit on writes. (Failed sign-ins
// are counted in ../authFailures.ts, for sockets too.)
import type { RequestHandler } from 'express';
import { rateLimit, type AugmentedRequest } from 'express-rate-limit';
import helmet from 'helmet';
import type { Config } from '../config.ts';
import type { Principal } from '../auth.ts';
import type { HitCounters } from '../storage/store.ts';
import { rateLimitStore } from './hitCounters.ts';
import { ApiError } from './apiError.ts';

/**
 * Helmet with a Content-Security-Policy that allows only the dashboard's own origin, plus what the
 * map needs: its Socket.IO connection back to this server (ws:, wss:), MapLibre's web workers, which
 * it starts from blob: URLs, and the data:/blob: images it makes for icons and glyphs. MapLibre and
 * React set styles through the CSSOM (element.style), which CSP does not restrict, so style-src
 * needs no 'unsafe-inline'.
 */
export function securityHeaders(): RequestHandler {
  const middleware = helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        baseUri: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:', 'blob:'],
        fontSrc: ["'self'", 'data:'],
        connectSrc: ["'self'", 'ws:', 'wss:'],
        workerSrc: ["'self'", 'blob:'],
        childSrc: ['blob:'],
        manifestSrc: ["'self'"],
        objectSrc: ["'none'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
      },
    },
    // Browsers ignore HSTS over plain HTTP (field networks); behind HTTPS it pins this host only,
    // not the sibling subdomains of an organisation's domain.
    strictTransportSecurity: { maxAge: 15_552_000, includeSubDomains: false },
    xFrameOptions: { action: 'deny' },
    referrerPolicy: { policy: 'no-referrer' },
  });
  // These headers depend on nothing in the request (no nonces, no per-request directives), yet helmet
  // built them anew for every one: a dozen middlewares and the policy string joined each time, about
  // as much work as the rest of a report's answer (bench/README.md). Built once here, by helmet itself.
  const headers: [string, string][] = [];
  const removed: string[] = [];
  const recorder = {
    setHeader: (name: string, value: string | number | readonly string[]) => headers.push([name, String(value)]),
    removeHeader: (name: string) => removed.push(name),
  };
  let called = false;
  middleware({} as Parameters<RequestHandler>[0], recorder as unknown as Parameters<RequestHandler>[1], () => (called = true));
  if (!called || headers.length === 0) throw new Error('helmet did not set its headers synchronously');
  return (_req, res, next) => {
    for (const [name, value] of headers) res.setHeader(name, value);
    for (const name of removed) res.removeHeader(name);
    next();
  };
}

/**
 * CORS, closed by default: without configured origins no CORS header is ever sent, so browsers keep
 * other sites from reading the API. A listed origin (exact match) may call it with a bearer token.
 */
export function corsPolicy(origins: readonly string[]): RequestHandler {
  const allowed = new Set(origins);
  return (req, res, next) => {
    if (allowed.size === 0) {
      next();
      return;
    }
    res.vary('Origin');
    const origin = req.get('origin');
    if (!origin || !allowed.has(origin)) {
      next();
      return;
    }
    res.set('Access-Control-Allow-Origin', origin);
    res.set('Access-Control-Expose-Headers', 'Retry-After, X-Request-Id');
    if (req.method === 'OPTIONS') {
      res.set('Access-Control-Allow-Methods', 'GET, POST, PUT, DELETE');
      res.set('Access-Control-Allow-Headers', 'Authorization, Content-Type');
      res.set('Access-Control-Max-Age', '600');
      res.status(204).end();
      return;
    }
    next();
  };
}

function secondsUntil(resetTime: Date | undefined, windowMs: number): number {
  const ms = resetTime ? resetTime.getTime() - Date.now() : windowMs;
  return Math.max(1, Math.ceil(ms / 1000));
}

const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Writes per token and window. Counted by request, not by report: a batch carries up to 500
 * reports, so the default (600 a minute) lets an offline queue flush hundreds of reports one by
 * one, or many thousands in batches, while a client stuck in a loop is stopped within a minute.
 */
export function writeLimit(config: Pick<Config, 'writeLimitPerToken' | 'writeLimitWindowMs'>, counters: HitCounters, shared: boolean): RequestHandler {
  return rateLimit({
    store: rateLimitStore(counters, 'write:', config.writeLimitWindowMs, shared),
    windowMs: config.writeLimitWindowMs,
    limit: config.writeLimitPerToken,
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    skip: (req) => READ_METHODS.has(req.method),
    // Runs after authentication: the token, not the address, is the client (many phones share a NAT).
    keyGenerator: (_req, res) => (res.locals.principal as Principal).tokenId,
    handler: (req, _res, next) => {
      const seconds = secondsUntil((req as AugmentedRequest).rateLimit?.resetTime, config.writeLimitWindowMs);
      next(
        new ApiError(
          429,
          'rate_limited',
          `This token sent more than ${config.writeLimitPerToken} changes in ${Math.round(config.writeLimitWindowMs / 1000)} seconds: wait ${seconds} seconds. Send queued reports in batches of up to 500.`,
          { retryAfterSeconds: seconds },
          { 'Retry-After': String(seconds) },
        ),
      );
    },
  });
}
