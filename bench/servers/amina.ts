// Amina as the bench runs it: the real app factory and SQLite store, in a process of its own.
import type { AddressInfo } from 'node:net';
import { createApp } from '../../server/app.ts';
import { testConfig } from '../../server/config.ts';
import { openSqliteStore } from '../../server/storage/sqlite/sqliteStore.ts';
import { BENCH_ADMIN_TOKEN } from '../protocol.ts';
import { serveBench } from './ipc.ts';

const dataDir = process.argv[2];
if (!dataDir) throw new Error('usage: amina.ts <data dir> [log level] [production-limits]');
// The reconnect storm holds Amina to its documented limits: many tokens, each within its budget.
const productionLimits = process.argv[4] === 'production-limits';

const config = testConfig({
  dataDir,
  adminToken: BENCH_ADMIN_TOKEN,
  // Production logs every request at info: the bench pays for that too (the output goes to /dev/null).
  logLevel: process.argv[3] ?? 'info',
  // No tick during a run: every update a dashboard sees then answers a report the bench posted.
  retickIntervalMs: 3_600_000,
  // One reporter token posts every report of a run: a per-token write limit would measure itself.
  ...(productionLimits ? {} : { writeLimitPerToken: 1_000_000_000 }),
});

const started = performance.now();
const store = openSqliteStore(dataDir);
const app = await createApp({ config, store });
const startMs = performance.now() - started;
const reports = await store.reports.count();

await new Promise<void>((resolve) => app.httpServer.listen(0, '127.0.0.1', resolve));
const { port } = app.httpServer.address() as AddressInfo;
serveBench({ port, startMs, reports }, () => app.close());
