// Starts the real app on an ephemeral port with a real store, and gives tests real clients.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { io as connectSocket, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, ServerToClientEvents } from '../../shared/events.ts';
import type { Role, Snapshot, Update, World } from '../../shared/schemas.ts';
import { createApp, type App } from '../app.ts';
import { testConfig, type Config } from '../config.ts';
import type { Clock } from '../clock.ts';
import type { Logger } from 'pino';
import { openSqliteStore } from '../storage/sqlite/sqliteStore.ts';
import type { Store } from '../storage/store.ts';
import { checkAnswer, checkEvent } from './apiConformance.ts';

/**
 * A JSON answer as tests read it. Every answer the harness receives is checked against the OpenAPI
 * document before a test sees it (testing/apiConformance.ts), so tests may read it in any shape.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the document, not the type, checks the shape
export type Answer = any;

export type DashboardSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export const ADMIN_TOKEN = 'test-admin-token-that-is-long-enough-0123456789';

/** A clock the test moves by hand. */
export function manualClock(startIso: string): Clock & { set(iso: string): void; advance(ms: number): void } {
  let now = Date.parse(startIso);
  return {
    now: () => now,
    set: (iso) => {
      now = Date.parse(iso);
    },
    advance: (ms) => {
      now += ms;
    },
  };
}

export interface Running {
  app: App;
  url: string;
  dataDir: string;
  config: Config;
  /** fetch against the running server, with a token */
  request(method: string, urlPath: string, token: string | null, body?: unknown): Promise<{ status: number; body: Answer; headers: Headers }>;
  tokenFor(role: Role, sites?: string[]): Promise<string>;
  /** A dashboard's socket on the real picture, or with `world: 'exercise'` on a drill's. */
  connect(token: string, world?: World): Promise<{ socket: DashboardSocket; snapshot: Snapshot; updates: Update[] }>;
  stop(): Promise<void>;
}

export interface StartOptions {
  dataDir?: string;
  clock?: Clock;
  store?: Store;
  config?: Partial<Config>;
  /** a logger of the test's own, to read what the server logs */
  logger?: Logger;
  /** a fixed port, to start a server again where a stopped one listened; ephemeral when absent */
  port?: number;
}

export function tempDataDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'amina-test-'));
}

export async function startServer(options: StartOptions = {}): Promise<Running> {
  const dataDir = options.dataDir ?? tempDataDir();
  const config = testConfig({ dataDir, adminToken: ADMIN_TOKEN, retickIntervalMs: 3_600_000, ...options.config });
  const store = options.store ?? openSqliteStore(dataDir);
  const app = await createApp({ config, store, clock: options.clock, ...(options.logger ? { logger: options.logger } : {}) });
  await new Promise<void>((resolve) => app.httpServer.listen(options.port ?? 0, '127.0.0.1', resolve));
  const { port } = app.httpServer.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  const sockets: DashboardSocket[] = [];
  const eventProblems: Error[] = [];

  const request: Running['request'] = async (method, urlPath, token, body) => {
    const response = await fetch(url + urlPath, {
      method,
      headers: {
        ...(token ? { Authorization: `Bearer ${token}` } : {}),
        ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}),
      },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await response.text();
    // Every answer a test receives must be one the OpenAPI document describes.
    checkAnswer({ method, url: response.url, status: response.status, headers: response.headers, text });
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON: the test sees the text
    }
    return { status: response.status, body: parsed, headers: response.headers };
  };

  return {
    app,
    url,
    dataDir,
    config,
    request,
    async tokenFor(role, sites) {
      const answer = await request('POST', '/api/tokens', ADMIN_TOKEN, { role, sites, label: `${role} for tests` });
      if (answer.status !== 201) throw new Error(`token not issued: ${JSON.stringify(answer.body)}`);
      return answer.body.token as string;
    },
    async connect(token, world = 'real') {
      const auth = { token, ...(world === 'exercise' ? { exercise: true } : {}) };
      const socket: DashboardSocket = connectSocket(url, { auth, transports: ['websocket'], reconnection: false });
      sockets.push(socket);
      const updates: Update[] = [];
      // Every payload must be one the AsyncAPI document describes; a mismatch fails stop().
      socket.onAny((event: string, payload: unknown) => {
        try {
          checkEvent(event, payload);
        } catch (err) {
          eventProblems.push(err as Error);
        }
      });
      socket.on('update', (u) => updates.push(u));
      const snapshot = await new Promise<Snapshot>((resolve, reject) => {
        socket.once('snapshot', resolve);
        socket.once('connect_error', reject);
      });
      checkEvent('snapshot', snapshot);
      return { socket, snapshot, updates };
    },
    async stop() {
      for (const s of sockets) s.disconnect();
      await app.close();
      if (eventProblems.length) throw eventProblems[0];
    },
  };
}

/** Waits until `predicate` holds, polling; fails with `what` after `timeoutMs`. */
export async function waitFor<T>(what: string, probe: () => T | undefined | false, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
