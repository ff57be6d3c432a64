import { describe, expect, it } from 'vitest';
import type { Site, StoredReport } from './schemas.ts';
import { bucketSeries, defaultBucket, hourlySeries, SERIES_BUCKETS } from './series.ts';
import type { Thresholds } from './schemas.ts';

/** Shelters count for 12 hours after their last report. */
const THRESHOLDS: Thresholds = {
  checkpointSurge: { arrivals1h: 500, perSite: {} },
  governorateInflux: { arrivals24h: 5000, perGovernorate: {} },
  shelterCapacity: { warningRatio: 0.9, criticalRatio: 1 },
  siteSilent: { hours: 6, perKind: { shelter: 12 }, perSite: {} },
};
import { Instant } from './schemas.ts';

const NOW = Date.parse('2026-11-28T12:20:00Z');
const sites: Site[] = [
  { id: 'cp', kind: 'checkpoint', nameEn: 'CP', nameAr: 'ن', governorate: 'IQG09', lon: null, lat: null },
  { id: 'a', kind: 'shelter', nameEn: 'A', nameAr: 'أ', governorate: 'IQG09', lon: null, lat: null, capacity: 1000 },
  { id: 'b', kind: 'shelter', nameEn: 'B', nameAr: 'ب', governorate: 'IQG09', lon: null, lat: null, capacity: 500 },
];
const base = { receivedAt: '2026-11-28T12:00:00Z' };
const arrivals = (id: string, observedAt: string, n: number): StoredReport => ({
  ...base,
  id,
  siteId: 'cp',
  observedAt,
  kind: 'arrivals',
  arrivals: n,
  periodMinutes: 60,
});
const occupancy = (id: string, siteId: string, observedAt: string, n: number): StoredReport => ({
  ...base,
  id,
  siteId,
  observedAt,
  kind: 'occupancy',
  occupancy: n,
});

describe('hourly series', () => {
  it('buckets arrivals by the hour they were observed in, and ends with the current hour', () => {
    const points = hourlySeries(
      sites,
      [arrivals('1', '2026-11-28T10:00:00Z', 5), arrivals('2', '2026-11-28T10:59:59Z', 6), arrivals('3', '2026-11-28T12:10:00Z', 7), arrivals('4', '2026-11-28T08:59:00Z', 100)],
      NOW,
      3,
      THRESHOLDS,
    );
    // no shelter has reported: no occupancy, and no capacity to set it against
    expect(points).toEqual([
      { hour: '2026-11-28T10:00:00Z', arrivals: 11, departures: 0, occupancy: 0, capacity: 0 },
      { hour: '2026-11-28T11:00:00Z', arrivals: 0, departures: 0, occupancy: 0, capacity: 0 },
      { hour: '2026-11-28T12:00:00Z', arrivals: 7, departures: 0, occupancy: 0, capacity: 0 },
    ]);
  });

  it('carries each shelter’s latest occupancy forward, including one reported before the range', () => {
    const points = hourlySeries(
      sites,
      [
        occupancy('0', 'a', '2026-11-28T07:00:00Z', 300),
        occupancy('1', 'b', '2026-11-28T11:30:00Z', 200),
        occupancy('2', 'a', '2026-11-28T11:10:00Z', 400),
        occupancy('3', 'a', '2026-11-28T12:05:00Z', 450),
      ],
      NOW,
      3,
      THRESHOLDS,
    );
    expect(points.map((p) => p.occupancy)).toEqual([300, 600, 650]);
    expect(points.map((p) => p.capacity)).toEqual([1000, 1500, 1500]);
  });

  it('gives 720 hourly points for a month, every one labelled as an instant', () => {
    const points = hourlySeries(sites, [], NOW, 720, THRESHOLDS);
    expect(points).toHaveLength(720);
    expect(points.every((p) => Instant.safeParse(p.hour).success)).toBe(true);
  });
});

describe('series over any range', () => {
  const request = (over: Partial<Parameters<typeof bucketSeries>[0]>) =>
    bucketSeries({ sites, reports: [], fromMs: Date.parse('2026-11-28T00:00:00Z'), toMs: Date.parse('2026-11-28T12:00:00Z'), bucketMs: SERIES_BUCKETS['6h'], nowMs: NOW, thresholds: THRESHOLDS, ...over });

  it('sums arrivals and departures per bucket, each report in the bucket it was observed in', () => {
    const points = request({
      reports: [
        { ...arrivals('1', '2026-11-28T00:00:00Z', 5), departures: 2 } as StoredReport,
        arrivals('2', '2026-11-28T05:59:59Z', 6),
        arrivals('3', '2026-11-28T06:00:00Z', 7),
        arrivals('4', '2026-11-28T12:00:00Z', 100),
      ],
    });
    expect(points.map((p) => [p.hour, p.arrivals, p.departures])).toEqual([
      ['2026-11-28T00:00:00Z', 11, 2],
      ['2026-11-28T06:00:00Z', 7, 0],
    ]);
  });

  it('drops a shelter from a bucket once its report is older than its silence window, as the live rollup does', () => {
    const points = request({
      fromMs: Date.parse('2026-11-27T00:00:00Z'),
      toMs: Date.parse('2026-11-28T12:00:00Z'),
      reports: [occupancy('0', 'a', '2026-11-27T01:00:00Z', 300), occupancy('1', 'b', '2026-11-27T20:00:00Z', 200)],
    });
    // a counts until 13:00 on the 27th (12 h), b from 20:00 until 08:00 on the 28th
    expect(points.map((p) => [p.hour.slice(5, 13), p.occupancy, p.capacity])).toEqual([
      ['11-27T00', 300, 1000],
      ['11-27T06', 300, 1000],
      ['11-27T12', 0, 0],
      ['11-27T18', 200, 500],
      ['11-28T00', 200, 500],
      ['11-28T06', 0, 0],
    ]);
  });

  it('gives each site its own values with bySite, and they sum to the governorate', () => {
    const extra: Site = { id: 'cp2', kind: 'checkpoint', nameEn: 'CP2', nameAr: 'ن', governorate: 'IQG09', lon: null, lat: null };
    const points = request({
      sites: [...sites, extra],
      bySite: true,
      reports: [arrivals('1', '2026-11-28T01:00:00Z', 5), { ...arrivals('2', '2026-11-28T02:00:00Z', 8), siteId: 'cp2' }, occupancy('3', 'a', '2026-11-28T03:00:00Z', 400)],
    });
    expect(points[0]!.bySite).toEqual({ cp: { arrivals: 5, departures: 0 }, cp2: { arrivals: 8, departures: 0 }, a: { occupancy: 400, capacity: 1000 } });
    for (const p of points) {
      const own = Object.values(p.bySite ?? {});
      expect(own.reduce((sum, v) => sum + (v.arrivals ?? 0), 0)).toBe(p.arrivals);
      expect(own.reduce((sum, v) => sum + (v.occupancy ?? 0), 0)).toBe(p.occupancy);
    }
  });

  it.each([
    [6 * 3_600_000, '15m'],
    [24 * 3_600_000, '1h'],
    [7 * 24 * 3_600_000, '1h'],
    [30 * 24 * 3_600_000, '6h'],
    [90 * 24 * 3_600_000, '1d'],
  ] as const)('a range of %i ms gets %s buckets, a few hundred points at most', (rangeMs, bucket) => {
    expect(defaultBucket(rangeMs)).toBe(bucket);
    expect(Math.ceil(rangeMs / SERIES_BUCKETS[bucket])).toBeLessThanOrEqual(400);
  });
});
