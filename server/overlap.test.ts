// The overlap guard over real HTTP, on SQLite and on PostgreSQL: an arrivals report whose period
// overlaps a stored one of the same site and world is stored, and its answer carries a warning.
import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { openPostgresStore } from './storage/postgres/postgresStore.ts';
import { createTestDatabase, type TestDatabase } from './storage/postgresTestDatabase.ts';
import type { Store } from './storage/store.ts';
import { ADMIN_TOKEN, manualClock, startServer, type Running } from './testing/harness.ts';

const NOW = '2026-11-28T08:00:00Z';
let cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.reverse()) await c();
  cleanups = [];
});

const STORES: [string, () => Promise<Store | undefined>][] = [
  ['SQLite', async () => undefined],
  [
    'PostgreSQL',
    async () => {
      const db: TestDatabase = await createTestDatabase();
      cleanups.push(() => db.drop());
      return openPostgresStore(db.url, { poolSize: 3, applicationName: 'amina-overlap-test' });
    },
  ],
];

function arrivals(observedAt: string, periodMinutes: number, count: number, siteId = 'ibrahim-khalil') {
  return { id: randomUUID(), siteId, observedAt, kind: 'arrivals', arrivals: count, periodMinutes };
}

describe.each(STORES)('overlapping reports on %s', (_, openStore) => {
  async function start(): Promise<Running> {
    const store = await openStore();
    const server = await startServer({ clock: manualClock(NOW), ...(store ? { store } : {}) });
    cleanups.push(() => server.stop());
    return server;
  }

  it('stores an overlapping report and warns, names the earlier one, and stays quiet for back-to-back hours', async () => {
    const server = await start();
    const reporter = await server.tokenFor('reporter', ['ibrahim-khalil', 'peshkhabour']);
    const first = arrivals('2026-11-28T07:30:00Z', 60, 250);
    const firstAnswer = await server.request('POST', '/api/reports', reporter, first);
    expect(firstAnswer.status).toBe(201);
    expect(firstAnswer.body).toEqual({ accepted: [first.id], duplicate: [] });

    const resend = arrivals('2026-11-28T07:31:10Z', 60, 250);
    const answer = await server.request('POST', '/api/reports', reporter, resend);
    expect(answer.status).toBe(201);
    expect(answer.body.accepted).toEqual([resend.id]);
    expect(answer.body.warnings).toEqual([
      {
        reportId: resend.id,
        code: 'overlap',
        message: expect.stringContaining(first.id),
        earlier: { id: first.id, observedAt: '2026-11-28T07:30:00Z', periodMinutes: 60, arrivals: 250 },
      },
    ]);
    // Stored all the same: the picture counts both, as the lead sent them.
    const snapshot = await server.request('GET', '/api/snapshot', ADMIN_TOKEN);
    expect(snapshot.body.sites.find((s: { id: string }) => s.id === 'ibrahim-khalil').arrivals1h).toBe(500);

    // A retry of the first report is a duplicate; it warns of the resend, which overlaps it, not of itself.
    const retry = await server.request('POST', '/api/reports', reporter, first);
    expect(retry.body.duplicate).toEqual([first.id]);
    expect(retry.body.warnings.map((w: { earlier: { id: string } }) => w.earlier.id)).toEqual([resend.id]);

    // The next hour, back to back with the first, and another site: no warning.
    const next = await server.request('POST', '/api/reports', reporter, {
      reports: [arrivals('2026-11-28T06:30:00Z', 60, 10), arrivals('2026-11-28T07:30:00Z', 60, 99, 'peshkhabour')],
    });
    expect(next.status).toBe(201);
    expect(next.body.warnings).toBeUndefined();
  });

  it('warns within a batch, and never across worlds', async () => {
    const server = await start();
    const drill = await server.request('POST', '/api/tokens', ADMIN_TOKEN, { role: 'reporter', sites: ['ibrahim-khalil'], label: 'drill', exercise: true });
    const exercise = arrivals('2026-11-28T07:30:00Z', 60, 100);
    expect((await server.request('POST', '/api/reports', drill.body.token, exercise)).body.warnings).toBeUndefined();

    const reporter = await server.tokenFor('reporter', ['ibrahim-khalil']);
    const a = arrivals('2026-11-28T07:50:00Z', 120, 40);
    const b = arrivals('2026-11-28T07:45:00Z', 30, 20);
    const batch = await server.request('POST', '/api/reports', reporter, { reports: [a, b] });
    expect(batch.status).toBe(201);
    expect(batch.body.warnings).toEqual([expect.objectContaining({ reportId: b.id, earlier: expect.objectContaining({ id: a.id }) })]);

    // Occupancy and health reports are latest-wins: they never warn.
    const camp = await server.tokenFor('reporter', ['domiz-1']);
    const occupancy = { id: randomUUID(), siteId: 'domiz-1', observedAt: NOW, kind: 'occupancy', occupancy: 10 };
    await server.request('POST', '/api/reports', camp, occupancy);
    const again = await server.request('POST', '/api/reports', camp, { ...occupancy, id: randomUUID() });
    expect(again.body.warnings).toBeUndefined();
  });
});
