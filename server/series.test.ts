// The governorate series over any range, through the real server, against sums made by hand from
// the reports posted.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SeriesPoint } from '../shared/schemas.ts';
import { ADMIN_TOKEN, manualClock, startServer, type Running } from './testing/harness.ts';

const NOW = '2026-11-28T12:00:00Z';
const HOUR = 3_600_000;
let server: Running;
/** Duhok's checkpoints and shelters in the fixtures, with what was posted for each. */
const posted: { siteId: string; atMs: number; arrivals?: number; departures?: number; occupancy?: number }[] = [];

beforeAll(async () => {
  server = await startServer({ clock: manualClock(NOW) });
  const reports = [];
  const nowMs = Date.parse(NOW);
  // two days of arrivals at both of Duhok's crossings, every 40 minutes, and Domiz 1 twice a day
  for (let t = nowMs - 48 * HOUR; t < nowMs; t += 40 * 60_000) {
    for (const [i, siteId] of ['ibrahim-khalil', 'peshkhabour'].entries()) {
      const arrivals = 10 + ((t / 60_000 + i * 7) % 50);
      const departures = i === 0 ? 3 : undefined;
      reports.push({ id: randomUUID(), siteId, observedAt: new Date(t).toISOString(), kind: 'arrivals', arrivals, periodMinutes: 40, ...(departures ? { departures } : {}) });
      posted.push({ siteId, atMs: t, arrivals, ...(departures ? { departures } : {}) });
    }
  }
  for (const [k, hoursAgo] of [47, 35, 23, 11].entries()) {
    const t = nowMs - hoursAgo * HOUR;
    reports.push({ id: randomUUID(), siteId: 'domiz-1', observedAt: new Date(t).toISOString(), kind: 'occupancy', occupancy: 20_000 + k * 1000 });
    posted.push({ siteId: 'domiz-1', atMs: t, occupancy: 20_000 + k * 1000 });
  }
  for (let i = 0; i < reports.length; i += 500) {
    const answer = await server.request('POST', '/api/reports', ADMIN_TOKEN, { reports: reports.slice(i, i + 500) });
    expect(answer.status).toBe(201);
  }
});
afterAll(async () => {
  await server.stop();
});

const series = async (query: string) => server.request('GET', `/api/governorates/IQG09/series?${query}`, ADMIN_TOKEN);

describe('GET /api/governorates/:pcode/series', () => {
  it('keeps the v1 answer for ?hours: one point an hour, ending with the current hour', async () => {
    const answer = await series('hours=24');
    expect(answer.status).toBe(200);
    const points = answer.body as SeriesPoint[];
    expect(points).toHaveLength(24);
    expect(points.at(-1)!.hour).toBe('2026-11-28T12:00:00Z');
    expect(points[0]!.bySite).toBeUndefined();
  });

  it.each(['15m', '1h', '6h', '1d'])('sums arrivals and departures per %s bucket as the reports posted say, and by site to the same totals', async (bucket) => {
    const from = '2026-11-27T00:00:00Z';
    const to = NOW;
    const answer = await series(`from=${from}&to=${to}&bucket=${bucket}&by=site`);
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    const points = answer.body as SeriesPoint[];
    const bucketMs = { '15m': 15 * 60_000, '1h': HOUR, '6h': 6 * HOUR, '1d': 24 * HOUR }[bucket]!;
    expect(points).toHaveLength(Math.ceil((Date.parse(to) - Date.parse(from)) / bucketMs));
    for (const point of points) {
      const start = Date.parse(point.hour);
      const inBucket = posted.filter((p) => p.arrivals !== undefined && p.atMs >= start && p.atMs < start + bucketMs);
      expect(point.arrivals).toBe(inBucket.reduce((sum, p) => sum + p.arrivals!, 0));
      expect(point.departures).toBe(inBucket.reduce((sum, p) => sum + (p.departures ?? 0), 0));
      const own = Object.values(point.bySite ?? {});
      expect(own.reduce((sum, v) => sum + (v.arrivals ?? 0), 0)).toBe(point.arrivals);
      expect(own.reduce((sum, v) => sum + (v.occupancy ?? 0), 0)).toBe(point.occupancy);
    }
    // Domiz 1's level, carried from its latest report while it is current (12 h), as the rollup counts it
    const at = (iso: string) => points.find((p) => Date.parse(p.hour) <= Date.parse(iso) && Date.parse(iso) < Date.parse(p.hour) + bucketMs)!;
    if (bucket === '1h') {
      expect(at('2026-11-27T13:30:00Z').occupancy).toBe(22_000);
      expect(at('2026-11-28T01:30:00Z').occupancy).toBe(23_000);
      expect(at('2026-11-28T01:30:00Z').capacity).toBe(27_000);
    }
  });

  it('chooses the bucket from the range when none is given, and never sends more than 400 points', async () => {
    const week = (await series('from=2026-11-21T12:00:00Z&to=2026-11-28T12:00:00Z')).body as SeriesPoint[];
    expect(week).toHaveLength(168);
    const quarter = (await series('from=2026-09-01T00:00:00Z&to=2026-11-28T00:00:00Z')).body as SeriesPoint[];
    expect(quarter).toHaveLength(88);
  });

  it.each([
    ['from=2026-11-28T10:00:00Z&to=2026-11-28T09:00:00Z', 'to'],
    ['from=2026-08-01T00:00:00Z&to=2026-11-28T00:00:00Z', 'from'],
    ['from=2026-11-28T10:00:00Z&to=2026-11-29T10:00:00Z', 'to'],
    ['from=yesterday&to=2026-11-28T10:00:00Z', 'from'],
    ['from=2026-11-01T00:00:00Z&to=2026-11-28T00:00:00Z&bucket=15m', 'bucket'],
    ['hours=24&from=2026-11-28T00:00:00Z', 'hours'],
    ['from=2026-11-27T00:00:00Z&bucket=2h', 'bucket'],
  ])('refuses %s with 400 naming %s', async (query, field) => {
    const answer = await series(query);
    expect(answer.status).toBe(400);
    expect(answer.body.error.details.map((d: { field: string }) => d.field)).toContain(field);
  });
});
