// Tokens and roles: who may do what, decided in one place.
import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import type { Role } from '../shared/schemas.ts';
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

export interface Authenticator {
  authenticate(token: string | undefined): Promise<Principal | undefined>;
  /** Drops what is remembered of a token: call it when the token is revoked, here or on another instance. */
  forget(tokenId: string): void;
  issue(request: { role: Role; sites?: string[]; label: string; exercise?: boolean }, nowIso: string): Promise<{ token: string; id: string }>;
}

export const ENV_ADMIN_TOKEN_ID = 'env-admin';

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
  now?: () => number;
}

/** A principal taken on trust until `untilMs`. */
interface Remembered {
  principal: Principal;
  untilMs: number;
}

export function createAuthenticator(store: Store, envAdminToken: string | undefined, options: AuthenticatorOptions = {}): Authenticator {
  const { rememberMs = 0, rememberAtMost = 10_000, now = () => performance.now() } = options;
  const envAdminHash = envAdminToken ? Buffer.from(hashToken(envAdminToken), 'hex') : undefined;
  // Every request of a busy phone carries the same token: hashing it and looking it up each time was
  // about 4 % of ingest's time (bench/README.md). Keyed by the token itself, as the request holds it;
  // only tokens that authenticated are kept, so guessing fills nothing (and a map lookup's timing
  // says nothing usable about a 256-bit secret).
  const remembered = new Map<string, Remembered>();
  let forgets = 0;

  async function lookUp(token: string): Promise<Principal | undefined> {
    const hash = hashToken(token);
    // Compare digests in constant time so that response timing says nothing about the secret.
    if (envAdminHash && timingSafeEqual(envAdminHash, Buffer.from(hash, 'hex'))) {
      return { tokenId: ENV_ADMIN_TOKEN_ID, role: 'admin', sites: [], label: 'admin (HBM_ADMIN_TOKEN)' };
    }
    // The lookup is by the SHA-256 of a 256-bit secret: its timing reveals nothing usable.
    const record = await store.tokens.findByHash(hash);
    if (!record || record.revokedAt) return undefined;
    return {
      tokenId: record.id,
      role: record.role,
      sites: record.sites,
      label: record.label,
      ...(record.exercise ? { exercise: true } : {}),
    };
  }

  return {
    async authenticate(token) {
      if (!token || token.length > 512) return undefined;
      if (rememberMs <= 0) return lookUp(token);
      const known = remembered.get(token);
      if (known && known.untilMs > now()) return known.principal;
      remembered.delete(token);
      const forgotten = forgets;
      const principal = await lookUp(token);
      // a revocation that came while the lookup ran may have been read before it: keep nothing then
      if (principal && forgotten === forgets) {
        if (remembered.size >= rememberAtMost) remembered.delete(remembered.keys().next().value!);
        remembered.set(token, { principal, untilMs: now() + rememberMs });
      }
      return principal;
    },

    forget(tokenId) {
      forgets += 1;
      for (const [token, known] of remembered) if (known.principal.tokenId === tokenId) remembered.delete(token);
    },

    async issue(request, nowIso) {
      const token = newTokenSecret();
      const record: TokenRecord = {
        id: randomUUID(),
        hash: hashToken(token),
        role: request.role,
        sites: request.role === 'reporter' ? (request.sites ?? []) : [],
        label: request.label,
        createdAt: nowIso,
        ...(request.exercise ? { exercise: true } : {}),
      };
      await store.tokens.create(record);
      return { token, id: record.id };
    },
  };
}

/** The token of an `Authorization: Bearer …` header, if any. */
export function bearerToken(header: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return match?.[1];
}
