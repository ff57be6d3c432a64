// Connected dashboards: real Socket.IO clients over the websocket transport, as wall displays use.
import { io, type Socket } from 'socket.io-client';
import type { RunningSystem } from './system.ts';

/** Connecting a thousand at once would measure the accept queue, not the server: go in batches. */
const CONNECT_BATCH = 50;

function connectOne(system: RunningSystem, token: string): Promise<Socket> {
  const socket = io(system.url, { auth: { token }, transports: ['websocket'], reconnection: false, forceNew: true });
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', (err) => {
      socket.disconnect();
      reject(new Error(`${system.name}: a dashboard could not connect: ${err.message}`));
    });
  });
}

export async function connectDashboards(system: RunningSystem, token: string, count: number): Promise<Socket[]> {
  const sockets: Socket[] = [];
  try {
    for (let i = 0; i < count; i += CONNECT_BATCH) {
      const batch = Math.min(CONNECT_BATCH, count - i);
      sockets.push(...(await Promise.all(Array.from({ length: batch }, () => connectOne(system, token)))));
    }
  } catch (err) {
    disconnectAll(sockets);
    throw err;
  }
  // Let the snapshots sent on connect drain before anything is measured.
  await new Promise((resolve) => setTimeout(resolve, 500));
  return sockets;
}

export function disconnectAll(sockets: readonly Socket[]): void {
  for (const socket of sockets) socket.disconnect();
}
