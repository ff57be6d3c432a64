// The foundation end to end: real server, real HTTP and Socket.IO, real SQLite file.
import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, manualClock, startServer, waitFor, type Running, type Answer } from './testing/harness.ts';

const NOW = '2026-11-28T12:00:00Z';
let running: Running[] = [];

async function start(options: Parameters<typeof startServer>[0] = {}) {
  const server = await startServer({ clock: manualClock(NOW), ...options });
  running.push(server);
  return server;
}

afterEach(async () => {
  for (const server of running) await server.stop();
  running = [];
});

function arrivals(siteId: string, count: number, observedAt = '2026-11-28T11:30:00Z') {
  return { id: randomUUID(), siteId, observedAt, kind: 'arrivals', arrivals: count, periodMinutes: 60 };
}

describe('a report in, the live picture out', () => {
  it('pushes the new rollups to a dashboard, and a repeated post changes nothing', async () => {
    const server = await start();
    const reporter = await server.tokenFor('reporter', ['ibrahim-khalil']);
    const viewer = await server.tokenFor('viewer');
    const dashboard = await server.connect(viewer);
    expect(dashboard.snapshot.national.arrivals24h).toBe(0);

    const report = arrivals('ibrahim-khalil', 1200);
    const first = await server.request('POST', '/api/reports', reporter, report);
    expect(first.status).toBe(201);
    expect(first.body).toEqual({ accepted: [report.id], duplicate: [] });

    const update = await waitFor('an update', () => dashboard.updates[0]);
    expect(update.seq).toBe(dashboard.snapshot.seq + 1);
    expect(update.national.arrivals24h).toBe(1200);
    expect(update.national.arrivals1h).toBe(1200);
    expect(update.governorates.find((g: Answer) => g.pcode === 'IQG09')?.arrivals24h).toBe(1200);
    expect(update.sites.find((s: Answer) => s.id === 'ibrahim-khalil')).toMatchObject({ arrivals1h: 1200, lastReportAt: '2026-11-28T11:30:00Z' });

    const again = await server.request('POST', '/api/reports', reporter, report);
    expect(again.status).toBe(201);
    expect(again.body).toEqual({ accepted: [], duplicate: [report.id] });
    const snapshot = await server.request('GET', '/api/snapshot', viewer);
    expect(snapshot.body.national.arrivals24h).toBe(1200);
    expect(dashboard.updates).toHaveLength(1);
  });

  it('answers a batch with every id, and resync sends a fresh snapshot', async () => {
    const server = await start();
    const reporter = await server.tokenFor('reporter', ['ibrahim-khalil', 'domiz-1', 'domiz-1-clinic']);
    const batch = [
      arrivals('ibrahim-khalil', 10),
      { id: randomUUID(), siteId: 'domiz-1', observedAt: NOW, kind: 'occupancy', occupancy: 500 },
      { id: randomUUID(), siteId: 'domiz-1-clinic', observedAt: NOW, kind: 'health', status: 'limited', note: 'no insulin' },
    ];
    const answer = await server.request('POST', '/api/reports', reporter, { reports: batch });
    expect(answer.status).toBe(201);
    expect(answer.body.accepted).toEqual(batch.map((r: Answer) => r.id));

    const dashboard = await server.connect(ADMIN_TOKEN);
    const fresh = new Promise((resolve) => dashboard.socket.once('snapshot', resolve));
    dashboard.socket.emit('resync');
    const snapshot: Answer = await fresh;
    expect(snapshot.sites.find((s: Answer) => s.id === 'domiz-1').occupancy).toBe(500);
    expect(snapshot.sites.find((s: Answer) => s.id === 'domiz-1-clinic').status).toBe('limited');
    expect(snapshot.alerts.map((a: Answer) => a.rule)).toContain('health_post_down');
    expect(snapshot.national.healthPosts.limited).toBe(1);
  });

  it('keeps the snapshot, tokens and open alerts across a restart on the same data folder', async () => {
    const first = await start();
    const reporter = await first.tokenFor('reporter', ['domiz-1-clinic', 'ibrahim-khalil']);
    await first.request('POST', '/api/reports', reporter, {
      reports: [
        arrivals('ibrahim-khalil', 40),
        { id: randomUUID(), siteId: 'domiz-1-clinic', observedAt: NOW, kind: 'health', status: 'closed' },
      ],
    });
    const before = (await first.request('GET', '/api/snapshot', ADMIN_TOKEN)).body;
    await first.stop();
    running = running.filter((s: Answer) => s !== first);

    const second = await start({ dataDir: first.dataDir });
    const after = (await second.request('GET', '/api/snapshot', ADMIN_TOKEN)).body;
    expect(after.national).toEqual(before.national);
    expect(after.sites).toEqual(before.sites);
    expect(after.alerts).toEqual(before.alerts);
    const reused = await second.request('POST', '/api/reports', reporter, arrivals('ibrahim-khalil', 1));
    expect(reused.status).toBe(201);
  });

  it('moves sliding windows with the clock on a tick', async () => {
    const clock = manualClock(NOW);
    const server = await start({ clock });
    const reporter = await server.tokenFor('reporter', ['ibrahim-khalil']);
    await server.request('POST', '/api/reports', reporter, arrivals('ibrahim-khalil', 2500, '2026-11-28T11:50:00Z'));
    const dashboard = await server.connect(ADMIN_TOKEN);
    expect(dashboard.snapshot.alerts.map((a: Answer) => a.rule)).toContain('checkpoint_surge');

    clock.advance(65 * 60_000);
    await server.app.live.tick();
    const update = await waitFor('the tick update', () => dashboard.updates[0]);
    expect(update.national.arrivals1h).toBe(0);
    expect(update.national.arrivals24h).toBe(2500);
    const resolved = update.alerts.find((a: Answer) => a.rule === 'checkpoint_surge');
    expect(resolved?.state).toBe('resolved');
  });
});

describe('bad input is refused, named, and changes nothing', () => {
  const cases: { name: string; body: (r: ReturnType<typeof arrivals>) => unknown; status: number; field?: string; raw?: boolean }[] = [
    { name: 'malformed JSON', body: () => '{"id": ', status: 400, field: '(body)', raw: true },
    { name: 'a negative count', body: (r) => ({ ...r, arrivals: -1 }), status: 400, field: 'arrivals' },
    { name: 'a count as a string', body: (r) => ({ ...r, arrivals: '12' }), status: 400, field: 'arrivals' },
    { name: 'a fractional count', body: (r) => ({ ...r, arrivals: 1.5 }), status: 400, field: 'arrivals' },
    { name: 'a missing period', body: ({ periodMinutes: _p, ...r }) => r, status: 400, field: 'periodMinutes' },
    { name: 'a period over a day', body: (r) => ({ ...r, periodMinutes: 1441 }), status: 400, field: 'periodMinutes' },
    { name: 'an id that is no UUID', body: (r) => ({ ...r, id: 'abc' }), status: 400, field: 'id' },
    { name: 'a time without offset', body: (r) => ({ ...r, observedAt: '2026-11-28T11:00:00' }), status: 400, field: 'observedAt' },
    { name: 'an impossible date', body: (r) => ({ ...r, observedAt: '2026-02-30T11:00:00Z' }), status: 400, field: 'observedAt' },
    { name: 'an unknown field', body: (r) => ({ ...r, name: 'Ahmed' }), status: 400, field: 'name' },
    { name: 'an unknown kind', body: (r) => ({ ...r, kind: 'births' }), status: 400, field: 'kind' },
    { name: 'a bad report inside a batch', body: (r) => ({ reports: [r, { ...r, id: randomUUID(), arrivals: null }] }), status: 400, field: 'reports[1].arrivals' },
    { name: 'an empty batch', body: () => ({ reports: [] }), status: 400, field: 'reports' },
    { name: 'a batch of 501', body: (r) => ({ reports: Array.from({ length: 501 }, () => ({ ...r, id: randomUUID() })) }), status: 400, field: 'reports' },
    { name: 'an unknown site', body: (r) => ({ ...r, siteId: 'atlantis' }), status: 403, field: 'siteId' },
    { name: 'a time more than 5 minutes ahead', body: (r) => ({ ...r, observedAt: '2026-11-28T12:06:00Z' }), status: 422, field: 'observedAt' },
    { name: 'a report kind the site does not take', body: (r) => ({ id: r.id, siteId: r.siteId, observedAt: r.observedAt, kind: 'occupancy', occupancy: 4 }), status: 422, field: 'kind' },
  ];

  for (const c of cases) {
    it(`${c.name}: ${c.status}`, async () => {
      const server = await start();
      const reporter = await server.tokenFor('reporter', ['ibrahim-khalil']);
      const good = arrivals('ibrahim-khalil', 5);
      const answer = await server.request('POST', '/api/reports', reporter, c.body(good));
      expect(answer.status).toBe(c.status);
      expect(answer.body.error.message).toEqual(expect.any(String));
      expect(answer.body.error.details.map((d: Answer) => d.field)).toContain(c.field);
      const snapshot = await server.request('GET', '/api/snapshot', ADMIN_TOKEN);
      expect(snapshot.body.national.arrivals24h).toBe(0);
      expect(snapshot.body.seq).toBe(0);
    });
  }

  it('an unknown site for an admin is 422', async () => {
    const server = await start();
    const answer = await server.request('POST', '/api/reports', ADMIN_TOKEN, arrivals('atlantis', 5));
    expect(answer.status).toBe(422);
    expect(answer.body.error.details[0].field).toBe('siteId');
  });

  it('a reused id with other content is 409, and the whole batch is refused', async () => {
    const server = await start();
    const reporter = await server.tokenFor('reporter', ['ibrahim-khalil']);
    const report = arrivals('ibrahim-khalil', 100);
    expect((await server.request('POST', '/api/reports', reporter, report)).status).toBe(201);
    const fresh = arrivals('ibrahim-khalil', 7);
    const answer = await server.request('POST', '/api/reports', reporter, { reports: [fresh, { ...report, arrivals: 999 }] });
    expect(answer.status).toBe(409);
    expect(answer.body.error.details.ids).toEqual([report.id]);
    const snapshot = await server.request('GET', '/api/snapshot', ADMIN_TOKEN);
    expect(snapshot.body.national.arrivals24h).toBe(100);
    expect((await server.request('POST', '/api/reports', reporter, fresh)).body.accepted).toEqual([fresh.id]);
  });

  it('a body over the limit is 413', async () => {
    const server = await start();
    const reporter = await server.tokenFor('reporter', ['ibrahim-khalil']);
    const answer = await server.request('POST', '/api/reports', reporter, { reports: [], pad: 'x'.repeat(2_000_000) });
    expect(answer.status).toBe(413);
    expect(answer.body.error.code).toBe('too_large');
  });
});

describe('tokens and roles', () => {
  it('refuses a missing, unknown or revoked token with 401, and a wrong role with 403', async () => {
    const server = await start();
    expect((await server.request('GET', '/api/health', null)).body).toMatchObject({ status: 'ok', storage: 'sqlite' });
    expect((await server.request('GET', '/api/snapshot', null)).status).toBe(401);
    expect((await server.request('GET', '/api/snapshot', 'nonsense')).status).toBe(401);

    const issued = await server.request('POST', '/api/tokens', ADMIN_TOKEN, { role: 'viewer', label: 'wall' });
    expect(issued.status).toBe(201);
    expect(issued.body.token.length).toBeGreaterThanOrEqual(43);
    const viewer = issued.body.token;
    expect((await server.request('GET', '/api/snapshot', viewer)).status).toBe(200);
    expect((await server.request('PUT', '/api/thresholds', viewer, {})).status).toBe(403);
    expect((await server.request('POST', '/api/reports', viewer, arrivals('ibrahim-khalil', 1))).status).toBe(403);

    const dashboard = await server.connect(viewer);
    const disconnected = new Promise((resolve) => dashboard.socket.once('disconnect', resolve));
    expect((await server.request('DELETE', `/api/tokens/${issued.body.id}`, ADMIN_TOKEN)).status).toBe(204);
    expect((await server.request('GET', '/api/snapshot', viewer)).status).toBe(401);
    await disconnected;
    await expect(server.connect(viewer)).rejects.toThrow(/unauthorized/);
  });

  it('a reporter reads only its own sites and posts only for them', async () => {
    const server = await start();
    const reporter = await server.tokenFor('reporter', ['ibrahim-khalil']);
    const sites = await server.request('GET', '/api/sites', reporter);
    expect(sites.body.map((s: Answer) => s.id)).toEqual(['ibrahim-khalil']);
    expect((await server.request('GET', '/api/snapshot', reporter)).status).toBe(403);
    const elsewhere = await server.request('POST', '/api/reports', reporter, arrivals('peshkhabour', 3));
    expect(elsewhere.status).toBe(403);
    expect(elsewhere.body.error.details[0].field).toBe('siteId');
    await expect(server.connect(reporter)).rejects.toThrow(/forbidden/);
  });

  it('an analyst acknowledges an alert with a note, and every dashboard sees it', async () => {
    const server = await start();
    const reporter = await server.tokenFor('reporter', ['domiz-1-clinic']);
    const analyst = await server.tokenFor('analyst');
    await server.request('POST', '/api/reports', reporter, {
      id: randomUUID(),
      siteId: 'domiz-1-clinic',
      observedAt: NOW,
      kind: 'health',
      status: 'closed',
    });
    const [alert] = (await server.request('GET', '/api/alerts?state=active', analyst)).body;
    expect(alert).toMatchObject({ rule: 'health_post_down', severity: 'critical', siteId: 'domiz-1-clinic', governorate: 'IQG09' });

    const viewer = await server.tokenFor('viewer');
    const wall = await server.connect(viewer);
    expect((await server.request('POST', `/api/alerts/${alert.id}/ack`, viewer, {})).status).toBe(403);
    const ack = await server.request('POST', `/api/alerts/${alert.id}/ack`, analyst, { note: 'team sent' });
    expect(ack.status).toBe(200);
    expect(ack.body).toMatchObject({ state: 'acknowledged', acknowledgedBy: 'analyst for tests', note: 'team sent' });
    const update = await waitFor('the acknowledgement', () => wall.updates.find((u: Answer) => u.alerts.some((a: Answer) => a.state === 'acknowledged')));
    expect(update.alerts[0]!.id).toBe(alert.id);
    expect((await server.request('POST', `/api/alerts/${randomUUID()}/ack`, analyst, {})).status).toBe(404);
    expect((await server.request('GET', '/api/alerts?state=open', analyst)).status).toBe(400);
  });
});
