// Crash safety with the real entry point: SIGKILL mid-flight loses nothing acknowledged and counts
// nothing twice; SIGTERM drains requests in flight, closes sockets and exits 0.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { io as connectSocket } from 'socket.io-client';
import { afterEach, describe, expect, it } from 'vitest';
import { checkAnswer } from './testing/apiConformance.ts';
import { ADMIN_TOKEN, tempDataDir, type Answer } from './testing/harness.ts';

const ROOT = path.resolve(import.meta.dirname, '..');
const CHECKPOINTS = ['ibrahim-khalil', 'peshkhabour', 'rabia', 'al-qaim', 'al-waleed', 'trebil', 'safwan', 'haji-omaran'];

interface Child {
  process: ChildProcess;
  url: string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  output: () => string;
}

const children: Child[] = [];

afterEach(() => {
  for (const child of children.splice(0)) {
    if (child.process.exitCode === null && child.process.signalCode === null) child.process.kill('SIGKILL');
  }
});

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Starts `server/main.ts` as its own process, exactly as `npm run serve` does, and waits for health. */
async function spawnServer(dataDir: string): Promise<Child> {
  const port = await freePort();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: String(port),
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    HBM_ADMIN_TOKEN: ADMIN_TOKEN,
    LOG_LEVEL: 'silent',
    // The test posts far faster than any field client: the write limit is not under test here.
    WRITE_LIMIT_PER_TOKEN: '1000000',
  };
  delete env.DATABASE_URL;
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const url = `http://127.0.0.1:${port}`;
  const entry: Child = { process: child, url, exited, output: () => output };
  children.push(entry);
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the server exited on start:\n${output}`);
    try {
      if ((await fetch(`${url}/api/health`)).ok) return entry;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`the server did not start:\n${output}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function call(url: string, method: string, urlPath: string, token: string, body?: unknown) {
  const response = await fetch(url + urlPath, {
    method,
    headers: { Authorization: `Bearer ${token}`, ...(body ? { 'Content-Type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await response.text();
  checkAnswer({ method, url: response.url, status: response.status, headers: response.headers, text });
  return { status: response.status, body: JSON.parse(text) };
}

interface ArrivalsReport {
  id: string;
  siteId: string;
  observedAt: string;
  kind: 'arrivals';
  arrivals: number;
  periodMinutes: number;
}

function newReport(siteId: string, n: number): ArrivalsReport {
  // Within the last 24 hours of the child's clock, so every report counts in arrivals24h.
  const observedAt = new Date(Math.floor((Date.now() - 30 * 60_000) / 1000) * 1000).toISOString();
  return { id: randomUUID(), siteId, observedAt, kind: 'arrivals', arrivals: 1 + (n % 37), periodMinutes: 60 };
}

const sum = (reports: Iterable<ArrivalsReport>) => [...reports].reduce((total, r) => total + r.arrivals, 0);

describe('SIGKILL while clients post', () => {
  it('keeps every acknowledged report and counts no report twice, over several crashes', async () => {
    const dataDir = tempDataDir();
    const attempted = new Map<string, ArrivalsReport>();
    const acknowledged = new Set<string>();
    let child = await spawnServer(dataDir);
    const tokens: { token: string; sites: string[] }[] = [];
    for (let i = 0; i < 4; i++) {
      const sites = CHECKPOINTS.slice(i * 2, i * 2 + 2);
      const issued = await call(child.url, 'POST', '/api/tokens', ADMIN_TOKEN, { role: 'reporter', sites, label: `crash client ${i}` });
      tokens.push({ token: issued.body.token, sites });
    }

    /** Posts batches of 1 to 20 reports until the server goes away. */
    async function client(url: string, { token, sites }: { token: string; sites: string[] }, seed: number) {
      for (let n = seed; ; n += 7) {
        const batch = Array.from({ length: 1 + (n % 20) }, (_, k) => newReport(sites[(n + k) % sites.length]!, n + k));
        for (const r of batch) attempted.set(r.id, r);
        let answer;
        try {
          answer = await call(url, 'POST', '/api/reports', token, { reports: batch });
        } catch {
          return;
        }
        expect(answer.status).toBe(201);
        for (const id of [...answer.body.accepted, ...answer.body.duplicate]) acknowledged.add(id);
      }
    }

    /** After a restart: what the server holds must be exactly the reports it says it has. */
    async function verify(url: string) {
      const before = (await call(url, 'GET', '/api/snapshot', ADMIN_TOKEN)).body;
      const all = [...attempted.values()];
      const stored = new Set<string>();
      for (let i = 0; i < all.length; i += 500) {
        const answer = await call(url, 'POST', '/api/reports', ADMIN_TOKEN, { reports: all.slice(i, i + 500) });
        expect(answer.status).toBe(201);
        for (const id of answer.body.duplicate) stored.add(id);
      }
      // Every report answered 201 survived the crash.
      const lost = [...acknowledged].filter((id) => !stored.has(id));
      expect(lost).toEqual([]);
      // The rollups before the reposts counted each stored report once: not lost, not doubled.
      expect(before.national.arrivals24h).toBe(sum(all.filter((r) => stored.has(r.id))));
      const after = (await call(url, 'GET', '/api/snapshot', ADMIN_TOKEN)).body;
      expect(after.national.arrivals24h).toBe(sum(all));
      for (const siteId of CHECKPOINTS) {
        const site = after.sites.find((s: { id: string }) => s.id === siteId);
        expect(site.arrivals24h ?? 0).toBe(sum(all.filter((r) => r.siteId === siteId)));
      }
      const governorates = after.governorates.reduce((total: number, g: { arrivals24h: number }) => total + g.arrivals24h, 0);
      expect(governorates).toBe(after.national.arrivals24h);
      // Every attempted report is now stored and acknowledged.
      for (const r of all) acknowledged.add(r.id);
      return stored.size;
    }

    const ROUNDS = 3;
    let unanswered = 0;
    for (let round = 0; round < ROUNDS; round++) {
      const clients = tokens.map((t, i) => client(child.url, t, round * 100 + i));
      // Kill at a different moment each round, while the clients are busy.
      await new Promise((r) => setTimeout(r, 400 + round * 250));
      child.process.kill('SIGKILL');
      expect((await child.exited).signal).toBe('SIGKILL');
      await Promise.all(clients);
      // Reports sent but never answered: the crash hit requests in flight.
      unanswered += attempted.size - acknowledged.size;

      child = await spawnServer(dataDir);
      const stored = await verify(child.url);
      expect(stored).toBeGreaterThan(0);
    }

    expect(unanswered).toBeGreaterThan(0);

    // A last restart replays the whole log once more: the totals do not move.
    const total = sum(attempted.values());
    child.process.kill('SIGKILL');
    await child.exited;
    child = await spawnServer(dataDir);
    expect((await call(child.url, 'GET', '/api/snapshot', ADMIN_TOKEN)).body.national.arrivals24h).toBe(total);
    child.process.kill('SIGTERM');
    expect(await child.exited).toEqual({ code: 0, signal: null });
  }, 90_000);
});

describe('SIGTERM', () => {
  it('finishes the request in flight, closes sockets cleanly, refuses new connections, and exits 0', async () => {
    const dataDir = tempDataDir();
    const child = await spawnServer(dataDir);
    const socket = connectSocket(child.url, { auth: { token: ADMIN_TOKEN }, transports: ['websocket'], reconnection: false });
    await new Promise((resolve, reject) => {
      socket.once('snapshot', resolve);
      socket.once('connect_error', reject);
    });
    const disconnected = new Promise<string>((resolve) => socket.once('disconnect', resolve));
    // An idle keep-alive connection, as a dashboard's fetches leave behind.
    expect((await call(child.url, 'GET', '/api/snapshot', ADMIN_TOKEN)).status).toBe(200);

    // A batch whose body arrives in two halves, with SIGTERM in between: the request is in flight.
    const batch = Array.from({ length: 200 }, (_, n) => newReport(CHECKPOINTS[n % CHECKPOINTS.length]!, n));
    const body = Buffer.from(JSON.stringify({ reports: batch }));
    const answer = new Promise<{ status: number; body: Answer }>((resolve, reject) => {
      const request = http.request(`${child.url}/api/reports`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${ADMIN_TOKEN}`, 'Content-Type': 'application/json', 'Content-Length': body.length },
      });
      request.on('response', (response) => {
        let text = '';
        response.on('data', (d) => (text += d));
        response.on('end', () => resolve({ status: response.statusCode!, body: JSON.parse(text) }));
      });
      request.on('error', reject);
      request.write(body.subarray(0, body.length >> 1));
      setTimeout(() => {
        child.process.kill('SIGTERM');
        setTimeout(() => request.end(body.subarray(body.length >> 1)), 500);
      }, 300);
    });

    const done = await answer;
    const answeredAt = Date.now();
    expect(done.status).toBe(201);
    expect(done.body.accepted).toHaveLength(200);
    expect(await disconnected).toBe('io server disconnect');
    await expect(fetch(`${child.url}/api/health`)).rejects.toThrow();
    expect(await child.exited).toEqual({ code: 0, signal: null });
    // The answered request's keep-alive connection is closed by the server, not left to the client's
    // keep-alive timeout (5 s for Node's agent): the exit follows the last answer.
    expect(Date.now() - answeredAt).toBeLessThan(3000);

    const again = await spawnServer(dataDir);
    const repost = await call(again.url, 'POST', '/api/reports', ADMIN_TOKEN, { reports: batch });
    expect(repost.body.duplicate).toHaveLength(200);
    expect((await call(again.url, 'GET', '/api/snapshot', ADMIN_TOKEN)).body.national.arrivals24h).toBe(sum(batch));
    again.process.kill('SIGTERM');
    expect(await again.exited).toEqual({ code: 0, signal: null });
  }, 60_000);
});
