// Capacity forecast end to end: real server, real SQLite, real HTTP and Socket.IO, a clock moved by hand.
import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import type { Alert, CapacityForecast } from '../shared/schemas.ts';
import { manualClock, startServer, waitFor, type Running } from './testing/harness.ts';

const HOUR_MS = 3_600_000;
let running: Running | null = null;

afterEach(async () => {
  await running?.stop();
  running = null;
});

const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');

function arrivals(observedAtMs: number, count: number) {
  return { id: randomUUID(), siteId: 'ibrahim-khalil', observedAt: iso(observedAtMs), kind: 'arrivals', arrivals: count, periodMinutes: 60 };
}
function occupancy(observedAtMs: number, value: number) {
  return { id: randomUUID(), siteId: 'domiz-1', observedAt: iso(observedAtMs), kind: 'occupancy', occupancy: value };
}

describe('capacity_exhaustion through the real server', () => {
  it('raises on a steady inflow into nearly full shelters, escalates, and resolves when the inflow stops', async () => {
    const start = Date.parse('2026-11-28T12:00:00Z');
    const clock = manualClock(iso(start));
    running = await startServer({ clock });
    const server = running;
    const reporter = await server.tokenFor('reporter', ['ibrahim-khalil', 'domiz-1']);
    const viewer = await server.tokenFor('viewer');
    const dashboard = await server.connect(viewer);

    // Duhok (IQG09): Domiz 1 holds 27,000; 26,250 there leaves 750 places. Six hours of 200
    // arrivals an hour at Ibrahim Khalil, posted late in one batch, land in the hours they describe.
    const steady = [5.5, 4.5, 3.5, 2.5, 1.5, 0.5].map((hoursAgo) => arrivals(start - hoursAgo * HOUR_MS, 200));
    const posted = await server.request('POST', '/api/reports', reporter, { reports: [occupancy(start - HOUR_MS, 26_250), ...steady] });
    expect(posted.status).toBe(201);

    // Duhok's own shelter share in the fixtures, 15 % of 200 an hour, is 30 an hour: 750 places last 25 h.
    const raised = await waitFor('capacity_exhaustion on the live feed', () =>
      dashboard.updates.flatMap((u) => u.alerts).find((a) => a.rule === 'capacity_exhaustion'),
    );
    expect(raised).toMatchObject({
      rule: 'capacity_exhaustion',
      severity: 'warning',
      governorate: 'IQG09',
      value: 25,
      threshold: 48,
      state: 'active',
      message: 'Duhok: shelters full in about 25 hours if arrivals go on at this rate',
    });
    expect(raised.siteId).toBeUndefined();

    // On the CAP feed, in three languages, as a projection (certainty Likely) for the governorate.
    const cap = await server.request('GET', '/api/export/alerts.cap', viewer);
    expect(cap.status).toBe(200);
    const entry = String(cap.body).split('<entry>').find((e) => e.includes(raised.id))!;
    expect(entry).toContain('<event>Shelters projected to fill</event>');
    expect(entry).toContain('<headline>Duhok: shelters full in about 25 hours if arrivals go on at this rate</headline>');
    expect(entry).toContain('<certainty>Likely</certainty>');
    expect(entry).toContain('<value>IQG09</value>');
    expect(entry).toContain('<language>ar</language>');
    expect(entry).not.toContain('<valueName>siteId</valueName>');

    const snapshot = await server.request('GET', '/api/snapshot', viewer);
    const duhok = snapshot.body.governorates.find((g: { pcode: string }) => g.pcode === 'IQG09');
    expect(duhok.forecast).toMatchObject({
      status: 'projected',
      inflowPerHour: 200,
      arrivalReports: 6,
      shelterShare: 0.15,
      smoothingHours: 6,
      remainingCapacity: 750,
      sheltersReporting: 1,
      // every Duhok shelter in the registry, though only Domiz 1 reports
      shelters: (await server.request('GET', '/api/sites', viewer)).body.filter((s: { governorate: string; kind: string }) => s.governorate === 'IQG09' && s.kind === 'shelter').length,
      hoursToFull: 25,
    } satisfies Partial<CapacityForecast>);
    expect(duhok.forecast.hoursToFullLow).toBeLessThan(25);
    expect(duhok.forecast.hoursToFullHigh).toBeGreaterThan(25);
    // Where nothing flows in, the forecast says so and no alert is raised.
    const anbar = snapshot.body.governorates.find((g: { pcode: string }) => g.pcode === 'IQG01');
    expect(anbar.forecast.status).not.toBe('projected');
    expect(snapshot.body.alerts.filter((a: Alert) => a.rule === 'capacity_exhaustion').map((a: Alert) => a.governorate)).toEqual(['IQG09']);

    // 26,800 sheltered leaves 200 places: about 7 h at 30 an hour, the same alert now critical.
    await server.request('POST', '/api/reports', reporter, occupancy(start, 26_800));
    const escalated = await waitFor('the escalation', () =>
      dashboard.updates.flatMap((u) => u.alerts).find((a) => a.rule === 'capacity_exhaustion' && a.severity === 'critical'),
    );
    expect(escalated).toMatchObject({ id: raised.id, value: 7, threshold: 12, state: 'active' });

    // The crossing keeps reporting, but nobody crosses: the smoothed rate halves every 6 h, and once
    // 200 places would last 48 h or more the alert resolves (after 13 hours, docs/forecast.md). The
    // shelter keeps reporting its figure too: a shelter silent past its window stops counting.
    let resolvedAfter = 0;
    const severities: string[] = [];
    for (let hour = 1; hour <= 24 && !resolvedAfter; hour++) {
      clock.advance(HOUR_MS);
      const observedMs = start + hour * HOUR_MS - HOUR_MS / 2;
      const answer = await server.request('POST', '/api/reports', reporter, { reports: [arrivals(observedMs, 0), occupancy(observedMs, 26_800)] });
      expect(answer.status).toBe(201);
      const alerts = await server.request('GET', '/api/alerts?state=active,acknowledged,resolved', viewer);
      const alert = (alerts.body as Alert[]).find((a) => a.id === raised.id)!;
      if (alert.state === 'resolved') resolvedAfter = hour;
      else severities.push(alert.severity);
    }
    expect(resolvedAfter).toBe(13);
    expect(severities.slice(0, 2)).toEqual(['critical', 'critical']);
    expect(severities.at(-1)).toBe('warning');
    const resolvedOnFeed = await waitFor('the resolution on the live feed', () =>
      dashboard.updates.flatMap((u) => u.alerts).find((a) => a.id === raised.id && a.state === 'resolved'),
    );
    expect(resolvedOnFeed.resolvedAt).toBe(iso(start + 13 * HOUR_MS));

    // A tick with no new report keeps it quiet: the forecast has the low rate, and no new alert.
    clock.advance(HOUR_MS);
    await server.app.live.tick();
    const later = await server.request('GET', '/api/snapshot', viewer);
    expect(later.body.alerts.filter((a: Alert) => a.rule === 'capacity_exhaustion')).toEqual([]);
    const forecast: CapacityForecast = later.body.governorates.find((g: { pcode: string }) => g.pcode === 'IQG09').forecast;
    expect(forecast).toMatchObject({ status: 'projected', shelterShare: 0.15, hoursToFull: 61 });

    // A coordinator decides 60 % of Duhok's arrivals seek shelter after all: four times the demand,
    // 15 h left at 22 an hour, and a new alert at once.
    const coordinator = await server.tokenFor('coordinator');
    const current = await server.request('GET', '/api/thresholds', viewer);
    const changed = {
      ...current.body,
      capacityExhaustion: { ...current.body.capacityExhaustion, shelterSharePerGovernorate: { IQG09: 0.6 } },
    };
    expect((await server.request('PUT', '/api/thresholds', coordinator, changed)).status).toBe(200);
    const again = await waitFor('a new capacity_exhaustion', () =>
      dashboard.updates.flatMap((u) => u.alerts).find((a) => a.rule === 'capacity_exhaustion' && a.id !== raised.id),
    );
    expect(again).toMatchObject({ severity: 'warning', value: 15, threshold: 48, state: 'active' });

    // A coordinator cannot set a critical band wider than the warning band.
    const inverted = { ...changed, capacityExhaustion: { ...changed.capacityExhaustion, warningHours: 10, criticalHours: 20 } };
    const refused = await server.request('PUT', '/api/thresholds', coordinator, inverted);
    expect(refused.status).toBe(400);
  });
});
