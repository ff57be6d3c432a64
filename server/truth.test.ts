// Regression cases for findings that made the picture lie: each failed before its fix.
import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import type { Site, Snapshot, Thresholds } from '../shared/schemas.ts';
import { ADMIN_TOKEN, manualClock, startServer, waitFor, type Running } from './testing/harness.ts';

const NOW = '2026-11-28T12:00:00Z';
let running: Running[] = [];

async function start() {
  const server = await startServer({ clock: manualClock(NOW) });
  running.push(server);
  return server;
}

afterEach(async () => {
  for (const server of running) await server.stop();
  running = [];
});

function arrivals(siteId: string, count: number, observedAt = '2026-11-28T11:30:00Z', id: string = randomUUID()) {
  return { id, siteId, observedAt, kind: 'arrivals', arrivals: count, periodMinutes: 60 };
}

async function thresholdsOf(server: Running): Promise<Thresholds> {
  return (await server.request('GET', '/api/thresholds', ADMIN_TOKEN)).body as Thresholds;
}

describe('report identity compares instants and UUIDs, not their spelling', () => {
  it('answers a retry with the same instant written with an offset, or the id in capitals, as a duplicate', async () => {
    const server = await start();
    const report = arrivals('ibrahim-khalil', 700, '2026-11-28T11:30:00Z');
    expect((await server.request('POST', '/api/reports', ADMIN_TOKEN, report)).body).toEqual({ accepted: [report.id], duplicate: [] });

    const offset = { ...report, observedAt: '2026-11-28T14:30:00+03:00' };
    const zero = { ...report, observedAt: '2026-11-28T11:30:00.000+00:00' };
    const capitals = { ...report, id: report.id.toUpperCase() };
    for (const retry of [offset, zero, capitals]) {
      const answer = await server.request('POST', '/api/reports', ADMIN_TOKEN, retry);
      expect(answer.status, JSON.stringify(answer.body)).toBe(201);
      // the answer names the id as it was sent, so a client matching its own spelling finds it
      expect(answer.body).toEqual({ accepted: [], duplicate: [retry.id] });
    }
    const snapshot = (await server.request('GET', '/api/snapshot', ADMIN_TOKEN)).body as Snapshot;
    expect(snapshot.national.arrivals24h).toBe(700);
    // another instant under the same id is still a reused id
    const moved = await server.request('POST', '/api/reports', ADMIN_TOKEN, { ...report, observedAt: '2026-11-28T11:31:00Z' });
    expect(moved.status).toBe(409);
  });
});

describe('ids a client chose are looked up as own entries only', () => {
  it('raises checkpoint_surge for a site whose id is also a property of Object.prototype', async () => {
    const server = await start();
    const site: Site = { id: 'constructor', kind: 'checkpoint', nameEn: 'Constructor crossing', nameAr: 'منفذ', governorate: 'IQG09', lon: null, lat: null };
    expect((await server.request('PUT', '/api/sites/constructor', ADMIN_TOKEN, site)).status).toBe(201);
    expect((await server.request('POST', '/api/reports', ADMIN_TOKEN, arrivals('constructor', 600))).status).toBe(201);
    const snapshot = (await server.request('GET', '/api/snapshot', ADMIN_TOKEN)).body as Snapshot;
    expect(snapshot.alerts.find((a) => a.siteId === 'constructor')).toMatchObject({ rule: 'checkpoint_surge', severity: 'warning', value: 600, threshold: 500 });

    // and a per-site line for it is honoured, not read from the prototype
    const thresholds = await thresholdsOf(server);
    const own = { ...thresholds, checkpointSurge: { ...thresholds.checkpointSurge, perSite: { ...thresholds.checkpointSurge.perSite, constructor: 250 } } };
    expect((await server.request('PUT', '/api/thresholds', ADMIN_TOKEN, own)).status).toBe(200);
    const after = (await server.request('GET', '/api/snapshot', ADMIN_TOKEN)).body as Snapshot;
    expect(after.alerts.find((a) => a.siteId === 'constructor')).toMatchObject({ severity: 'critical', threshold: 500 });
  });

  it('refuses __proto__ and per-site settings for unknown sites, naming the field, and changes nothing', async () => {
    const server = await start();
    const coordinator = await server.tokenFor('coordinator');
    const before = await thresholdsOf(server);

    const proto = JSON.stringify(before).replace('"perSite":{', '"perSite":{"__proto__":5,');
    const refused = await server.request('PUT', '/api/thresholds', coordinator, proto);
    expect(refused.status).toBe(400);
    expect(refused.body.error.details.map((d: { field: string }) => d.field)).toContain('checkpointSurge.perSite.__proto__');

    const typo = { ...before, siteSilent: { ...before.siteSilent, perSite: { ...before.siteSilent.perSite, 'trebill': 12 } } };
    const unknown = await server.request('PUT', '/api/thresholds', coordinator, typo);
    expect(unknown.status).toBe(422);
    expect(unknown.body.error.details).toEqual([{ field: 'siteSilent.perSite.trebill', message: 'names no site in the registry' }]);
    expect(await thresholdsOf(server)).toEqual(before);
  });
});

describe('thresholds reach every open dashboard live', () => {
  it('sends the new thresholds in the next update of both worlds, and in every snapshot', async () => {
    const server = await start();
    const coordinator = await server.tokenFor('coordinator');
    const viewer = await server.tokenFor('viewer');
    const real = await server.connect(viewer);
    const drill = await server.connect(viewer, 'exercise');
    expect(real.snapshot.thresholds.checkpointSurge.arrivals1h).toBe(500);

    const before = await thresholdsOf(server);
    const lower = { ...before, checkpointSurge: { ...before.checkpointSurge, arrivals1h: 400 } };
    expect((await server.request('PUT', '/api/thresholds', coordinator, lower)).status).toBe(200);
    for (const dashboard of [real, drill]) {
      const update = await waitFor('an update with thresholds', () => dashboard.updates.find((u) => u.thresholds));
      expect(update.thresholds?.checkpointSurge.arrivals1h).toBe(400);
    }
    expect(real.updates[0]?.world).toBe('real');
    expect(drill.updates[0]?.world).toBe('exercise');
    // a later update that changes nothing of them does not repeat them
    await server.request('POST', '/api/reports', ADMIN_TOKEN, arrivals('rabia', 10));
    const next = await waitFor('the next update', () => real.updates[1]);
    expect(next.thresholds).toBeUndefined();
    expect(((await server.request('GET', '/api/snapshot', viewer)).body as Snapshot).thresholds.checkpointSurge.arrivals1h).toBe(400);
  });
});

describe('a drill never touches a real alert', () => {
  it('keeps a real full-shelter alert open while a drill reports that shelter half empty, and the drill gets its own alert', async () => {
    const server = await start();
    const drill = await server.request('POST', '/api/tokens', ADMIN_TOKEN, { role: 'reporter', sites: ['domiz-1', 'ibrahim-khalil'], label: 'drill', exercise: true });
    const occupancy = (value: number) => ({ id: randomUUID(), siteId: 'domiz-1', observedAt: NOW, kind: 'occupancy', occupancy: value });
    // Domiz 1 holds 27,000: 28,080 is 104 %
    await server.request('POST', '/api/reports', ADMIN_TOKEN, occupancy(28_080));
    const realAlert = ((await server.request('GET', '/api/snapshot', ADMIN_TOKEN)).body as Snapshot).alerts.find((a) => a.siteId === 'domiz-1')!;
    expect(realAlert).toMatchObject({ rule: 'shelter_capacity', severity: 'critical', state: 'active' });

    await server.request('POST', '/api/reports', drill.body.token, occupancy(10_000));
    await server.request('POST', '/api/reports', drill.body.token, arrivals('ibrahim-khalil', 92_110));
    const after = (await server.request('GET', '/api/snapshot', ADMIN_TOKEN)).body as Snapshot;
    expect(after.alerts).toEqual([realAlert]);
    expect(after.sites.find((s) => s.id === 'domiz-1')?.occupancy).toBe(28_080);
    expect(after.national.arrivals24h).toBe(0);
    const exercise = (await server.request('GET', '/api/snapshot?exercise=only', ADMIN_TOKEN)).body as Snapshot;
    expect(exercise.sites.find((s) => s.id === 'domiz-1')?.occupancy).toBe(10_000);
    expect(exercise.alerts.map((a) => [a.rule, a.siteId ?? a.governorate, a.severity]).sort()).toEqual([
      ['checkpoint_surge', 'ibrahim-khalil', 'critical'],
      ['governorate_influx', 'IQG09', 'critical'],
    ]);
    // acknowledging a drill alert is done in the drill's world, and leaves the real one as it was
    const analyst = await server.tokenFor('analyst');
    const acked = await server.request('POST', `/api/alerts/${exercise.alerts[0]!.id}/ack`, analyst, { note: 'drill: seen' });
    expect(acked.body.state).toBe('acknowledged');
    expect(((await server.request('GET', '/api/alerts', ADMIN_TOKEN)).body as unknown[]).length).toBe(1);
    expect(((await server.request('GET', '/api/alerts?exercise=only&state=acknowledged', ADMIN_TOKEN)).body as unknown[]).length).toBe(1);
  });
});

describe('honest occupancy through the server', () => {
  it('shows a governorate whose reporting shelters are nearly full as nearly full, and one with no report as no data', async () => {
    const server = await start();
    const snapshotOf = async () => (await server.request('GET', '/api/snapshot', ADMIN_TOKEN)).body as Snapshot;
    const erbilShelters = (await server.request('GET', '/api/sites', ADMIN_TOKEN)).body.filter((s: Site) => s.governorate === 'IQG11' && s.kind === 'shelter') as Site[];
    const reporting = erbilShelters.slice(0, 4);
    expect(reporting.length).toBe(4);
    const reports = reporting.map((s) => ({ id: randomUUID(), siteId: s.id, observedAt: NOW, kind: 'occupancy', occupancy: Math.round(s.capacity! * 0.94) }));
    expect((await server.request('POST', '/api/reports', ADMIN_TOKEN, { reports })).status).toBe(201);
    const erbil = (await snapshotOf()).governorates.find((g) => g.pcode === 'IQG11')!;
    const capacity = reporting.reduce((sum, s) => sum + s.capacity!, 0);
    expect(erbil).toMatchObject({ capacity, sheltersReporting: 4, shelters: erbilShelters.length });
    expect(erbil.occupancyRatio).toBeGreaterThan(0.93);
    expect(erbil.capacityUnknown).toBe(erbilShelters.slice(4).reduce((sum, s) => sum + s.capacity!, 0));
    const anbar = (await snapshotOf()).governorates.find((g) => g.pcode === 'IQG01')!;
    expect(anbar).toMatchObject({ occupancy: 0, capacity: 0, occupancyRatio: null, sheltersReporting: 0 });
  });
});
