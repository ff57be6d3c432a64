// Failed sign-ins per client address, counted alike for HTTP requests and socket handshakes, and
// who the client is behind proxies. Below both edges: each turns a refusal into its own answer.
import type { IncomingMessage } from 'node:http';
import { ipKeyGenerator } from 'express-rate-limit';
import proxyaddr from 'proxy-addr';
import type { Config } from './config.ts';
import type { HitCounters } from './storage/store.ts';

/** Counts failed authentications per client address, over HTTP and socket handshakes alike. */
export interface AuthFailureGuard {
  /** Seconds this address must wait before an unknown token is looked at again; 0 when it need not. */
  retryAfterSeconds(address: string): Promise<number>;
  /** Counts one failed authentication from this address. */
  failed(address: string): Promise<void>;
}

/** The message a refused address reads, over HTTP and over a socket. */
export function tooManyFailuresMessage(retryAfterSeconds: number): string {
  return `Too many requests with an unknown token from this address: wait ${retryAfterSeconds} seconds, then send a valid token.`;
}

/**
 * Failed sign-ins per client address in `counters`: the store's when instances share one, so the
 * budget is one budget however many instances an attacker spreads its guesses over.
 */
export function createAuthFailureGuard(config: Pick<Config, 'authFailureLimit' | 'authFailureWindowMs'>, counters: HitCounters): AuthFailureGuard {
  // An IPv6 client controls a whole /56: counting per address would let it rotate through them.
  const keyOf = (address: string) => `auth-failure:${ipKeyGenerator(address)}`;
  return {
    async retryAfterSeconds(address) {
      const hits = await counters.get(keyOf(address));
      if (!hits || hits.hits < config.authFailureLimit) return 0;
      return Math.max(1, Math.ceil((hits.resetAtMs - Date.now()) / 1000));
    },
    async failed(address) {
      await counters.increment(keyOf(address), config.authFailureWindowMs);
    },
  };
}

/** Express's compiled `trust proxy` setting: whether the hop at `index` with this address is a proxy we trust. */
export type TrustProxy = (address: string, index: number) => boolean;

/**
 * The client address of a Socket.IO handshake by the same rule Express applies to HTTP requests
 * (`trust proxy`, from TRUST_PROXY): X-Forwarded-For is followed only through trusted proxies.
 */
export function handshakeAddress(request: IncomingMessage, trust: TrustProxy): string {
  return proxyaddr(request, trust);
}
