// The edge, end to end: security headers, CORS, rate limits on guessing and on writes, and the log.
import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import type { AddressInfo } from 'node:net';
import { io as connectSocket } from 'socket.io-client';
import { afterEach, describe, expect, it } from 'vitest';
import { createApp, createLogger, type App } from './app.ts';
import { testConfig, type Config } from './config.ts';
import { openSqliteStore } from './storage/sqlite/sqliteStore.ts';
import { ADMIN_TOKEN, manualClock, startServer, tempDataDir, type Answer, type Running } from './testing/harness.ts';

const NOW = '2026-11-28T12:00:00Z';
let running: Running[] = [];
let apps: App[] = [];

async function start(config: Partial<Config> = {}) {
  const server = await startServer({ clock: manualClock(NOW), config });
  running.push(server);
  return server;
}

afterEach(async () => {
  for (const server of running) await server.stop();
  for (const app of apps) await app.close();
  running = [];
  apps = [];
});

function arrivals(siteId: string, count: number) {
  return { id: randomUUID(), siteId, observedAt: '2026-11-28T11:30:00Z', kind: 'arrivals', arrivals: count, periodMinutes: 60 };
}

/** Resolves with the handshake error's message, or 'connected'. */
function handshake(url: string, token: unknown, headers: Record<string, string> = {}): Promise<{ message: string; data?: Answer }> {
  return new Promise((resolve) => {
    const socket = connectSocket(url, { auth: { token }, transports: ['websocket'], reconnection: false, extraHeaders: headers });
    socket.once('connect', () => {
      socket.disconnect();
      resolve({ message: 'connected' });
    });
    socket.once('connect_error', (err: Error & { data?: unknown }) => {
      socket.disconnect();
      resolve({ message: err.message, data: err.data });
    });
  });
}

describe('security headers', () => {
  it('sends a CSP that allows only the dashboard itself, its socket and the map workers, and no x-powered-by', async () => {
    const server = await start();
    for (const path of ['/api/health', '/', '/api/snapshot']) {
      const answer = await fetch(server.url + path);
      expect(answer.headers.get('x-powered-by')).toBeNull();
      const csp = answer.headers.get('content-security-policy') ?? '';
      const directives = Object.fromEntries(
        csp.split(';').map((d) => {
          const [name, ...values] = d.trim().split(/\s+/);
          return [name, values.join(' ')];
        }),
      );
      expect(directives).toMatchObject({
        'default-src': "'self'",
        'script-src': "'self'",
        'style-src': "'self'",
        'connect-src': "'self' ws: wss:",
        'worker-src': "'self' blob:",
        'child-src': 'blob:',
        'img-src': "'self' data: blob:",
        'object-src': "'none'",
        'frame-ancestors': "'none'",
      });
      expect(csp).not.toContain('unsafe');
      expect(answer.headers.get('x-frame-options')).toBe('DENY');
      expect(answer.headers.get('x-content-type-options')).toBe('nosniff');
      expect(answer.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    }
  });
});

describe('CORS', () => {
  it('is closed by default: no origin is ever allowed', async () => {
    const server = await start();
    const answer = await fetch(`${server.url}/api/snapshot`, { headers: { Origin: 'https://evil.example', Authorization: `Bearer ${ADMIN_TOKEN}` } });
    expect(answer.headers.get('access-control-allow-origin')).toBeNull();
    const preflight = await fetch(`${server.url}/api/reports`, {
      method: 'OPTIONS',
      headers: { Origin: 'https://evil.example', 'Access-Control-Request-Method': 'POST' },
    });
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
    const socketPreflight = await fetch(`${server.url}/socket.io/?EIO=4&transport=polling`, { headers: { Origin: 'https://evil.example' } });
    expect(socketPreflight.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('allows exactly the configured origins', async () => {
    const server = await start({ corsOrigins: ['https://partner.example'] });
    const preflight = await fetch(`${server.url}/api/reports`, {
      method: 'OPTIONS',
      headers: { Origin: 'https://partner.example', 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'authorization,content-type' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('https://partner.example');
    expect(preflight.headers.get('access-control-allow-headers')).toMatch(/Authorization/);
    const read = await fetch(`${server.url}/api/snapshot`, { headers: { Origin: 'https://partner.example', Authorization: `Bearer ${ADMIN_TOKEN}` } });
    expect(read.status).toBe(200);
    expect(read.headers.get('access-control-allow-origin')).toBe('https://partner.example');
    expect(read.headers.get('vary')).toMatch(/Origin/);
    const other = await fetch(`${server.url}/api/snapshot`, { headers: { Origin: 'https://partner.example.evil', Authorization: `Bearer ${ADMIN_TOKEN}` } });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('failed authentication is rate limited per client address, and only for unknown tokens', () => {
  it('answers 429 with Retry-After to unknown tokens from an address that failed too often, while valid tokens from it work', async () => {
    const server = await start({ authFailureLimit: 5, authFailureWindowMs: 60_000 });
    const viewer = await server.tokenFor('viewer');
    const attacker = { 'X-Forwarded-For': '203.0.113.7' };
    const get = (token: string, headers: Record<string, string>) =>
      fetch(`${server.url}/api/snapshot`, { headers: { Authorization: `Bearer ${token}`, ...headers } });
    for (let i = 0; i < 5; i++) expect((await get(`guess-${i}`, attacker)).status).toBe(401);
    const limited = await get('guess-5', attacker);
    expect(limited.status).toBe(429);
    const retryAfter = Number(limited.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
    const body = await limited.json();
    expect(body.error).toMatchObject({ code: 'rate_limited', message: expect.stringMatching(/wait \d+ seconds/) });
    // Phones behind one carrier NAT share the attacker's address: their valid tokens keep working.
    expect((await get(ADMIN_TOKEN, attacker)).status).toBe(200);
    expect((await get(viewer, attacker)).status).toBe(200);
    // The socket handshake shares the budget: an unknown token is slowed down, a valid one connects.
    const refused = await handshake(server.url, 'guess-6', attacker);
    expect(refused.message).toMatch(/^rate_limited/);
    expect(refused.data).toMatchObject({ code: 'rate_limited', retryAfterSeconds: expect.any(Number) });
    expect((await handshake(server.url, viewer, attacker)).message).toBe('connected');
    // Other addresses are not affected, and missing tokens are not guesses.
    expect((await get('guess-x', { 'X-Forwarded-For': '198.51.100.1' })).status).toBe(401);
    expect((await server.request('GET', '/api/health', null)).status).toBe(200);
  });

  it('counts failed socket handshakes toward the same limit', async () => {
    const server = await start({ authFailureLimit: 3, authFailureWindowMs: 60_000 });
    const attacker = { 'X-Forwarded-For': '203.0.113.9' };
    for (let i = 0; i < 3; i++) expect((await handshake(server.url, `guess-${i}`, attacker)).message).toMatch(/^unauthorized/);
    const limited = await fetch(`${server.url}/api/snapshot`, { headers: { Authorization: 'Bearer guess-4', ...attacker } });
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toMatch(/^\d+$/);
  });

  it('believes X-Forwarded-For only from the proxies TRUST_PROXY names', async () => {
    // Default (loopback): the test client is a proxy on this host, so each forwarded client counts alone.
    const trusting = await start({ authFailureLimit: 2, authFailureWindowMs: 60_000 });
    for (const client of ['203.0.113.1', '203.0.113.2']) {
      for (let i = 0; i < 2; i++) await fetch(`${trusting.url}/api/snapshot`, { headers: { Authorization: 'Bearer guess', 'X-Forwarded-For': client } });
    }
    const third = await fetch(`${trusting.url}/api/snapshot`, { headers: { Authorization: 'Bearer guess', 'X-Forwarded-For': '203.0.113.3' } });
    expect(third.status).toBe(401);
    // TRUST_PROXY=false: the header is anyone's to write, so the connection's address is the client.
    const wary = await start({ authFailureLimit: 2, authFailureWindowMs: 60_000, trustProxy: false });
    for (const client of ['203.0.113.1', '203.0.113.2']) {
      await fetch(`${wary.url}/api/snapshot`, { headers: { Authorization: 'Bearer guess', 'X-Forwarded-For': client } });
    }
    const spoofed = await fetch(`${wary.url}/api/snapshot`, { headers: { Authorization: 'Bearer guess', 'X-Forwarded-For': '203.0.113.3' } });
    expect(spoofed.status).toBe(429);
    expect(await handshake(wary.url, 'guess', { 'X-Forwarded-For': '203.0.113.4' })).toMatchObject({ message: expect.stringMatching(/^rate_limited/) });
  });
});

describe('writes are rate limited per token', () => {
  it('takes a burst of hundreds of single reports with the default limit', async () => {
    const server = await start();
    const reporter = await server.tokenFor('reporter', ['ibrahim-khalil']);
    const flush = Array.from({ length: 300 }, () => arrivals('ibrahim-khalil', 1));
    const statuses: number[] = [];
    // An offline queue flushes a few at a time.
    for (let i = 0; i < flush.length; i += 10) {
      const answers = await Promise.all(flush.slice(i, i + 10).map((r) => server.request('POST', '/api/reports', reporter, r)));
      statuses.push(...answers.map((a) => a.status));
    }
    expect(statuses.every((s) => s === 201)).toBe(true);
    expect((await server.request('GET', '/api/snapshot', ADMIN_TOKEN)).body.national.arrivals24h).toBe(300);
  });

  it('stops a runaway client with 429 and Retry-After, without slowing other tokens or reads', async () => {
    const server = await start({ writeLimitPerToken: 20, writeLimitWindowMs: 60_000 });
    const runaway = await server.tokenFor('reporter', ['ibrahim-khalil']);
    const other = await server.tokenFor('reporter', ['ibrahim-khalil']);
    const statuses: number[] = [];
    for (let i = 0; i < 25; i++) statuses.push((await server.request('POST', '/api/reports', runaway, arrivals('ibrahim-khalil', 1))).status);
    expect(statuses.slice(0, 20).every((s) => s === 201)).toBe(true);
    expect(statuses.slice(20).every((s) => s === 429)).toBe(true);
    const limited = await server.request('POST', '/api/reports', runaway, arrivals('ibrahim-khalil', 1));
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(limited.body.error.code).toBe('rate_limited');
    expect((await server.request('GET', '/api/sites', runaway)).status).toBe(200);
    expect((await server.request('POST', '/api/reports', other, arrivals('ibrahim-khalil', 1))).status).toBe(201);
    // The refused writes stored nothing.
    expect((await server.request('GET', '/api/snapshot', ADMIN_TOKEN)).body.national.arrivals24h).toBe(21);
  });
});

describe('the log', () => {
  it('is JSON with request ids, and never holds a token', async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _encoding, done) {
        lines.push(...String(chunk).split('\n').filter(Boolean));
        done();
      },
    });
    const dataDir = tempDataDir();
    const config = testConfig({ dataDir, adminToken: ADMIN_TOKEN, logLevel: 'debug', databaseUrl: 'postgres://amina:hunter2-secret@db/amina' });
    // The app's own logger (redaction included), written to a stream the test reads.
    const app = await createApp({ config, store: openSqliteStore(dataDir), clock: manualClock(NOW), logger: createLogger('debug', sink) });
    apps.push(app);
    await new Promise<void>((resolve) => app.httpServer.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(app.httpServer.address() as AddressInfo).port}`;

    const issued = await (
      await fetch(`${url}/api/tokens`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${ADMIN_TOKEN}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ role: 'reporter', sites: ['ibrahim-khalil'], label: 'IK day shift' }),
      })
    ).json();
    const reporter: string = issued.token;
    const posted = await fetch(`${url}/api/reports`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${reporter}`, 'Content-Type': 'application/json' },
      body: JSON.stringify(arrivals('ibrahim-khalil', 3)),
    });
    expect(posted.status).toBe(201);
    await fetch(`${url}/api/snapshot`, { headers: { Authorization: `Bearer ${reporter}-wrong` } });
    // Log lines a careless change could leak a token into: an object with the token, and a request.
    app.logger.info({ token: reporter, headers: { authorization: `Bearer ${reporter}` }, config }, 'a careless log line');
    await handshake(url, reporter);

    expect(lines.length).toBeGreaterThan(3);
    const entries = lines.map((line) => JSON.parse(line));
    const requests = entries.filter((e) => e.msg === 'request');
    expect(requests.map((e) => e.path)).toEqual(['/api/tokens', '/api/reports', '/api/snapshot']);
    for (const e of requests) expect(e.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(requests[1].tokenId).toBe(issued.id);
    const all = lines.join('\n');
    for (const secret of [reporter, ADMIN_TOKEN, 'hunter2-secret']) expect(all).not.toContain(secret);
    expect(all).toContain('[redacted]');
  });
});
