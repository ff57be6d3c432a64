// The live feed: the only writer of live data into the store. Snapshot on connect, updates in seq
// order; a gap in seq or a reconnect asks for a fresh snapshot with `resync`.
import { io, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, ServerToClientEvents } from '../../shared/events.ts';
import { Snapshot, Update } from '../../shared/schemas.ts';
import { useDashboard } from '../store/store.ts';
import { getToken } from './session.ts';
import { isOfViewedWorld, viewedWorld } from './world.ts';

export type DashboardSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/**
 * What to do with an update numbered `incoming` when the store holds `current`: apply the next one,
 * ignore one already applied, and ask for a fresh snapshot on a gap (an update was lost).
 */
export function updateAction(current: number | null, incoming: number, awaitingSnapshot: boolean): 'apply' | 'ignore' | 'resync' {
  if (awaitingSnapshot) return 'ignore';
  if (current !== null && incoming <= current) return 'ignore';
  return current !== null && incoming === current + 1 ? 'apply' : 'resync';
}

/** Connects with the device's token and feeds the store; returns a function that disconnects. */
export function startRealtime(): () => void {
  const token = getToken();
  const { setAuthProblem, setConnection } = useDashboard.getState();
  if (!token) {
    setAuthProblem('missing');
    return () => {};
  }
  // A screen opened with ?exercise watches the drill's world; every other screen the real one.
  const world = viewedWorld();
  const exercise = world === 'exercise';
  const socket: DashboardSocket = io({ auth: { token, ...(exercise ? { exercise: true } : {}) }, transports: ['websocket'] });
  let awaitingSnapshot = true;

  const resync = () => {
    awaitingSnapshot = true;
    socket.emit('resync');
  };

  socket.on('connect', () => setConnection('live'));
  socket.on('disconnect', (reason) => {
    setConnection('lost');
    // The server closed this connection on purpose (a revoked token, say): Socket.IO will not retry
    // by itself, so ask once more; a refused handshake then says why.
    if (reason === 'io server disconnect') socket.connect();
  });
  socket.on('connect_error', (error) => {
    // The server refuses the handshake with "unauthorized: …" or "forbidden: …": retrying cannot help.
    if (/^(unauthorized|forbidden)/.test(error.message)) {
      setAuthProblem('unauthorized');
      socket.disconnect();
    } else {
      setConnection('lost');
    }
  });
  socket.io.on('reconnect', resync);

  // While the screen shows the past, the live feed waits: nothing it sends is applied, and on the
  // way back to LIVE a fresh snapshot replaces the past picture.
  const inPast = () => useDashboard.getState().pastAt !== null;
  const stopWatchingPast = useDashboard.subscribe((state, previous) => {
    if (previous.pastAt !== null && state.pastAt === null) resync();
  });

  socket.on('snapshot', (payload) => {
    if (inPast()) {
      awaitingSnapshot = true;
      return;
    }
    const parsed = Snapshot.safeParse(payload);
    // Another world's picture is dropped, and the screen keeps waiting for its own.
    if (!parsed.success || !isOfViewedWorld(parsed.data, world)) return;
    awaitingSnapshot = false;
    useDashboard.getState().applySnapshot(parsed.data);
  });

  socket.on('update', (payload) => {
    if (inPast()) {
      awaitingSnapshot = true;
      return;
    }
    const parsed = Update.safeParse(payload);
    if (!parsed.success || !isOfViewedWorld(parsed.data, world)) return;
    const action = updateAction(useDashboard.getState().seq, parsed.data.seq, awaitingSnapshot);
    if (action === 'resync') resync();
    else if (action === 'apply') useDashboard.getState().applyUpdate(parsed.data);
  });

  return () => {
    stopWatchingPast();
    socket.io.off('reconnect', resync);
    socket.disconnect();
  };
}
