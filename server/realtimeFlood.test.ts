// A dashboard's socket cannot keep the server busy: snapshots are merged to one a second, and a
// socket that sends too many events is told why and closed.
import { io as connectSocket } from 'socket.io-client';
import { afterEach, describe, expect, it } from 'vitest';
import type { DashboardSocket } from './testing/harness.ts';
import { manualClock, startServer, type Running } from './testing/harness.ts';
import { EVENT_BUDGET } from './realtime.ts';

let running: Running | undefined;
const sockets: DashboardSocket[] = [];
afterEach(async () => {
  for (const s of sockets.splice(0)) s.disconnect();
  await running?.stop();
  running = undefined;
});

async function start() {
  running = await startServer({ clock: manualClock('2026-11-28T12:00:00Z') });
  return running;
}

function open(url: string, token: string, reconnection = false): DashboardSocket {
  const socket: DashboardSocket = connectSocket(url, { auth: { token }, transports: ['websocket'], reconnection, reconnectionDelay: 50 });
  sockets.push(socket);
  return socket;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('resync', () => {
  it('answers a burst of resyncs with one snapshot a second at most, and never leaves the last ask unanswered', async () => {
    const server = await start();
    const viewer = await server.tokenFor('viewer');
    const socket = open(server.url, viewer);
    const snapshots: number[] = [];
    socket.on('snapshot', () => snapshots.push(Date.now()));
    await new Promise<void>((resolve) => socket.once('snapshot', () => resolve()));
    for (let i = 0; i < 30; i++) socket.emit('resync');
    await sleep(1500);
    // the snapshot on connect, and one answer for the 30 asks, a second after the first
    expect(snapshots).toHaveLength(2);
    expect(snapshots[1]! - snapshots[0]!).toBeGreaterThanOrEqual(900);
    expect(socket.connected).toBe(true);
  });
});

describe('the event budget', () => {
  it('tells a socket that sends too many events why, and closes it', async () => {
    const server = await start();
    const viewer = await server.tokenFor('viewer');
    const socket = open(server.url, viewer);
    await new Promise<void>((resolve) => socket.once('snapshot', () => resolve()));
    const told = new Promise<{ code: string; message: string }>((resolve) => socket.once('refused', resolve));
    const closed = new Promise<string>((resolve) => socket.once('disconnect', resolve));
    for (let i = 0; i < EVENT_BUDGET.events + 10; i++) socket.emit('resync');
    expect(await told).toMatchObject({ code: 'too_many_events', message: expect.stringMatching(/more than \d+ events/) });
    expect(await closed).toBe('io server disconnect');
  });

  it('keeps /api/health fast while ten sockets flood the server with resyncs', async () => {
    const server = await start();
    const viewer = await server.tokenFor('viewer');
    // each floods, is closed, reconnects and floods again: the worst a viewer token can do
    const flooders = Array.from({ length: 10 }, () => open(server.url, viewer, true));
    let flooding = true;
    const flood = (async () => {
      while (flooding) {
        for (const s of flooders) if (s.connected) for (let i = 0; i < 50; i++) s.emit('resync');
        await sleep(5);
      }
    })();
    await sleep(300);
    const latencies: number[] = [];
    const until = Date.now() + 3000;
    while (Date.now() < until) {
      const started = performance.now();
      const answer = await fetch(`${server.url}/api/health`);
      await answer.text();
      latencies.push(performance.now() - started);
      await sleep(20);
    }
    flooding = false;
    await flood;
    latencies.sort((a, b) => a - b);
    const p95 = latencies[Math.floor(latencies.length * 0.95)]!;
    expect(latencies.length).toBeGreaterThan(50);
    expect(p95, `health p95 ${p95.toFixed(1)} ms, max ${latencies.at(-1)!.toFixed(1)} ms`).toBeLessThan(100);
  }, 20_000);
});
