// Authentication and role checks for the API, as Express middleware.
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { bearerToken, may, refusalMessage, type Authenticator, type Permission, type Principal } from '../auth.ts';
import { ApiError } from './apiError.ts';
import { tooManyFailuresMessage, type AuthFailureGuard } from '../authFailures.ts';

export function principalOf(res: Response): Principal {
  const principal = res.locals.principal as Principal | undefined;
  if (!principal) throw new Error('route reached without authentication');
  return principal;
}

/**
 * Every /api route but /api/health needs a known, unrevoked token. With a guard, failed attempts are
 * counted per client address, and once an address has failed too often its unknown tokens are
 * answered 429 rather than 401, so guessing stalls. A valid token is never refused for its address:
 * phones behind one carrier's NAT, or a coordination centre behind one gateway, share an address with
 * whoever is guessing, and a 256-bit token cannot be guessed anyway.
 */
export function requireToken(auth: Authenticator, guard?: AuthFailureGuard): RequestHandler {
  return async (req: Request, res: Response, next: NextFunction) => {
    const token = bearerToken(req.get('authorization'));
    if (!token) {
      next(new ApiError(401, 'unauthorized', 'Send a token: Authorization: Bearer <token>.'));
      return;
    }
    const verdict = await auth.verify(token);
    if ('principal' in verdict) {
      res.locals.principal = verdict.principal;
      next();
      return;
    }
    const address = req.ip ?? req.socket.remoteAddress ?? 'unknown';
    const retryAfterSeconds = (await guard?.retryAfterSeconds(address)) ?? 0;
    if (retryAfterSeconds > 0) {
      next(
        new ApiError(429, 'rate_limited', tooManyFailuresMessage(retryAfterSeconds), { retryAfterSeconds }, { 'Retry-After': String(retryAfterSeconds) }),
      );
      return;
    }
    await guard?.failed(address);
    next(new ApiError(401, 'unauthorized', refusalMessage(verdict)));
  };
}

export function allow(permission: Permission): RequestHandler {
  return (_req, res, next) => {
    const principal = principalOf(res);
    if (may(principal, permission)) next();
    else next(new ApiError(403, 'forbidden', `The ${principal.role} role may not do this.`));
  };
}
