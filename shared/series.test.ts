import { describe, expect, it } from 'vitest';
import type { Site, StoredReport } from './schemas.ts';
import { hourlySeries } from './series.ts';
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
    );
    expect(points).toEqual([
      { hour: '2026-11-28T10:00:00Z', arrivals: 11, occupancy: 0, capacity: 1500 },
      { hour: '2026-11-28T11:00:00Z', arrivals: 0, occupancy: 0, capacity: 1500 },
      { hour: '2026-11-28T12:00:00Z', arrivals: 7, occupancy: 0, capacity: 1500 },
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
    );
    expect(points.map((p) => p.occupancy)).toEqual([300, 600, 650]);
  });

  it('gives 720 hourly points for a month, every one labelled as an instant', () => {
    const points = hourlySeries(sites, [], NOW, 720);
    expect(points).toHaveLength(720);
    expect(points.every((p) => Instant.safeParse(p.hour).success)).toBe(true);
  });
});
