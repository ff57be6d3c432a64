// Closing a site on SQLite and PostgreSQL, over real HTTP: its history stays (the log, the CSV, the
// series, past pictures), new reports for it are refused whole (HTTP batches and SMS), it leaves the
// live picture and the occupancy rollup, its open alerts resolve and it is never called silent; it
// can be reopened. Both changes are audited.
import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { openPostgresStore } from './storage/postgres/postgresStore.ts';
import { createTestDatabase, type TestDatabase } from './storage/postgresTestDatabase.ts';
import { openSqliteStore } from './storage/sqlite/sqliteStore.ts';
import type { Store } from './storage/store.ts';
import { ADMIN_TOKEN, manualClock, startServer, tempDataDir, type Answer, type Running } from './testing/harness.ts';

const NOW = '2026-11-28T12:00:00Z';
const HOUR = 3_600_000;
const GATEWAY_SECRET = 'gateway-secret-for-tests-0123';
const NUMBER = '+9647501234512';

let running: Running[] = [];
let databases: TestDatabase[] = [];
afterEach(async () => {
  for (const server of running) await server.stop();
  running = [];
  for (const db of databases) await db.drop();
  databases = [];
});

const STORES: Record<string, () => Promise<Store>> = {
  sqlite: async () => openSqliteStore(tempDataDir()),
  postgres: async () => {
    const db = await createTestDatabase();
    databases.push(db);
    return openPostgresStore(db.url, { poolSize: 3 });
  },
};

const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
const occupancy = (siteId: string, value: number, observedAt: string) => ({ id: randomUUID(), siteId, observedAt, kind: 'occupancy', occupancy: value });
const arrivals = (siteId: string, value: number, observedAt: string) => ({ id: randomUUID(), siteId, observedAt, kind: 'arrivals', arrivals: value, periodMinutes: 60 });

for (const [kind, open] of Object.entries(STORES)) {
  describe(`closing a site on ${kind}`, () => {
    it('keeps its history, refuses new reports whole, leaves the live picture and its alerts, and reopens', async () => {
      const clock = manualClock(NOW);
      const server = await startServer({
        clock,
        store: await open(),
        config: { phoneHashSecret: 'phone-hash-secret-for-tests-0123456789abcdef', smsGatewaySecret: GATEWAY_SECRET },
      });
      running.push(server);
      const reporter = await server.tokenFor('reporter', ['domiz-1', 'khanke', 'ibrahim-khalil']);
      const kept = occupancy('domiz-1', 20_000, NOW);
      expect((await server.request('POST', '/api/reports', reporter, { reports: [kept, arrivals('ibrahim-khalil', 40, NOW)] })).status).toBe(201);
      const snapshot = async (query = '') => (await server.request('GET', `/api/snapshot${query}`, ADMIN_TOKEN)).body;
      const before = await snapshot();
      const domiz = (await server.request('GET', '/api/sites', ADMIN_TOKEN)).body.find((s: Answer) => s.id === 'domiz-1');
      expect(before.national.occupancy).toBe(20_000);
      expect(before.national.capacity).toBe(domiz.capacity);

      // 13 h without a report: the shelter is silent, with an open alert
      clock.advance(13 * HOUR);
      await server.app.live.tick();
      const silent = (await server.request('GET', '/api/alerts?state=active', ADMIN_TOKEN)).body.find((a: Answer) => a.siteId === 'domiz-1' && a.rule === 'site_silent');
      expect(silent).toBeDefined();

      // only an admin closes
      expect((await server.request('POST', '/api/sites/domiz-1/close', reporter, {})).status).toBe(403);
      expect((await server.request('POST', '/api/sites/no-such-site/close', ADMIN_TOKEN, {})).status).toBe(404);
      const closedAtMs = Date.parse(NOW) + 13 * HOUR;
      const closed = await server.request('POST', '/api/sites/domiz-1/close', ADMIN_TOKEN, {});
      expect(closed.status).toBe(200);
      expect(closed.body).toMatchObject({ id: 'domiz-1', closedAt: iso(closedAtMs) });
      expect((await server.request('POST', '/api/sites/domiz-1/close', ADMIN_TOKEN, {})).status).toBe(409);

      // its alert resolved as it closed; the registry still lists it, marked
      const resolved = (await server.request('GET', '/api/alerts?state=resolved', ADMIN_TOKEN)).body.find((a: Answer) => a.id === silent.id);
      expect(resolved).toMatchObject({ state: 'resolved' });
      expect((await server.request('GET', '/api/sites', ADMIN_TOKEN)).body.find((s: Answer) => s.id === 'domiz-1').closedAt).toBe(iso(closedAtMs));

      // off the live picture: no state, and its places leave the shelters counted
      const after = await snapshot();
      expect(after.sites.map((s: Answer) => s.id)).not.toContain('domiz-1');
      expect(after.national.shelters).toBe(before.national.shelters - 1);
      expect(after.national.capacity + after.national.capacityUnknown).toBe(before.national.capacity + before.national.capacityUnknown - domiz.capacity);

      // a batch with one report for it is refused whole, naming the field; nothing is stored
      const count = async () => (await server.request('GET', '/api/sites/khanke/reports', ADMIN_TOKEN)).body.length;
      const now = iso(closedAtMs + 60_000);
      clock.advance(60_000);
      const refused = await server.request('POST', '/api/reports', reporter, { reports: [occupancy('khanke', 100, now), occupancy('domiz-1', 19_000, now)] });
      expect(refused.status).toBe(422);
      expect(refused.body.error.details).toEqual([{ field: 'reports[1].siteId', message: `site "domiz-1" was closed at ${iso(closedAtMs)}; reopen it to take reports` }]);
      expect(await count()).toBe(0);
      const single = await server.request('POST', '/api/reports', reporter, occupancy('domiz-1', 19_000, now));
      expect(single.status).toBe(422);
      expect(single.body.error.details[0].field).toBe('siteId');

      // by SMS too: the lead is told the site is closed, and nothing is stored
      const issued = await server.request('POST', '/api/tokens', ADMIN_TOKEN, { role: 'reporter', sites: ['domiz-1'], label: 'Domiz lead' });
      expect((await server.request('POST', '/api/phones', ADMIN_TOKEN, { number: NUMBER, tokenId: issued.body.id, label: 'Domiz lead' })).status).toBe(201);
      const sms = await server.request('GET', `/api/sms/kannel?${new URLSearchParams({ secret: GATEWAY_SECRET, from: NUMBER, text: 'O DOM1 19000', id: 'm1' })}`, null);
      expect(sms.body).toBe('DOM1 is closed and takes no new reports. Ask your coordinator.');

      // history kept: its report, the export, the series and the picture of before it closed
      const history = (await server.request('GET', '/api/sites/domiz-1/reports?hours=48', ADMIN_TOKEN)).body;
      expect(history.map((r: Answer) => r.id)).toEqual([kept.id]);
      const csv = await server.request('GET', '/api/export/reports.csv', ADMIN_TOKEN);
      expect(String(csv.body)).toContain(kept.id);
      const series = (await server.request('GET', `/api/governorates/IQG09/series?from=${NOW}&to=${iso(closedAtMs)}&bucket=1h`, ADMIN_TOKEN)).body;
      expect(series[0].occupancy).toBe(20_000);
      const past = await snapshot(`?at=${iso(Date.parse(NOW) + HOUR)}`);
      expect(past.sites.find((s: Answer) => s.id === 'domiz-1')).toMatchObject({ occupancy: 20_000 });
      expect(past.national.occupancy).toBe(20_000);

      // a day and more on: never called silent
      clock.advance(30 * HOUR);
      await server.app.live.tick();
      const openAlerts = (await server.request('GET', '/api/alerts?state=active,acknowledged', ADMIN_TOKEN)).body;
      expect(openAlerts.filter((a: Answer) => a.siteId === 'domiz-1')).toEqual([]);
      expect(openAlerts.some((a: Answer) => a.siteId === 'ibrahim-khalil' && a.rule === 'site_silent')).toBe(true);

      // PUT cannot close or reopen; an edit keeps the closing
      const { closedAt: _closedAt, ...withoutClosing } = closed.body;
      const reopenByPut = await server.request('PUT', '/api/sites/domiz-1', ADMIN_TOKEN, { ...closed.body, closedAt: null });
      expect(reopenByPut.status).toBe(422);
      expect(reopenByPut.body.error.details[0].field).toBe('closedAt');
      const edited = await server.request('PUT', '/api/sites/domiz-1', ADMIN_TOKEN, { ...withoutClosing, nameEn: 'Domiz 1 (old)' });
      expect(edited.status).toBe(200);
      expect(edited.body.closedAt).toBe(iso(closedAtMs));

      // reopened: it takes reports again and is back on the picture
      expect((await server.request('POST', '/api/sites/domiz-1/reopen', reporter, {})).status).toBe(403);
      const reopened = await server.request('POST', '/api/sites/domiz-1/reopen', ADMIN_TOKEN, {});
      expect(reopened.status).toBe(200);
      expect(reopened.body.closedAt).toBeUndefined();
      expect((await server.request('POST', '/api/sites/domiz-1/reopen', ADMIN_TOKEN, {})).status).toBe(409);
      const later = iso(closedAtMs + 60_000 + 30 * HOUR);
      expect((await server.request('POST', '/api/reports', reporter, occupancy('domiz-1', 18_000, later))).status).toBe(201);
      expect((await snapshot()).sites.find((s: Answer) => s.id === 'domiz-1')).toMatchObject({ occupancy: 18_000 });

      const audit = (await server.request('GET', '/api/audit?limit=20', ADMIN_TOKEN)).body;
      const changes = audit.filter((e: Answer) => e.action === 'site.close' || e.action === 'site.reopen').map((e: Answer) => [e.action, e.subject]);
      expect(changes).toEqual([
        ['site.reopen', 'domiz-1'],
        ['site.close', 'domiz-1'],
      ]);
    });
  });
}
