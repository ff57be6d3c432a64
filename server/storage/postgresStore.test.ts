// The PostgreSQL adapter: the Store contract, then what only a shared store must do.
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Alert, StoredReport } from '../../shared/schemas.ts';
import { loadFixtures } from '../fixtures.ts';
import { openPostgresStore } from './postgres/postgresStore.ts';
import { createTestDatabase, type TestDatabase } from './postgresTestDatabase.ts';
import { describeStoreContract } from './storeContract.ts';
import { StoreUnavailableError, type LogPosition, type SharedChange, type Store } from './store.ts';

const fixtures = loadFixtures(path.join(import.meta.dirname, '..', '..', 'fixtures'));
const SEED = { sites: fixtures.sites, thresholds: fixtures.thresholds };

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db?.drop();
});

describeStoreContract(
  'PostgreSQL',
  async () => {
    await db.reset();
    return openPostgresStore(db.url, { poolSize: 4 });
  },
  async () => openPostgresStore(db.url, { poolSize: 4 }),
);

function arrivals(count: number): StoredReport {
  return {
    id: randomUUID(),
    siteId: 'ibrahim-khalil',
    observedAt: '2026-11-28T11:00:00Z',
    kind: 'arrivals',
    arrivals: count,
    periodMinutes: 60,
    receivedAt: '2026-11-28T12:00:00Z',
  };
}

describe('the PostgreSQL store shared by several instances', () => {
  const opened: Store[] = [];
  const clients: pg.Client[] = [];

  function open(options: Parameters<typeof openPostgresStore>[1] = {}): Store {
    const store = openPostgresStore(db.url, { poolSize: 4, ...options });
    opened.push(store);
    return store;
  }

  async function rawClient(): Promise<pg.Client> {
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    clients.push(client);
    return client;
  }

  beforeEach(async () => {
    await db.reset();
  });

  afterEach(async () => {
    for (const c of clients.splice(0)) await c.end().catch(() => undefined);
    for (const s of opened.splice(0)) await s.close();
    await db.allowConnections();
  });

  it('migrates once when several instances start at the same moment', async () => {
    const stores = [open(), open(), open(), open()];
    await Promise.all(stores.map((s) => s.init(SEED)));
    const client = await rawClient();
    const versions = await client.query('SELECT version FROM schema_migrations ORDER BY version');
    expect(versions.rows.map((r) => r.version)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(await stores[3]!.sites.list()).toHaveLength(fixtures.sites.length);
  });

  it('gives a follower every report exactly once, even when a smaller seq commits after a larger one', async () => {
    const store = open();
    await store.init(SEED);
    const shared = store.log;
    const early = arrivals(1);
    await store.reports.append([early]);
    const replayed: StoredReport[] = [];
    let position: LogPosition = await shared.replay((r) => replayed.push(r));
    expect(replayed.map((r) => r.id)).toEqual([early.id]);

    // A slow writer takes a seq and does not commit yet; a fast one takes a later seq and commits.
    const late = arrivals(2);
    const slow = await db.insertUncommitted(late);
    const fast = arrivals(3);
    await store.reports.append([fast]);

    const first = await shared.readAfter(position);
    expect(first.reports.map((r) => r.id)).toEqual([fast.id]);
    position = first.position;
    // the late row's seq is below the fast one's: a reader tailing by seq alone would skip it
    expect(await slow.commit()).toEqual([early.id, late.id, fast.id]);

    const second = await shared.readAfter(position);
    expect(second.reports.map((r) => r.id)).toEqual([late.id]);
    const third = await shared.readAfter(second.position);
    expect(third.reports).toEqual([]);
  });

  it('tells a follower to replay once exercise data was cleared', async () => {
    const store = open();
    await store.init(SEED);
    const drill = { ...arrivals(900), exercise: true };
    await store.reports.append([arrivals(1), drill]);
    const position = await store.log.replay(() => undefined);
    expect(await store.reports.deleteExercise()).toBe(1);
    expect((await store.log.readAfter(position)).rewritten).toBe(true);
    const replayed: StoredReport[] = [];
    const fresh = await store.log.replay((r) => replayed.push(r));
    expect(replayed).toHaveLength(1);
    expect(await store.log.readAfter(fresh)).toMatchObject({ reports: [], rewritten: false });
  });

  it('delivers concurrent appends from several instances to a follower once each', async () => {
    const writers = [open(), open(), open()];
    await Promise.all(writers.map((w) => w.init(SEED)));
    const reader = open();
    let position = await reader.log.replay(() => undefined);
    const seen: string[] = [];
    const written: string[] = [];
    const writing = Promise.all(
      writers.map(async (w) => {
        for (let i = 0; i < 30; i++) {
          const batch = [arrivals(i), arrivals(i + 1)];
          await w.reports.append(batch);
          written.push(...batch.map((r) => r.id));
        }
      }),
    );
    let done = false;
    void writing.then(() => (done = true));
    while (!done) {
      const next = await reader.log.readAfter(position);
      seen.push(...next.reports.map((r) => r.id));
      position = next.position;
    }
    const last = await reader.log.readAfter(position);
    seen.push(...last.reports.map((r) => r.id));
    expect(seen).toHaveLength(180);
    expect(new Set(seen)).toEqual(new Set(written));
  });

  it('keeps an acknowledgement that an instance with an older copy would overwrite, and never reopens a resolved alert', async () => {
    const store = open();
    await store.init(SEED);
    const raised: Alert = {
      id: randomUUID(),
      rule: 'checkpoint_surge',
      severity: 'warning',
      siteId: 'ibrahim-khalil',
      governorate: 'IQG09',
      message: '600 arrivals',
      value: 600,
      threshold: 500,
      state: 'active',
      raisedAt: '2026-11-28T12:00:00Z',
      updatedAt: '2026-11-28T12:00:00Z',
    };
    await store.alerts.insert('real', raised);
    const acknowledged: Alert = { ...raised, state: 'acknowledged', acknowledgedAt: '2026-11-28T12:01:00Z', acknowledgedBy: 'analyst A', updatedAt: '2026-11-28T12:01:00Z' };
    await store.alerts.update(acknowledged);
    // instance B had not seen the acknowledgement when the count moved
    await store.alerts.update({ ...raised, value: 700, message: '700 arrivals', updatedAt: '2026-11-28T12:02:00Z' });
    expect((await store.alerts.get(raised.id))?.alert).toMatchObject({ state: 'acknowledged', acknowledgedBy: 'analyst A', value: 700 });
    // acknowledged on B too, a moment later: the first acknowledgement stands
    await store.alerts.update({ ...acknowledged, value: 700, acknowledgedBy: 'analyst B', note: 'late', acknowledgedAt: '2026-11-28T12:02:30Z' });
    expect((await store.alerts.get(raised.id))?.alert).toMatchObject({ acknowledgedBy: 'analyst A', acknowledgedAt: '2026-11-28T12:01:00Z' });
    expect(((await store.alerts.get(raised.id))?.alert)?.note).toBeUndefined();
    // an escalation to critical reopens it, as reconcileAlerts decides
    await store.alerts.update({ ...raised, severity: 'critical', value: 1000, updatedAt: '2026-11-28T12:03:00Z' });
    expect((await store.alerts.get(raised.id))?.alert).toMatchObject({ state: 'active', severity: 'critical' });
    expect(((await store.alerts.get(raised.id))?.alert)?.acknowledgedBy).toBeUndefined();

    const resolved: Alert = { ...raised, severity: 'critical', value: 0, state: 'resolved', resolvedAt: '2026-11-28T12:04:00Z', updatedAt: '2026-11-28T12:04:00Z' };
    await store.alerts.update(resolved);
    await store.alerts.update({ ...raised, value: 800, updatedAt: '2026-11-28T12:05:00Z' });
    expect((await store.alerts.get(raised.id))?.alert).toEqual(resolved);
  });

  it('notifies subscribers of reports, alerts, settings and revoked tokens', async () => {
    const writer = open();
    await writer.init(SEED);
    const follower = open({ applicationName: 'amina-notified' });
    const heard: [SharedChange, string][] = [];
    follower.changes!.subscribe((change, payload) => heard.push([change, payload]));
    // the first connection says "anything may have changed": wait for it, then start clean
    await expect.poll(() => heard.length).toBeGreaterThan(0);
    heard.length = 0;

    await writer.reports.append([arrivals(1)]);
    await writer.thresholds.put(fixtures.thresholds);
    await writer.tokens.create({ id: 'tok-1', hash: 'a'.repeat(64), role: 'viewer', sites: [], label: 'wall', createdAt: '2026-11-28T12:00:00Z' });
    await writer.tokens.revoke('tok-1', '2026-11-28T12:05:00Z');
    await expect.poll(() => heard.map(([c]) => c)).toEqual(['reports', 'settings', 'tokens']);
    expect(heard[2]).toEqual(['tokens', 'tok-1']);
  });

  it('opens the notification connection again when it is killed, and says everything may have changed', async () => {
    const follower = open({ applicationName: 'amina-relisten', listenReconnectMs: 50 });
    await follower.init(SEED);
    const heard: SharedChange[] = [];
    follower.changes!.subscribe((change) => heard.push(change));
    await expect.poll(() => heard.length).toBeGreaterThan(0);
    heard.length = 0;
    expect(await db.terminate('amina-relisten-listen')).toBe(1);
    await expect.poll(() => heard).toContain('reports');
  });

  it('answers StoreUnavailableError while the database refuses connections, stores nothing half, and recovers', async () => {
    const store = open({ connectTimeoutMs: 1000 });
    await store.init(SEED);
    await store.reports.append([arrivals(1)]);
    await db.refuseConnections();

    const batch = [arrivals(2), arrivals(3)];
    await expect(store.reports.append(batch)).rejects.toBeInstanceOf(StoreUnavailableError);
    await expect(store.sites.list()).rejects.toBeInstanceOf(StoreUnavailableError);
    await expect(store.log.readAfter({ opaque: { xmin: 0n, pending: new Set(), epoch: '0' } })).rejects.toBeInstanceOf(
      StoreUnavailableError,
    );

    await db.allowConnections();
    expect(await store.reports.count()).toBe(1);
    expect(await store.reports.append(batch)).toEqual({ accepted: batch.map((r) => r.id), duplicate: [] });
  });
});
