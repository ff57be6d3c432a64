// The phone registry (admin): which staff numbers may report by SMS, for which reporter token.
// Numbers come in once, are hashed (server/phones.ts) and go out only masked.
import { Router, type Response } from 'express';
import { parseE164 } from '../../shared/phone.ts';
import { Phone, PhoneRequest } from '../../shared/schemas.ts';
import { isoSeconds } from '../../shared/time.ts';
import type { AuditEvent, AuditLog } from '../audit.ts';
import type { Clock } from '../clock.ts';
import type { PhoneRegistry } from '../phones.ts';
import type { PhoneRecord, Store, TokenRecord } from '../storage/store.ts';
import { ApiError, invalidBody, notFound } from './apiError.ts';
import { allow, principalOf } from './middleware.ts';

export interface PhoneDeps {
  store: Store;
  clock: Clock;
  audit: AuditLog;
  /** undefined when PHONE_HASH_SECRET is not set: nothing can be registered */
  phones: PhoneRegistry | undefined;
}

function shown(phone: PhoneRecord, token: TokenRecord): Phone {
  return {
    id: phone.id,
    masked: phone.masked,
    label: phone.label,
    tokenId: token.id,
    tokenLabel: token.label,
    sites: token.sites,
    revoked: token.revokedAt !== undefined,
    exercise: token.exercise === true,
    createdAt: phone.createdAt,
  };
}

const unprocessable = (field: string, message: string) => new ApiError(422, 'unprocessable', `Cannot register: ${field} ${message}.`, [{ field, message }]);

export function phoneRoutes({ store, clock, audit, phones }: PhoneDeps): Router {
  const router = Router();
  const record = (res: Response, event: Omit<AuditEvent, 'requestId'>) =>
    audit.record(principalOf(res), { ...event, requestId: String(res.getHeader('x-request-id') ?? '') });

  router.get('/phones', allow('administer'), async (_req, res) => {
    res.json((await store.phones.list()).map(({ phone, token }) => shown(phone, token)));
  });

  router.post('/phones', allow('administer'), async (req, res) => {
    const parsed = PhoneRequest.safeParse(req.body);
    if (!parsed.success) throw invalidBody(parsed.error, 'phone');
    // The number is never echoed back in an error: it may sit in a proxy's or a browser's log.
    const e164 = parseE164(parsed.data.number);
    if (!e164) {
      throw new ApiError(400, 'invalid', 'The number must be in E.164 form, such as +9647501234512.', [
        { field: 'number', message: 'must be E.164: +, the country code and the number (+9647501234512)' },
      ]);
    }
    if (!phones) throw unprocessable('number', 'cannot be stored: the server has no PHONE_HASH_SECRET set');
    const token = await store.tokens.get(parsed.data.tokenId);
    if (!token) throw unprocessable('tokenId', `names no token`);
    if (token.role !== 'reporter') throw unprocessable('tokenId', `names a ${token.role} token; a phone reports under a reporter token`);
    if (token.revokedAt) throw unprocessable('tokenId', 'names a revoked token');
    const phone = await phones.register(e164, token.id, parsed.data.label, isoSeconds(clock.now()));
    if (!phone) throw unprocessable('number', 'is registered already; delete it first to move it to another token');
    await record(res, { action: 'phone.register', subject: phone.id, details: { masked: phone.masked, label: phone.label, tokenId: token.id } });
    res.status(201).json(shown(phone, token));
  });

  router.delete('/phones/:id', allow('administer'), async (req, res) => {
    const id = String(req.params.id);
    if (!(await store.phones.delete(id))) throw notFound(`Phone "${id}"`);
    await record(res, { action: 'phone.delete', subject: id, details: {} });
    res.status(204).end();
  });

  return router;
}
