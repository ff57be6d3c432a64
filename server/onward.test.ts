// Onward movement end to end, on both stores: arrivals at Duhok's checkpoints that say they are
// heading to Erbil reach Erbil's dashboard as "heading here" figures, an onward_influx alert and a
// shorter capacity forecast; the export and the CAP feed carry them; coordinators edit the travel
// times; and a report whose destinations exceed its arrivals is refused and stores nothing.
import { randomUUID } from 'node:crypto';
import { parse as parseCsv } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HXL_HASHTAG_ROW } from '../shared/hxl.ts';
import type { GovernorateRollup, Snapshot, Update } from '../shared/schemas.ts';
import { openPostgresStore } from './storage/postgres/postgresStore.ts';
import { createTestDatabase, type TestDatabase } from './storage/postgresTestDatabase.ts';
import { ADMIN_TOKEN, manualClock, startServer, waitFor, type Running } from './testing/harness.ts';

const START = '2026-11-28T06:00:00Z';
const ERBIL_SHELTERS = ['darashakran', 'kawergosk', 'qushtapa', 'basirma'];

const report = (siteId: string, fields: Record<string, unknown>, observedAt: string) => ({ id: randomUUID(), siteId, observedAt, ...fields });
const erbilOf = (governorates: readonly GovernorateRollup[]) => governorates.find((g) => g.pcode === 'IQG11');

describe.each(['sqlite', 'postgres'] as const)('onward movement on %s', (backend) => {
  const clock = manualClock(START);
  let server: Running;
  let db: TestDatabase | undefined;
  let reporter: string;

  beforeAll(async () => {
    if (backend === 'postgres') db = await createTestDatabase();
    server = await startServer({ clock, ...(db ? { store: openPostgresStore(db.url, { poolSize: 4, applicationName: 'amina-onward' }) } : {}) });
    reporter = await server.tokenFor('reporter', ['ibrahim-khalil', 'peshkhabour']);
    // Erbil's camps report what they hold: room is left, but not much (occupancy at 80 %)
    const camps = await (await server.request('GET', '/api/sites', ADMIN_TOKEN)).body;
    const occupancy = ERBIL_SHELTERS.map((id) => {
      const capacity = camps.find((s: { id: string }) => s.id === id).capacity as number;
      return report(id, { kind: 'occupancy', occupancy: Math.round(capacity * 0.8) }, START);
    });
    // and Erbil's own checkpoint sees its usual trickle, so its forecast has an inflow of its own
    const kalak = [3, 2, 1].map((h) => report('kalak', { kind: 'arrivals', arrivals: 60, periodMinutes: 60 }, new Date(Date.parse(START) - h * 3_600_000).toISOString()));
    expect((await server.request('POST', '/api/reports', ADMIN_TOKEN, { reports: [...occupancy, ...kalak] })).status).toBe(201);
  }, 60_000);
  afterAll(async () => {
    await server?.stop();
    await db?.drop();
  });

  it('refuses destinations that exceed the arrivals with 422 naming the field, and stores nothing', async () => {
    const single = report('ibrahim-khalil', { kind: 'arrivals', arrivals: 10, periodMinutes: 60, destinations: [{ to: 'IQG11', persons: 8 }, { to: 'unknown', persons: 3 }] }, START);
    const answer = await server.request('POST', '/api/reports', reporter, single);
    expect(answer.status).toBe(422);
    expect(answer.body.error.code).toBe('unprocessable');
    expect(answer.body.error.details).toEqual([{ field: 'destinations', message: expect.stringContaining('more than the 10 arrivals') }]);

    const fine = report('peshkhabour', { kind: 'arrivals', arrivals: 5, periodMinutes: 60 }, START);
    const batch = await server.request('POST', '/api/reports', reporter, { reports: [fine, single] });
    expect(batch.status).toBe(422);
    expect(batch.body.error.details[0].field).toBe('reports[1].destinations');

    // a governorate named twice is as impossible
    const twice = report('peshkhabour', { kind: 'arrivals', arrivals: 5, periodMinutes: 60, destinations: [{ to: 'IQG11', persons: 1 }, { to: 'IQG11', persons: 1 }] }, START);
    expect((await server.request('POST', '/api/reports', reporter, twice)).body.error.details[0].field).toBe('destinations[1].to');

    // nothing of either post was stored: not the bad report, not the good one beside it
    const csv = parseCsv((await server.request('GET', '/api/export/reports.csv', ADMIN_TOKEN)).body as string) as string[][];
    const ids = csv.slice(2).map((row) => row[HXL_HASHTAG_ROW.indexOf('#meta+id')]);
    expect(ids).not.toContain(single.id);
    expect(ids).not.toContain(fine.id);
    const erbil = erbilOf(((await server.request('GET', '/api/snapshot', ADMIN_TOKEN)).body as Snapshot).governorates)!;
    expect(erbil.onward?.heading24h).toBe(0);
  });

  it("shows Erbil, within a second, who is heading there from Duhok, an onward_influx alert and a shorter forecast", async () => {
    const viewer = await server.tokenFor('viewer');
    const { snapshot, updates } = await server.connect(viewer);
    const before = erbilOf(snapshot.governorates)!;
    expect(before.onward).toMatchObject({ heading24h: 0, expected24h: 0 });
    expect(before.forecast?.status).toBe('projected');
    const hoursBefore = before.forecast!.hoursToFull!;

    const posted = Date.now();
    const wave = [
      report('ibrahim-khalil', { kind: 'arrivals', arrivals: 2600, periodMinutes: 60, destinations: [{ to: 'IQG11', persons: 1500 }, { to: 'IQG08', persons: 200 }, { to: 'unknown', persons: 400 }] }, START),
      report('peshkhabour', { kind: 'arrivals', arrivals: 1800, periodMinutes: 60, destinations: [{ to: 'IQG11', persons: 1400 }] }, START),
    ];
    expect((await server.request('POST', '/api/reports', reporter, { reports: wave })).status).toBe(201);
    const update = await waitFor<Update>('an update with Erbil heading figures', () => updates.find((u) => erbilOf(u.governorates)?.onward?.heading24h), 1000);
    expect(Date.now() - posted).toBeLessThan(1000);

    const erbil = erbilOf(update.governorates)!;
    expect(erbil.onward).toMatchObject({ heading24h: 2900, heading6h: 2900, expected24h: 2900 });
    expect(erbil.onward!.byOrigin).toEqual([{ origin: 'IQG09', heading24h: 2900, heading6h: 2900, expected24h: 2900, travelHours: 3.5 }]);
    // 3.5 h ± 1.75 h: nobody in the first hour, everyone within six
    expect(erbil.onward!.expectedByHour[0]).toBe(0);
    expect(erbil.onward!.expectedByHour.slice(0, 6).reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(2899);
    const alert = await waitFor('the onward_influx alert', () => updates.flatMap((u) => u.alerts).find((a) => a.rule === 'onward_influx' && a.governorate === 'IQG11'), 1000);
    expect(alert).toMatchObject({ severity: 'warning', value: 2900, threshold: 2000, origins: ['IQG09'], state: 'active' });
    expect(alert.message).toContain('from Duhok');
    expect(erbil.forecast!.onwardShare).toBeGreaterThan(0.5);
    expect(erbil.forecast!.hoursToFull!).toBeLessThan(hoursBefore);
    // Baghdad hears of its 200 too, below its line
    const baghdad = update.governorates.find((g) => g.pcode === 'IQG08');
    expect(baghdad?.onward?.heading24h).toBe(200);
  });

  it('exports a row per destination, and the CAP feed carries the alert for Erbil naming Duhok', async () => {
    const csv = parseCsv((await server.request('GET', '/api/export/reports.csv', ADMIN_TOKEN)).body as string) as string[][];
    const col = (tag: string) => HXL_HASHTAG_ROW.indexOf(tag);
    const destinations = csv.slice(2).filter((row) => row[col('#meta+type')] === 'arrivals_destination');
    expect(destinations.map((row) => [row[col('#adm1+code+origin')], row[col('#adm1+code+dest')], row[col('#affected+ind+dest')]])).toEqual(
      expect.arrayContaining([
        ['IQG09', 'IQG11', '1500'],
        ['IQG09', 'IQG08', '200'],
        ['IQG09', 'unknown', '400'],
        ['IQG09', 'IQG11', '1400'],
      ]),
    );
    expect(destinations).toHaveLength(4);

    const cap = (await server.request('GET', '/api/export/alerts.cap', ADMIN_TOKEN)).body as string;
    const entry = cap.split('<entry>').find((e) => e.includes('<value>onward_influx</value>'))!;
    expect(entry).toBeDefined();
    expect(entry).toContain('<value>IQG11</value>');
    expect(entry).toContain('<headline>Erbil: about 2,900 persons expected in 24 h from Duhok (threshold');
    expect(entry).toContain('<certainty>Likely</certainty>');
  });

  it('lets a coordinator change a travel time: audited, and every dashboard judges by it at once', async () => {
    const viewer = await server.tokenFor('viewer');
    const coordinator = await server.tokenFor('coordinator');
    const { updates } = await server.connect(viewer);
    expect((await server.request('PUT', '/api/thresholds/travel-times', viewer, { travelHours: { 'IQG09>IQG11': 8 } })).status).toBe(403);
    const bad = await server.request('PUT', '/api/thresholds/travel-times', coordinator, { travelHours: { 'IQG09>IQG09': 8 } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details[0].field).toContain('IQG09>IQG09');

    const answer = await server.request('PUT', '/api/thresholds/travel-times', coordinator, { travelHours: { 'IQG09>IQG11': 8 } });
    expect(answer.status).toBe(200);
    expect(answer.body.onwardInflux.travelHours['IQG09>IQG11']).toBe(8);
    // the other pairs are untouched
    expect(answer.body.onwardInflux.travelHours['IQG15>IQG11']).toBe(4);
    const update = await waitFor<Update>('an update with the new thresholds', () => updates.find((u) => u.thresholds), 1000);
    expect(update.thresholds?.onwardInflux?.travelHours['IQG09>IQG11']).toBe(8);
    expect(erbilOf(update.governorates)?.onward?.byOrigin[0]?.travelHours).toBe(8);
    const audit = (await server.request('GET', '/api/audit?limit=5', ADMIN_TOKEN)).body as { action: string; details: unknown }[];
    expect(audit.find((e) => e.action === 'thresholds.travel_times')?.details).toMatchObject({ changed: { 'IQG09>IQG11': 8 } });
  });

  it('keeps the onward figures in the picture of the past', async () => {
    clock.advance(3 * 3_600_000);
    await server.app.live.tick();
    const past = (await server.request('GET', `/api/snapshot?at=${START.replace('06:00', '06:30')}`, ADMIN_TOKEN)).body as Snapshot;
    expect(erbilOf(past.governorates)?.onward?.heading24h).toBe(2900);
    const now = (await server.request('GET', '/api/snapshot', ADMIN_TOKEN)).body as Snapshot;
    // three hours on, at the new travel time of 8 h: still all on their way
    expect(erbilOf(now.governorates)?.onward).toMatchObject({ heading24h: 2900, heading6h: 2900, expected24h: 2900 });
  });
});
