// Tokens and roles: who may do what, decided in one place.
import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import type { Role } from '../shared/schemas.ts';
import { isoSeconds } from '../shared/time.ts';
import { systemClock, type Clock } from './clock.ts';
import type { Store, TokenRecord } from './storage/store.ts';

/** Who is asking, as known from the token. */
export interface Principal {
  tokenId: string;
  role: Role;
  /** the sites a reporter may post for; empty for other roles */
  sites: readonly string[];
  label: string;
  /** a drill's token: its reports are stored as exercise data */
  exercise?: boolean;
}

/** How much each role may do; a role may do all that a lower one may (the reporter stands apart). */
const RANK: Record<Role, number> = { reporter: 0, viewer: 1, analyst: 2, coordinator: 3, admin: 4 };

/** The least role an action needs. Reporters only post reports and read their own sites. */
export type Permission = 'read' | 'acknowledge' | 'set_thresholds' | 'administer' | 'report';

const LEAST_ROLE: Record<Exclude<Permission, 'report'>, Role> = {
  read: 'viewer',
  acknowledge: 'analyst',
  set_thresholds: 'coordinator',
  administer: 'admin',
};

export function may(principal: Principal, permission: Permission): boolean {
  if (permission === 'report') return principal.role === 'reporter' || principal.role === 'admin';
  return RANK[principal.role] >= RANK[LEAST_ROLE[permission]];
}

/** A reporter posts only for the sites on its token; an admin for any. */
export function mayReportFor(principal: Principal, siteId: string): boolean {
  return principal.role === 'admin' || (principal.role === 'reporter' && principal.sites.includes(siteId));
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** 32 random bytes, base64url: unguessable, and safe in a URL fragment. */
export function newTokenSecret(): string {
  return randomBytes(32).toString('base64url');
}

/** Why a token was not let in: none like it, revoked, or past its expiry. */
export type Refusal = 'unknown' | 'revoked' | 'expired';

export type Verdict = { principal: Principal } | { refused: Refusal; expiresAt?: string };

/** What a new token is: its role, sites, label, and whether it is a drill's or expires. */
export interface TokenGrant {
  role: Role;
  sites?: string[];
  label: string;
  exercise?: boolean;
  expiresAt?: string;
}

export interface Authenticator {
  authenticate(token: string | undefined): Promise<Principal | undefined>;
  /** As authenticate, and says why a token is refused. */
  verify(token: string | undefined): Promise<Verdict>;
  /** Drops what is remembered of a token: call it when the token is revoked, here or on another instance. */
  forget(tokenId: string): void;
  issue(request: TokenGrant, nowIso: string): Promise<{ token: string; id: string }>;
  /** Issues every grant, in one transaction: all of them or none. */
  issueMany(requests: readonly TokenGrant[], nowIso: string): Promise<{ token: string; id: string }[]>;
}

export const ENV_ADMIN_TOKEN_ID = 'env-admin';

/** A token's last use is stored to this grain: a busy token writes once a minute, not per request. */
export const LAST_USED_GRAIN_MS = 60_000;

/** Why a refused token was refused, as a person reads it in a 401. */
export function refusalMessage(verdict: { refused: Refusal; expiresAt?: string }): string {
  if (verdict.refused === 'expired') return `This token expired at ${verdict.expiresAt}: ask for a new one.`;
  return 'This token is unknown or has been revoked.';
}

export interface AuthenticatorOptions {
  /**
   * How long a token that authenticated is taken on trust without a lookup (0: never). A revocation
   * made through this instance or announced by another (forget) takes effect at once; this bounds
   * how long one whose notice was lost goes unseen, so it is set to the follow interval, within
   * which an instance sees another's writes anyway.
   */
  rememberMs?: number;
  /** the tokens remembered at most; the oldest is dropped first */
  rememberAtMost?: number;
  /** the server's clock, for expiry, last use and how long a token is remembered */
  clock?: Clock;
  now?: () => number;
}

/** A principal taken on trust until `untilMs`, and never past its expiry. */
interface Remembered {
  principal: Principal;
  untilMs: number;
  expiresMs: number;
}

export function createAuthenticator(store: Store, envAdminToken: string | undefined, options: AuthenticatorOptions = {}): Authenticator {
  const { rememberMs = 0, rememberAtMost = 10_000, clock = systemClock, now = () => clock.now() } = options;
  const envAdminHash = envAdminToken ? Buffer.from(hashToken(envAdminToken), 'hex') : undefined;
  /** when this instance last stamped each token: concurrent requests of one token stamp once */
  const stamped = new Map<string, number>();
  // Every request of a busy phone carries the same token: hashing it and looking it up each time was
  // about 4 % of ingest's time (bench/README.md). Keyed by the token itself, as the request holds it;
  // only tokens that authenticated are kept, so guessing fills nothing (and a map lookup's timing
  // says nothing usable about a 256-bit secret).
  const remembered = new Map<string, Remembered>();
  let forgets = 0;

  const record = (request: TokenGrant, nowIso: string): { token: string; record: TokenRecord } => {
    const token = newTokenSecret();
    return {
      token,
      record: {
        id: randomUUID(),
        hash: hashToken(token),
        role: request.role,
        sites: request.role === 'reporter' ? (request.sites ?? []) : [],
        label: request.label,
        createdAt: nowIso,
        ...(request.exercise ? { exercise: true } : {}),
        ...(request.expiresAt ? { expiresAt: isoSeconds(Date.parse(request.expiresAt)) } : {}),
      },
    };
  };

  /** Stamps the last use, coarsely: only when the stored stamp is a minute old or more. */
  async function touch(found: TokenRecord, nowMs: number): Promise<void> {
    const grain = Math.floor(nowMs / LAST_USED_GRAIN_MS) * LAST_USED_GRAIN_MS;
    const stored = found.lastUsedAt ? Date.parse(found.lastUsedAt) : -Infinity;
    if (stored >= grain || (stamped.get(found.id) ?? -Infinity) >= grain) return;
    stamped.set(found.id, grain);
    if (stamped.size > 10_000) stamped.clear();
    // A lost stamp costs only precision in the list: a request is never refused for it.
    await store.tokens.touch(found.id, isoSeconds(grain), isoSeconds(grain)).catch(() => undefined);
  }

  /** The token as the store has it now; a principal carries when it expires, for remembering it no longer. */
  async function lookUp(token: string): Promise<Verdict & { expiresMs?: number }> {
    const hash = hashToken(token);
    // Compare digests in constant time so that response timing says nothing about the secret.
    if (envAdminHash && timingSafeEqual(envAdminHash, Buffer.from(hash, 'hex'))) {
      return { principal: { tokenId: ENV_ADMIN_TOKEN_ID, role: 'admin', sites: [], label: 'admin (HBM_ADMIN_TOKEN)' } };
    }
    // The lookup is by the SHA-256 of a 256-bit secret: its timing reveals nothing usable.
    const found = await store.tokens.findByHash(hash);
    if (!found) return { refused: 'unknown' };
    if (found.revokedAt) return { refused: 'revoked' };
    const nowMs = clock.now();
    if (found.expiresAt && Date.parse(found.expiresAt) <= nowMs) return { refused: 'expired', expiresAt: found.expiresAt };
    await touch(found, nowMs);
    return {
      principal: {
        tokenId: found.id,
        role: found.role,
        sites: found.sites,
        label: found.label,
        ...(found.exercise ? { exercise: true } : {}),
      },
      ...(found.expiresAt ? { expiresMs: Date.parse(found.expiresAt) } : {}),
    };
  }

  const withoutExpiry = (verdict: Verdict & { expiresMs?: number }): Verdict =>
    'principal' in verdict ? { principal: verdict.principal } : verdict;

  const authenticator: Authenticator = {
    async authenticate(token) {
      const verdict = await authenticator.verify(token);
      return 'principal' in verdict ? verdict.principal : undefined;
    },

    async verify(token) {
      if (!token || token.length > 512) return { refused: 'unknown' };
      if (rememberMs <= 0) return withoutExpiry(await lookUp(token));
      const known = remembered.get(token);
      if (known && known.untilMs > now() && known.expiresMs > clock.now()) return { principal: known.principal };
      remembered.delete(token);
      const forgotten = forgets;
      const verdict = await lookUp(token);
      // a revocation that came while the lookup ran may have been read before it: keep nothing then
      if ('principal' in verdict && forgotten === forgets) {
        if (remembered.size >= rememberAtMost) remembered.delete(remembered.keys().next().value!);
        remembered.set(token, { principal: verdict.principal, untilMs: now() + rememberMs, expiresMs: verdict.expiresMs ?? Infinity });
      }
      return withoutExpiry(verdict);
    },

    forget(tokenId) {
      forgets += 1;
      for (const [token, known] of remembered) if (known.principal.tokenId === tokenId) remembered.delete(token);
    },

    async issue(request, nowIso) {
      const made = record(request, nowIso);
      await store.tokens.create(made.record);
      return { token: made.token, id: made.record.id };
    },

    async issueMany(requests, nowIso) {
      const made = requests.map((r) => record(r, nowIso));
      await store.tokens.createMany(made.map((m) => m.record));
      return made.map((m) => ({ token: m.token, id: m.record.id }));
    },
  };
  return authenticator;
}

/** The token of an `Authorization: Bearer …` header, if any. */
export function bearerToken(header: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return match?.[1];
}
