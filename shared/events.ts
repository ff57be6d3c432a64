// The one typed Socket.IO event map: the server uses Server<ClientToServerEvents, ServerToClientEvents>,
// the client Socket<ServerToClientEvents, ClientToServerEvents>, so the two cannot drift apart.
import type { Snapshot, Update, World } from './schemas.ts';

export interface ServerToClientEvents {
  /** the whole picture of the connection's world: on connect, and in answer to `resync` */
  snapshot: (snapshot: Snapshot) => void;
  /** what changed since the previous update; `seq` rises by one each time */
  update: (update: Update) => void;
  /** sent just before the server closes a connection that sent too many events, saying why */
  refused: (reason: { code: 'too_many_events'; message: string }) => void;
}

export interface ClientToServerEvents {
  /** ask for a fresh `snapshot` (after a gap in `seq` or a reconnect) */
  resync: () => void;
}

export interface SocketData {
  tokenId: string;
  role: string;
  /** the picture this connection watches: `auth: { token, exercise: true }` asks for a drill's */
  world: World;
}
