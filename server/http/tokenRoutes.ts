// Tokens: issue one or a governorate's batch, list them (never the secret), revoke one or many.
// Every route is the admin's; every change lands in the audit log.
import { Router, type Response } from 'express';
import {
  TokenBatchRequest,
  TokenListQuery,
  TokenRequest,
  TokenRevokeRequest,
  type Site,
  type TokenInfo,
  type TokenState,
} from '../../shared/schemas.ts';
import { isoSeconds } from '../../shared/time.ts';
import type { AuditEvent, AuditLog } from '../audit.ts';
import type { Authenticator } from '../auth.ts';
import type { Clock } from '../clock.ts';
import type { LivePicture } from '../livePicture.ts';
import type { Store, TokenRecord } from '../storage/store.ts';
import { ApiError, invalidBody, notFound } from './apiError.ts';
import { allow, principalOf } from './middleware.ts';

export interface TokenDeps {
  store: Store;
  live: LivePicture;
  clock: Clock;
  auth: Authenticator;
  audit: AuditLog;
  /** closes the live connections of a revoked token, on every instance */
  disconnectToken: (tokenId: string) => void;
}

/** Longest label a token takes (TokenRequest): a batch's "<label> · <site>" is cut to it. */
const MAX_LABEL = 100;

export function tokenState(token: TokenRecord, nowMs: number): TokenState {
  if (token.revokedAt) return 'revoked';
  if (token.expiresAt && Date.parse(token.expiresAt) <= nowMs) return 'expired';
  return 'active';
}

/** A token as it is listed: everything but its hash (the secret itself is stored nowhere). */
function tokenInfo(token: TokenRecord, nowMs: number): TokenInfo {
  return {
    id: token.id,
    role: token.role,
    sites: token.sites,
    label: token.label,
    createdAt: token.createdAt,
    ...(token.expiresAt ? { expiresAt: token.expiresAt } : {}),
    ...(token.revokedAt ? { revokedAt: token.revokedAt } : {}),
    ...(token.lastUsedAt ? { lastUsedAt: token.lastUsedAt } : {}),
    ...(token.exercise ? { exercise: true } : {}),
    state: tokenState(token, nowMs),
  };
}

export function tokenRoutes(deps: TokenDeps): Router {
  const { store, live, clock, auth, audit, disconnectToken } = deps;
  const router = Router();
  const record = (res: Response, event: Omit<AuditEvent, 'requestId'>) =>
    audit.record(principalOf(res), { ...event, requestId: String(res.getHeader('x-request-id') ?? '') });

  /** An expiry must lie ahead: a token born expired is a mistake, not a choice. */
  const checkExpiry = (expiresAt: string | undefined) => {
    if (expiresAt !== undefined && Date.parse(expiresAt) <= clock.now()) {
      throw new ApiError(422, 'unprocessable', `Cannot issue: expiresAt ${expiresAt} is not in the future.`, [
        { field: 'expiresAt', message: 'must be in the future' },
      ]);
    }
  };

  router.get('/tokens', allow('administer'), async (req, res) => {
    const parsed = TokenListQuery.safeParse(req.query);
    if (!parsed.success) throw invalidBody(parsed.error, 'query');
    const { role, state, site, q } = parsed.data;
    const needle = q?.trim().toLowerCase();
    const nowMs = clock.now();
    const listed = (await store.tokens.list())
      .map((t) => tokenInfo(t, nowMs))
      .filter(
        (t) =>
          (!role || t.role === role) &&
          (!state || t.state === state) &&
          (!site || t.sites.includes(site)) &&
          (!needle || t.label.toLowerCase().includes(needle) || t.id.includes(needle) || t.sites.some((s) => s.includes(needle))),
      );
    // Newest first: the token just issued is at the top.
    listed.reverse();
    res.json(listed);
  });

  router.post('/tokens', allow('administer'), async (req, res) => {
    const parsed = TokenRequest.safeParse(req.body);
    if (!parsed.success) throw invalidBody(parsed.error, 'token request');
    const unknown = (parsed.data.sites ?? []).filter((id) => !live.site(id));
    if (unknown.length) {
      throw new ApiError(
        422,
        'unprocessable',
        `Unknown site "${unknown[0]}".`,
        unknown.map((id) => ({ field: 'sites', message: `no site has the id "${id}"` })),
      );
    }
    checkExpiry(parsed.data.expiresAt);
    const issued = await auth.issue(parsed.data, isoSeconds(clock.now()));
    // The new token's id, role, sites and label; the secret itself is answered once and kept nowhere.
    await record(res, {
      action: 'token.create',
      subject: issued.id,
      details: {
        role: parsed.data.role,
        label: parsed.data.label,
        sites: parsed.data.role === 'reporter' ? (parsed.data.sites ?? []) : [],
        ...(parsed.data.expiresAt ? { expiresAt: isoSeconds(Date.parse(parsed.data.expiresAt)) } : {}),
      },
    });
    res.status(201).json(issued);
  });

  router.post('/tokens/batch', allow('administer'), async (req, res) => {
    const parsed = TokenBatchRequest.safeParse(req.body);
    if (!parsed.success) throw invalidBody(parsed.error, 'batch of tokens');
    const { governorate, kinds, label, expiresAt, exercise } = parsed.data;
    checkExpiry(expiresAt);
    // a closed site takes no report, so it gets no token
    const sites: Site[] = live.sites().filter((s) => !s.closedAt && s.governorate === governorate && (!kinds || kinds.includes(s.kind)));
    if (sites.length === 0) {
      throw new ApiError(422, 'unprocessable', `Governorate ${governorate} has no sites${kinds ? ` of kind ${kinds.join(', ')}` : ''}.`, [
        { field: kinds ? 'kinds' : 'governorate', message: 'selects no site' },
      ]);
    }
    const grants = sites.map((s) => ({
      role: 'reporter' as const,
      sites: [s.id],
      label: `${label} · ${s.nameEn}`.slice(0, MAX_LABEL),
      ...(expiresAt ? { expiresAt } : {}),
      ...(exercise ? { exercise } : {}),
    }));
    // One transaction: a failure on any token issues none.
    const issued = await auth.issueMany(grants, isoSeconds(clock.now()));
    for (const [i, token] of issued.entries()) {
      await record(res, {
        action: 'token.create',
        subject: token.id,
        details: { role: 'reporter', label: grants[i]!.label, sites: grants[i]!.sites, batch: governorate, ...(expiresAt ? { expiresAt } : {}) },
      });
    }
    res.status(201).json({ tokens: issued.map((t, i) => ({ ...t, siteId: sites[i]!.id, label: grants[i]!.label })) });
  });

  router.post('/tokens/revoke', allow('administer'), async (req, res) => {
    const parsed = TokenRevokeRequest.safeParse(req.body);
    if (!parsed.success) throw invalidBody(parsed.error, 'revocation');
    const ids = [...new Set(parsed.data.ids)];
    const { missing } = await store.tokens.revokeMany(ids, isoSeconds(clock.now()));
    if (missing.length) {
      throw new ApiError(
        422,
        'unprocessable',
        `No token has the id "${missing[0]}": none was revoked.`,
        missing.map((id) => ({ field: `ids[${parsed.data.ids.indexOf(id)}]`, message: `no token has the id "${id}"` })),
      );
    }
    for (const id of ids) disconnectToken(id);
    for (const id of ids) await record(res, { action: 'token.revoke', subject: id, details: { batch: ids.length } });
    res.json({ revoked: ids });
  });

  router.delete('/tokens/:id', allow('administer'), async (req, res) => {
    if (!(await store.tokens.revoke(String(req.params.id), isoSeconds(clock.now())))) throw notFound(`Token "${String(req.params.id)}"`);
    disconnectToken(String(req.params.id));
    await record(res, { action: 'token.revoke', subject: String(req.params.id), details: {} });
    res.status(204).end();
  });

  return router;
}
