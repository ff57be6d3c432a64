// Socket.IO: the token in the handshake, a snapshot on connect, updates as they happen, resync on request.
import type { Server } from 'socket.io';
import type { ClientToServerEvents, ServerToClientEvents, SocketData } from '../shared/events.ts';
import type { World } from '../shared/schemas.ts';
import { may, type Authenticator } from './auth.ts';
import { handshakeAddress, tooManyFailuresMessage, type AuthFailureGuard, type TrustProxy } from './authFailures.ts';
import type { LivePicture } from './livePicture.ts';

export type AminaServer = Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;

const tokenRoom = (tokenId: string) => `token:${tokenId}`;

/** At most one snapshot per socket per this interval, however often it asks. */
export const RESYNC_INTERVAL_MS = 1000;
/** Events one socket may send per window: far above what a dashboard needs (a resync after a gap). */
export const EVENT_BUDGET = { events: 60, perMs: 10_000 };

/** A token bucket: `events` to spend, refilled evenly over `perMs`. */
function eventBudget({ events, perMs }: { events: number; perMs: number }) {
  let tokens = events;
  let lastMs = Date.now();
  return {
    spend(nowMs: number): boolean {
      tokens = Math.min(events, tokens + ((nowMs - lastMs) * events) / perMs);
      lastMs = nowMs;
      if (tokens < 1) return false;
      tokens -= 1;
      return true;
    },
  };
}
/** Each world's dashboards: a drill's updates never reach a screen watching the real picture. */
const worldRoom = (world: World) => `world:${world}`;

export interface RealtimeDeps {
  auth: Authenticator;
  live: LivePicture;
  /** counts failed handshakes with the same per-address budget as the HTTP API */
  guard?: AuthFailureGuard;
  /** who the client is behind proxies: Express's compiled `trust proxy` */
  trustProxy: TrustProxy;
}

/** A handshake refusal; `data` reaches the client's connect_error as `err.data`. */
function refused(message: string, data: Record<string, unknown>): Error & { data: Record<string, unknown> } {
  return Object.assign(new Error(message), { data });
}

export function registerRealtime(io: AminaServer, { auth, live, guard, trustProxy }: RealtimeDeps) {
  io.use(async (socket, next) => {
    const address = handshakeAddress(socket.request, trustProxy);
    const token: unknown = socket.handshake.auth?.token;
    let principal;
    let expired;
    try {
      const verdict = typeof token === 'string' ? await auth.verify(token) : undefined;
      principal = verdict && 'principal' in verdict ? verdict.principal : undefined;
      expired = verdict !== undefined && 'refused' in verdict && verdict.refused === 'expired';
    } catch {
      // A rejected promise here would escape Socket.IO and end the process: refuse, let the client retry.
      return next(refused('unavailable: the server cannot check tokens right now; try again shortly', { code: 'unavailable' }));
    }
    if (!principal) {
      // As over HTTP: an address that failed too often is slowed down, but only for unknown tokens.
      const retryAfterSeconds = (await guard?.retryAfterSeconds(address)) ?? 0;
      if (retryAfterSeconds > 0) {
        return next(refused(`rate_limited: ${tooManyFailuresMessage(retryAfterSeconds)}`, { code: 'rate_limited', retryAfterSeconds }));
      }
      if (typeof token === 'string' && token) await guard?.failed(address);
      return next(new Error(expired ? 'unauthorized: this token has expired' : 'unauthorized: send a valid token as auth: { token }'));
    }
    // Reporters post reports; the live picture is for roles that may read everything.
    if (!may(principal, 'read')) return next(new Error('forbidden: this token may not read the live picture'));
    socket.data.tokenId = principal.tokenId;
    socket.data.role = principal.role;
    // `auth: { token, exercise: true }` watches a drill's exercise world; the real picture is the default.
    socket.data.world = socket.handshake.auth?.exercise === true ? 'exercise' : 'real';
    // Join the token's room, then look once more: a revocation that landed between the lookup above
    // and the join found no socket of this token to close; one after it finds this socket in the room.
    await socket.join(tokenRoom(principal.tokenId));
    const still = await auth.authenticate(token as string).catch(() => undefined);
    if (!still) {
      await socket.leave(tokenRoom(principal.tokenId));
      return next(new Error(expired ? 'unauthorized: this token has expired' : 'unauthorized: send a valid token as auth: { token }'));
    }
    next();
  });

  io.on('connection', (socket) => {
    const world = socket.data.world;
    void socket.join([tokenRoom(socket.data.tokenId), worldRoom(world)]);
    const sendSnapshot = () => socket.emit('snapshot', live.snapshot(world));
    sendSnapshot();

    // Every event a client sends is paid from a budget; a client that spends it all is told why and
    // disconnected, so no dashboard (a viewer token is enough to have one) can keep the server busy.
    const budget = eventBudget(EVENT_BUDGET);
    socket.use((_packet, next) => {
      if (budget.spend(Date.now())) return next();
      socket.emit('refused', { code: 'too_many_events', message: `more than ${EVENT_BUDGET.events} events in ${EVENT_BUDGET.perMs / 1000} s: reconnect, and ask for a snapshot only after a gap in seq` });
      socket.disconnect(true);
    });

    // A snapshot is the whole picture: at most one a second per socket. Asks in between are merged
    // into one answer at the end of that second, so a client that asks again never goes unanswered.
    let lastSentMs = Date.now();
    let merged: NodeJS.Timeout | undefined;
    socket.on('resync', () => {
      if (merged) return;
      const waitMs = lastSentMs + RESYNC_INTERVAL_MS - Date.now();
      if (waitMs <= 0) {
        lastSentMs = Date.now();
        sendSnapshot();
        return;
      }
      merged = setTimeout(() => {
        merged = undefined;
        lastSentMs = Date.now();
        if (socket.connected) sendSnapshot();
      }, waitMs);
    });
    socket.on('disconnect', () => clearTimeout(merged));
  });

  // One serialisation per update, whatever the number of dashboards: Socket.IO encodes a broadcast once.
  live.onUpdate((update) => {
    io.local.to(worldRoom(update.world)).emit('update', update);
  });

  return {
    disconnectToken(tokenId: string) {
      io.in(tokenRoom(tokenId)).disconnectSockets(true);
    },

    /**
     * Closes this instance's connections whose token no longer authenticates: catches a revocation
     * made on another instance whose notification was lost. A store that cannot answer closes nothing.
     */
    async recheckConnections() {
      const byToken = new Map<string, { disconnect(close: boolean): void }[]>();
      for (const socket of io.of('/').sockets.values()) {
        const token: unknown = socket.handshake.auth?.token;
        if (typeof token !== 'string') continue;
        byToken.set(token, [...(byToken.get(token) ?? []), socket]);
      }
      for (const [token, sockets] of byToken) {
        if (await auth.authenticate(token)) continue;
        for (const socket of sockets) socket.disconnect(true);
      }
    },
  };
}
