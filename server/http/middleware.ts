// Authentication and role checks for the API, as Express middleware.
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { bearerToken, may, type Authenticator, type Permission, type Principal } from '../auth.ts';
import { ApiError } from './apiError.ts';
import type { AuthFailureGuard } from './security.ts';

export function principalOf(res: Response): Principal {
  const principal = res.locals.principal as Principal | undefined;
  if (!principal) throw new Error('route reached without authentication');
  return principal;
}

/**
 * Every /api route but /api/health needs a known, unrevoked token. With a guard, an address that sent
 * too many unknown tokens is refused (429) before its token is even looked at, so guessing stalls.
 */
export function requireToken(auth: Authenticator, guard?: AuthFailureGuard): RequestHandler {
  return async (req: Request, res: Response, next: NextFunction) => {
    const token = bearerToken(req.get('authorization'));
    if (!token) {
      next(new ApiError(401, 'unauthorized', 'Send a token: Authorization: Bearer <token>.'));
      return;
    }
    const address = req.ip ?? req.socket.remoteAddress ?? 'unknown';
    const refusal = await guard?.refusal(address);
    if (refusal) {
      next(refusal);
      return;
    }
    const principal = await auth.authenticate(token);
    if (!principal) {
      await guard?.failed(address);
      next(new ApiError(401, 'unauthorized', 'This token is unknown or has been revoked.'));
      return;
    }
    res.locals.principal = principal;
    next();
  };
}

export function allow(permission: Permission): RequestHandler {
  return (_req, res, next) => {
    const principal = principalOf(res);
    if (may(principal, permission)) next();
    else next(new ApiError(403, 'forbidden', `The ${principal.role} role may not do this.`));
  };
}
