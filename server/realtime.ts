// Socket.IO: the token in the handshake, a snapshot on connect, updates as they happen, resync on request.
import type { Server } from 'socket.io';
import type { ClientToServerEvents, ServerToClientEvents, SocketData } from '../shared/events.ts';
import { may, type Authenticator } from './auth.ts';
import type { LivePicture } from './livePicture.ts';

export type AminaServer = Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;

const tokenRoom = (tokenId: string) => `token:${tokenId}`;

export interface RealtimeDeps {
  auth: Authenticator;
  live: LivePicture;
}

export function registerRealtime(io: AminaServer, { auth, live }: RealtimeDeps) {
  io.use(async (socket, next) => {
    const token: unknown = socket.handshake.auth?.token;
    const principal = typeof token === 'string' ? await auth.authenticate(token) : undefined;
    if (!principal) return next(new Error('unauthorized: send a valid token as auth: { token }'));
    // Reporters post reports; the live picture is for roles that may read everything.
    if (!may(principal, 'read')) return next(new Error('forbidden: this token may not read the live picture'));
    socket.data.tokenId = principal.tokenId;
    socket.data.role = principal.role;
    next();
  });

  io.on('connection', (socket) => {
    void socket.join(tokenRoom(socket.data.tokenId));
    socket.emit('snapshot', live.snapshot());
    socket.on('resync', () => {
      socket.emit('snapshot', live.snapshot());
    });
  });

  // One serialisation per update, whatever the number of dashboards: Socket.IO encodes a broadcast once.
  live.onUpdate((update) => {
    io.local.emit('update', update);
  });

  return {
    disconnectToken(tokenId: string) {
      io.in(tokenRoom(tokenId)).disconnectSockets(true);
    },
  };
}
