// Many instances, one picture: real servers in this process on one PostgreSQL database of the test's own.
import { randomUUID } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import type { Snapshot, StoredReport, World } from '../shared/schemas.ts';
import { openPostgresStore, type PostgresStoreOptions } from './storage/postgres/postgresStore.ts';
import { createTestDatabase, type TestDatabase } from './storage/postgresTestDatabase.ts';
import type { Config } from './config.ts';
import { ADMIN_TOKEN, manualClock, startServer, waitFor, type Running, type Answer } from './testing/harness.ts';

const NOW = '2026-11-28T12:00:00Z';
/** Checkpoints with the default surge threshold (500 in an hour), across four governorates. */
const CHECKPOINTS = ['rabia', 'al-qaim', 'jumaima', 'bashmakh', 'parwez-khan', 'haji-omaran'];

let databases: TestDatabase[] = [];
let running: Running[] = [];

afterEach(async () => {
  for (const server of running) await server.stop().catch(() => undefined);
  running = [];
  for (const db of databases) await db.drop();
  databases = [];
});

async function database(): Promise<TestDatabase> {
  const db = await createTestDatabase();
  databases.push(db);
  return db;
}

interface InstanceOptions extends PostgresStoreOptions {
  followIntervalMs?: number;
  config?: Partial<Config>;
}

/** One server instance on the shared database; `name` tags its connections in pg_stat_activity. */
async function instance(db: TestDatabase, name: string, options: InstanceOptions = {}): Promise<Running> {
  const { followIntervalMs = 200, config = {}, ...storeOptions } = options;
  const server = await startServer({
    clock: manualClock(NOW),
    store: openPostgresStore(db.url, { poolSize: 5, applicationName: `amina-${name}`, ...storeOptions }),
    config: { followIntervalMs, ...config },
  });
  running.push(server);
  return server;
}

function arrivals(siteId: string, count: number, observedAt = '2026-11-28T11:30:00Z') {
  return { id: randomUUID(), siteId, observedAt, kind: 'arrivals', arrivals: count, periodMinutes: 60 };
}

/** The picture without what differs between instances by design: their own update counter and time. */
function picture(snapshot: Snapshot) {
  const { seq: _seq, at: _at, ...rest } = snapshot;
  return rest;
}

async function snapshotOf(server: Running, world: World = 'real'): Promise<Snapshot> {
  const answer = await server.request('GET', `/api/snapshot${world === 'exercise' ? '?exercise=only' : ''}`, ADMIN_TOKEN);
  expect(answer.status).toBe(200);
  return answer.body as Snapshot;
}

/** Waits until every instance shows the same picture, and returns it. */
async function converged(servers: Running[], what: string, accept: (s: Snapshot) => boolean = () => true, world: World = 'real') {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const snapshots = await Promise.all(servers.map((s: Answer) => snapshotOf(s, world)));
    const pictures = snapshots.map(picture);
    if (pictures.every((p: Answer) => isDeepStrictEqual(p, pictures[0])) && snapshots.every(accept)) return snapshots[0];
    if (Date.now() > deadline) {
      expect(snapshots.map(picture), `instances never agreed on ${what}`).toEqual(snapshots.map(() => picture(snapshots[0]!)));
      throw new Error(`instances agree but never reached ${what}: ${JSON.stringify(picture(snapshots[0]!).national)}, alerts ${JSON.stringify(snapshots[0]!.alerts)}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('several instances on one PostgreSQL database', () => {
  it('reports health with postgres storage, and a report posted to A reaches a dashboard on B', async () => {
    const db = await database();
    const a = await instance(db, 'a');
    const b = await instance(db, 'b');
    expect((await b.request('GET', '/api/health', null)).body).toMatchObject({ status: 'ok', storage: 'postgres' });
    const viewer = await a.tokenFor('viewer');
    // a token issued on A is known on B: tokens live in the shared store
    const onB = await b.connect(viewer);
    const onA = await a.connect(viewer);
    expect(onB.snapshot.national.arrivals24h).toBe(0);

    const posted = await a.request('POST', '/api/reports', ADMIN_TOKEN, arrivals('rabia', 120));
    expect(posted.status).toBe(201);
    const seen = await waitFor('the update on B', () => onB.updates.find((u: Answer) => u.national.arrivals24h === 120));
    expect(seen.sites.find((s: Answer) => s.id === 'rabia')).toMatchObject({ arrivals1h: 120 });
    expect(seen.seq).toBe(onB.snapshot.seq + 1);
    await waitFor('the update on A', () => onA.updates.find((u: Answer) => u.national.arrivals24h === 120));
    // folded once on each instance, though A both stored it and read it back from the log
    expect((await snapshotOf(a)).national.arrivals24h).toBe(120);
    expect((await snapshotOf(b)).national.arrivals24h).toBe(120);
    expect(onA.updates).toHaveLength(1);
    expect(onB.updates).toHaveLength(1);
  });

  it('gives identical totals everywhere after 200 concurrent posts split across three instances, with each alert raised once', async () => {
    const db = await database();
    const servers = [await instance(db, 'a'), await instance(db, 'b'), await instance(db, 'c')];
    const dashboards = await Promise.all(servers.map((s: Answer) => s.connect(ADMIN_TOKEN)));
    const reports = Array.from({ length: 200 }, (_, i) => arrivals(CHECKPOINTS[i % CHECKPOINTS.length]!, 20 + (i % 7)));
    const expected = reports.reduce((sum, r) => sum + r.arrivals, 0);

    const answers = await Promise.all(reports.map((r, i) => servers[i % 3]!.request('POST', '/api/reports', ADMIN_TOKEN, r)));
    expect(answers.map((a: Answer) => a.status)).toEqual(reports.map(() => 201));

    const agreed = await converged(servers, 'the totals', (s) => s.national.arrivals24h === expected);
    expect(agreed!.national.arrivals1h).toBe(expected);
    const perSite = new Map<string, number>();
    for (const r of reports) perSite.set(r.siteId, (perSite.get(r.siteId) ?? 0) + r.arrivals);
    for (const [siteId, sum] of perSite) expect(agreed!.sites.find((s: Answer) => s.id === siteId)?.arrivals24h).toBe(sum);

    // Every checkpoint here got more than 500 in the hour: one surge alert each, raised by whichever
    // instance was first, and the same alert on every instance.
    const surges = agreed!.alerts.filter((a: Answer) => a.rule === 'checkpoint_surge');
    expect(surges.map((a: Answer) => a.siteId).sort()).toEqual([...CHECKPOINTS].sort());
    const stored = await servers[0]!.request('GET', '/api/alerts?state=active,acknowledged,resolved', ADMIN_TOKEN);
    expect(stored.body.filter((a: Answer) => a.rule === 'checkpoint_surge' && a.state !== 'resolved')).toHaveLength(CHECKPOINTS.length);
    // and the dashboards, fed by updates only, hold the same totals as the snapshots
    for (const d of dashboards) {
      await waitFor('the last update', () => d.updates.at(-1)?.national.arrivals24h === expected);
    }
  });

  it('decides a report posted to several instances at once in the database: one accepted, the rest duplicates or 409', async () => {
    const db = await database();
    const servers = [await instance(db, 'a'), await instance(db, 'b'), await instance(db, 'c')];
    const report = arrivals('rabia', 11);
    const same = await Promise.all(servers.map((s: Answer) => s.request('POST', '/api/reports', ADMIN_TOKEN, report)));
    expect(same.map((r: Answer) => r.status)).toEqual([201, 201, 201]);
    expect(same.flatMap((r) => r.body.accepted)).toEqual([report.id]);
    expect(same.flatMap((r) => r.body.duplicate)).toEqual([report.id, report.id]);

    const contested = arrivals('rabia', 1);
    const answers = await Promise.all(
      servers.map((s, i) => s.request('POST', '/api/reports', ADMIN_TOKEN, { reports: [arrivals('al-qaim', 100), { ...contested, arrivals: i + 1 }] })),
    );
    expect(answers.map((r: Answer) => r.status).sort()).toEqual([201, 409, 409]);
    // the refused batches stored nothing, not even their other report
    const agreed = await converged(servers, 'the contested reports', (s) => s.national.arrivals24h > 11);
    const winner = answers.findIndex((r) => r.status === 201);
    expect(agreed!.national.arrivals24h).toBe(11 + 100 + winner + 1);
  });

  it('does not skip a report whose smaller seq commits after a larger one', async () => {
    const db = await database();
    const a = await instance(db, 'a');
    const b = await instance(db, 'b');
    const onB = await b.connect(ADMIN_TOKEN);
    // Another writer takes a seq and is slow to commit, as an instance stalled mid-transaction would be.
    const late = { ...arrivals('al-qaim', 7), receivedAt: NOW } as StoredReport;
    const slow = await db.insertUncommitted(late);
    await a.request('POST', '/api/reports', ADMIN_TOKEN, arrivals('rabia', 100));
    await waitFor('the later report on B', () => onB.updates.find((u: Answer) => u.national.arrivals24h === 100));
    const inSeqOrder = await slow.commit();
    expect(inSeqOrder[0]).toBe(late.id);
    await waitFor('the earlier seq on B', () => onB.updates.find((u: Answer) => u.national.arrivals24h === 107));
    await converged([a, b], 'both reports', (s) => s.national.arrivals24h === 107);
  });

  it('converges by polling when the notification connection of an instance is killed', async () => {
    const db = await database();
    const a = await instance(db, 'a');
    // B would open its notification connection again only after a minute: only polling can help it.
    const b = await instance(db, 'b', { listenReconnectMs: 60_000, followIntervalMs: 300 });
    const onB = await b.connect(ADMIN_TOKEN);
    const listening = () => db.sessions('amina-b-listen');
    const deadline = Date.now() + 5000;
    while ((await listening()) === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(await db.terminate('amina-b-listen')).toBe(1);

    await a.request('POST', '/api/reports', ADMIN_TOKEN, arrivals('rabia', 77));
    await waitFor('B to poll the report in', () => onB.updates.find((u: Answer) => u.national.arrivals24h === 77));
    expect(await listening()).toBe(0);
    await converged([a, b], 'the report');
  });

  it('builds the same picture on an instance restarted later, including what was posted while it was down', async () => {
    const db = await database();
    const a = await instance(db, 'a');
    let b = await instance(db, 'b');
    await b.request('POST', '/api/reports', ADMIN_TOKEN, {
      reports: [arrivals('rabia', 600), { id: randomUUID(), siteId: 'domiz-1-clinic', observedAt: NOW, kind: 'health', status: 'closed' }],
    });
    await converged([a, b], 'the first reports');
    await b.stop();
    running = running.filter((s: Answer) => s !== b);

    await a.request('POST', '/api/reports', ADMIN_TOKEN, {
      reports: [arrivals('al-qaim', 40), { id: randomUUID(), siteId: 'domiz-1', observedAt: NOW, kind: 'occupancy', occupancy: 800 }],
    });
    b = await instance(db, 'b');
    const agreed = await converged([a, b], 'the picture after the restart');
    expect(agreed!.national.arrivals24h).toBe(640);
    expect(agreed!.alerts.map((x: Answer) => x.rule).sort()).toEqual(['checkpoint_surge', 'health_post_down']);
  });

  it('raises an alert once when two instances see its condition at the same moment, and an acknowledgement on A reaches B', async () => {
    const db = await database();
    const a = await instance(db, 'a');
    const b = await instance(db, 'b');
    const onA = await a.connect(ADMIN_TOKEN);
    const onB = await b.connect(ADMIN_TOKEN);
    // each half alone is under the threshold; together they cross it, and each instance learns of both
    await Promise.all([
      a.request('POST', '/api/reports', ADMIN_TOKEN, arrivals('rabia', 300)),
      b.request('POST', '/api/reports', ADMIN_TOKEN, arrivals('rabia', 300)),
    ]);
    const agreed = await converged([a, b], 'the surge', (s) => s.alerts.length === 1);
    const [surge] = agreed!.alerts;
    expect(surge).toMatchObject({ rule: 'checkpoint_surge', siteId: 'rabia', value: 600, state: 'active' });
    const all = await a.request('GET', '/api/alerts?state=active,acknowledged,resolved', ADMIN_TOKEN);
    expect(all.body).toHaveLength(1);
    for (const d of [onA, onB]) {
      await waitFor('the alert on the dashboard', () => d.updates.flatMap((u) => u.alerts).find((x: Answer) => x.id === surge!.id));
      expect(new Set(d.updates.flatMap((u) => u.alerts).map((x: Answer) => x.id))).toEqual(new Set([surge!.id]));
    }

    const analyst = await a.tokenFor('analyst');
    const ack = await a.request('POST', `/api/alerts/${surge!.id}/ack`, analyst, { note: 'teams sent' });
    expect(ack.status).toBe(200);
    const onBAck = await waitFor('the acknowledgement on B', () =>
      onB.updates.flatMap((u) => u.alerts).find((x: Answer) => x.id === surge!.id && x.state === 'acknowledged'),
    );
    expect(onBAck).toMatchObject({ acknowledgedBy: 'analyst for tests', note: 'teams sent' });

    // More arrivals through B move the alert's value; the acknowledgement made on A stays.
    await b.request('POST', '/api/reports', ADMIN_TOKEN, arrivals('rabia', 50));
    const after = await converged([a, b], 'the new value', (s) => s.alerts[0]?.value === 650);
    expect(after!.alerts[0]).toMatchObject({ id: surge!.id, state: 'acknowledged', acknowledgedBy: 'analyst for tests' });
  });

  it('applies thresholds changed on A to alerts on B, and closes a revoked token\u2019s dashboards on B', async () => {
    const db = await database();
    const a = await instance(db, 'a');
    const b = await instance(db, 'b');
    await b.request('POST', '/api/reports', ADMIN_TOKEN, arrivals('rabia', 300));
    await converged([a, b], 'the report');

    const thresholds = (await a.request('GET', '/api/thresholds', ADMIN_TOKEN)).body;
    const lowered = { ...thresholds, checkpointSurge: { ...thresholds.checkpointSurge, arrivals1h: 250 } };
    expect((await a.request('PUT', '/api/thresholds', ADMIN_TOKEN, lowered)).status).toBe(200);
    await waitFor('B to take the new thresholds', () => b.app.live.thresholds().checkpointSurge.arrivals1h === 250);
    const agreed = await converged([a, b], 'the lowered threshold', (s) => s.alerts.length === 1);
    expect(agreed!.alerts[0]).toMatchObject({ rule: 'checkpoint_surge', threshold: 250 });

    const issued = await a.request('POST', '/api/tokens', ADMIN_TOKEN, { role: 'viewer', label: 'wall in the ops room' });
    const wall = await b.connect(issued.body.token);
    expect(wall.socket.connected).toBe(true);
    expect((await a.request('DELETE', `/api/tokens/${issued.body.id}`, ADMIN_TOKEN)).status).toBe(204);
    await waitFor('the wall on B to be disconnected', () => !wall.socket.connected);
    expect((await b.request('GET', '/api/snapshot', issued.body.token)).status).toBe(401);
  });

  it('clears exercise data on every instance when it is cleared on one', async () => {
    const db = await database();
    const a = await instance(db, 'a');
    const b = await instance(db, 'b');
    const drill = await a.request('POST', '/api/tokens', ADMIN_TOKEN, { role: 'reporter', sites: ['rabia'], label: 'drill', exercise: true });
    expect(drill.status).toBe(201);
    await b.request('POST', '/api/reports', ADMIN_TOKEN, arrivals('al-qaim', 30));
    expect((await b.request('POST', '/api/reports', drill.body.token, arrivals('rabia', 900))).status).toBe(201);
    // the drill is a world of its own: the real picture never counts it
    await converged([a, b], 'the drill', (s) => s.national.arrivals24h === 900 && s.alerts.length === 1, 'exercise');
    await converged([a, b], 'the real picture', (s) => s.national.arrivals24h === 30 && s.alerts.length === 0);

    const cleared = await a.request('DELETE', '/api/exercise', ADMIN_TOKEN);
    expect(cleared.body).toEqual({ deleted: 1 });
    // B replays the log once it sees it was rewritten; the drill's surge alert resolves everywhere
    const agreed = await converged([a, b], 'the cleared drill', (s) => s.national.arrivals24h === 0 && s.alerts.length === 0, 'exercise');
    expect(agreed!.sites.find((x: Answer) => x.id === 'rabia')?.arrivals24h).toBe(0);
    await converged([a, b], 'the real picture', (s) => s.national.arrivals24h === 30 && s.alerts.length === 0);
    // and what is posted after the clearing is counted once, on both
    await a.request('POST', '/api/reports', ADMIN_TOKEN, arrivals('al-qaim', 5));
    await converged([a, b], 'the next report', (s) => s.national.arrivals24h === 35);
  });

  it('shares rate limits across instances: a token or an address has one budget, not one per instance', async () => {
    const db = await database();
    const limits = { writeLimitPerToken: 6, writeLimitWindowMs: 60_000, authFailureLimit: 4, authFailureWindowMs: 60_000 };
    const a = await instance(db, 'a', { config: limits });
    const b = await instance(db, 'b', { config: limits });
    const reporter = await a.tokenFor('reporter', ['rabia']);
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) statuses.push((await (i % 2 ? b : a).request('POST', '/api/reports', reporter, arrivals('rabia', 1))).status);
    // six writes in all, wherever they went; the seventh and eighth are refused on either instance
    expect(statuses).toEqual([201, 201, 201, 201, 201, 201, 429, 429]);

    const guesser = { 'X-Forwarded-For': '203.0.113.50' };
    const guess = (server: Running) => fetch(`${server.url}/api/snapshot`, { headers: { Authorization: 'Bearer guess', ...guesser } });
    expect((await guess(a)).status).toBe(401);
    expect((await guess(b)).status).toBe(401);
    expect((await guess(a)).status).toBe(401);
    expect((await guess(b)).status).toBe(401);
    expect((await guess(a)).status).toBe(429);
    expect((await guess(b)).status).toBe(429);
  });

  it('answers 503 while the database is unreachable, stores nothing half, and recovers by itself', async () => {
    const db = await database();
    const a = await instance(db, 'a', { connectTimeoutMs: 1000 });
    const b = await instance(db, 'b', { connectTimeoutMs: 1000 });
    const viewer = await a.tokenFor('viewer');
    const onB = await b.connect(ADMIN_TOKEN);

    expect((await a.request('GET', '/api/health', null)).body).toMatchObject({ status: 'ok', storage: 'postgres' });
    await db.refuseConnections();
    // a load balancer is told at once (after at most a second of caching), and the process still lives
    await expect
      .poll(async () => (await a.request('GET', '/api/health', null)).status, { timeout: 5000, interval: 250 })
      .toBe(503);
    expect((await a.request('GET', '/api/health', null)).body).toMatchObject({ status: 'unavailable', storage: 'unavailable' });
    expect((await a.request('GET', '/api/health/live', null)).status).toBe(200);
    const batch = { reports: [arrivals('rabia', 10), arrivals('al-qaim', 20)] };
    const refused = await a.request('POST', '/api/reports', ADMIN_TOKEN, batch);
    expect(refused.status).toBe(503);
    expect(refused.body.error.code).toBe('unavailable');
    expect(refused.body.error.message).toMatch(/database is unreachable.*nothing.*stored/i);
    expect(refused.headers.get('retry-after')).toBe('5');
    // a token that must be looked up cannot be checked either: 503, not 401
    expect((await b.request('GET', '/api/snapshot', viewer)).status).toBe(503);
    // the picture in memory is still served to those whose token needs no lookup
    expect((await b.request('GET', '/api/snapshot', ADMIN_TOKEN)).status).toBe(200);

    await db.allowConnections();
    await expect
      .poll(async () => (await a.request('GET', '/api/health', null)).status, { timeout: 5000, interval: 250 })
      .toBe(200);
    // the client retries, as the Retry-After asks; the pool opens fresh connections once it can
    let retried = await a.request('POST', '/api/reports', ADMIN_TOKEN, batch);
    for (const deadline = Date.now() + 10_000; retried.status === 503 && Date.now() < deadline; ) {
      await new Promise((r) => setTimeout(r, 100));
      retried = await a.request('POST', '/api/reports', ADMIN_TOKEN, batch);
    }
    expect(retried.status).toBe(201);
    expect(retried.body).toEqual({ accepted: batch.reports.map((r: Answer) => r.id), duplicate: [] });
    await waitFor('B to follow again', () => onB.updates.find((u: Answer) => u.national.arrivals24h === 30), 10_000);
    const agreed = await converged([a, b], 'the recovered picture');
    expect(agreed!.national.arrivals24h).toBe(30);
    expect((await b.request('GET', '/api/snapshot', viewer)).status).toBe(200);
  });
});
