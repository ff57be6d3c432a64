// Start-up: a store holding many reports, written in bulk, and the time to rebuild the picture from it.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { openSqliteStore } from '../server/storage/sqlite/sqliteStore.ts';
import { reportContent } from '../server/storage/rows.ts';
import type { Site, StoredReport } from '../shared/schemas.ts';
import { isoSeconds } from '../shared/time.ts';
import { withSystem, type SystemOptions } from './system.ts';
import { fixtures } from './workload.ts';

/** The log spans this much time before now, as a month of field reports would. */
const SPAN_MS = 30 * 24 * 3_600_000;
const INSERT_BATCH = 100_000;

/** A small fixed-seed generator: the same store every run, without Math.random's state. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/**
 * A version 7 UUID for `ms`: time-ordered, so that rows written in time order append to the unique
 * index on id instead of scattering over it, which keeps a million inserts to seconds.
 */
function timeOrderedId(ms: number, random: () => number): string {
  const time = ms.toString(16).padStart(12, '0');
  const a = Math.floor(random() * 0x1000).toString(16).padStart(3, '0');
  const b = (0x8000 | Math.floor(random() * 0x4000)).toString(16);
  const c = Math.floor(random() * 0x1000000).toString(16).padStart(6, '0');
  const d = Math.floor(random() * 0x1000000).toString(16).padStart(6, '0');
  return `${time.slice(0, 8)}-${time.slice(8)}-7${a}-${b}-${c}${d}`;
}

function reportFor(site: Site, observedMs: number, random: () => number): StoredReport {
  const base = { id: timeOrderedId(observedMs, random), siteId: site.id, observedAt: isoSeconds(observedMs) };
  const receivedAt = isoSeconds(observedMs + Math.floor(random() * 120_000));
  switch (site.kind) {
    case 'checkpoint':
      return { ...base, kind: 'arrivals', arrivals: Math.floor(random() * 40), periodMinutes: 60, receivedAt };
    case 'shelter':
      return { ...base, kind: 'occupancy', occupancy: Math.floor(random() * 0.85 * (site.capacity ?? 1000)), receivedAt };
    case 'health_post': {
      const roll = random();
      return { ...base, kind: 'health', status: roll < 0.9 ? 'operational' : roll < 0.98 ? 'limited' : 'closed', receivedAt };
    }
  }
}

/**
 * Writes `count` reports spread over the last 30 days, in time order, to a new Amina store. The
 * store's own migrations make the schema (the store is opened and seeded first); the rows are then
 * written in bulk, the way the store would write them, without its per-batch durability.
 */
export async function seedStore(count: number, nowMs: number): Promise<string> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'amina-bench-startup-'));
  const store = openSqliteStore(dataDir);
  await store.init({ sites: fixtures.sites, thresholds: fixtures.thresholds });
  await store.close();

  const db = new Database(path.join(dataDir, 'amina.sqlite'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = OFF');
  db.pragma('cache_size = -262144');
  const insert = db.prepare(
    `INSERT INTO reports (id, site_id, kind, observed_ms, received_at, exercise, content)
     VALUES (?, ?, ?, ?, ?, 0, ?)`,
  );
  const random = seededRandom(20261128);
  const sites = fixtures.sites;
  const startMs = nowMs - SPAN_MS;
  // Made and written one at a time: holding a batch of report objects only feeds the collector.
  const insertRange = db.transaction((from: number, to: number) => {
    for (let i = from; i < to; i++) {
      const site = sites[Math.floor(random() * sites.length)]!;
      const r = reportFor(site, startMs + Math.floor((i / count) * SPAN_MS), random);
      insert.run(r.id, r.siteId, r.kind, Date.parse(r.observedAt), r.receivedAt, reportContent(r));
    }
  });
  // The secondary indexes are dropped for the bulk write and rebuilt after, from the store's own
  // definitions: building an index once, sorted, is far cheaper than a million scattered updates.
  const indexes = db
    .prepare<[], { name: string; sql: string }>("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'reports' AND sql IS NOT NULL")
    .all();
  for (const index of indexes) db.exec(`DROP INDEX ${index.name}`);
  for (let done = 0; done < count; done += INSERT_BATCH) insertRange(done, Math.min(count, done + INSERT_BATCH));
  for (const index of indexes) db.exec(index.sql);
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
  return dataDir;
}

export interface StartupFigures {
  startMs: number;
  reports: number;
}

/**
 * Amina: open the store and build the app, whose live picture replays the whole log. The baseline:
 * read and parse every row of the same file, the least any rebuild must do.
 */
export async function measureStartup(name: 'amina' | 'baseline', dataDir: string, profile: Pick<SystemOptions, 'cpuProfDir'>): Promise<StartupFigures> {
  const options: SystemOptions = { dataDir, ...profile, args: name === 'baseline' ? ['replay'] : [] };
  return withSystem(name, options, async (system) => ({ startMs: system.ready.startMs, reports: system.ready.reports }));
}
