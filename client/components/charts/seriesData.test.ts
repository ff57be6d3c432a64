import { describe, expect, it } from 'vitest';
import type { SeriesPoint, Site } from '../../../shared/schemas.ts';
import { bucketFor, chartData, checkpointKey, OTHER_KEY, rangeFromSearch, rangeParams, resolveRange, BUCKET_MS } from './seriesData.ts';

const HOUR = 3_600_000;
const site = (id: string, kind: Site['kind'], capacity?: number) => ({ id, kind, capacity, governorate: 'IQG01', nameEn: id, nameAr: id }) as unknown as Site;

describe('the range in the address', () => {
  it.each([
    ['', { preset: '24h' }],
    ['?range=7d&lang=ar', { preset: '7d' }],
    ['?range=__proto__', { preset: '24h' }],
    ['?from=2026-11-01T00:00:00Z&to=2026-11-03T00:00:00Z', { fromMs: Date.parse('2026-11-01T00:00:00Z'), toMs: Date.parse('2026-11-03T00:00:00Z') }],
    ['?from=yesterday&to=2026-11-03T00:00:00Z&range=6h', { preset: '6h' }],
  ])('%s reads as %j, and writes back the same', (search, choice) => {
    const read = rangeFromSearch(search);
    expect(read).toEqual(choice);
    const params = Object.entries(rangeParams(read)).filter(([, v]) => v !== null) as [string, string][];
    const again = rangeFromSearch(`?${new URLSearchParams(params).toString()}`);
    expect(again).toEqual(read);
  });

  it('gives every preset a bucket that keeps it under 200 points, from a quarter of an hour to a day', () => {
    const end = Date.parse('2026-11-28T12:17:00Z');
    for (const preset of ['6h', '24h', '7d', '30d'] as const) {
      const r = resolveRange({ preset }, end);
      if ('problem' in r) throw new Error(r.problem);
      expect(r.fromMs % r.bucketMs).toBe(0);
      expect(Math.ceil((r.toMs - r.fromMs) / r.bucketMs)).toBeLessThanOrEqual(200);
    }
    expect(bucketFor(6 * HOUR)).toBe('15m');
    expect(bucketFor(90 * 24 * HOUR)).toBe('1d');
    expect(BUCKET_MS['1d']).toBe(24 * HOUR);
  });

  it('says what is wrong with a custom range', () => {
    const end = Date.parse('2026-11-28T12:00:00Z');
    expect(resolveRange({ fromMs: end, toMs: end - HOUR }, end)).toEqual({ problem: 'reversed' });
    expect(resolveRange({ fromMs: end - 91 * 24 * HOUR, toMs: end }, end)).toEqual({ problem: 'tooLong' });
    expect(resolveRange({ fromMs: end - HOUR, toMs: end + HOUR }, end)).toEqual({ problem: 'future' });
  });
});

describe('chartData', () => {
  const sites = [...['a', 'b', 'c', 'd', 'e', 'f', 'g'].map((id) => site(id, 'checkpoint')), site('camp', 'shelter', 1000)];
  const points: SeriesPoint[] = [0, 1, 2].map((i) => ({
    hour: new Date(i * HOUR).toISOString(),
    arrivals: 0,
    departures: 0,
    occupancy: i === 1 ? 0 : 500 + i,
    capacity: i === 1 ? 0 : 1000,
    bySite: {
      ...Object.fromEntries(['a', 'b', 'c', 'd', 'e', 'f', 'g'].map((id, k) => [id, { arrivals: (k + 1) * 10 + i, departures: 0 }])),
      ...(i === 1 ? {} : { camp: { occupancy: 500 + i, capacity: 1000 } }),
    },
  }));
  for (const p of points) p.arrivals = Object.values(p.bySite!).reduce((sum, v) => sum + (v.arrivals ?? 0), 0);

  it('names the five checkpoints with most arrivals, groups the rest, and the parts sum to the total', () => {
    const data = chartData(points, sites);
    expect(data.named.map((s) => s.id)).toEqual(['g', 'f', 'e', 'd', 'c']);
    expect(data.others.map((s) => s.id)).toEqual(['b', 'a']);
    for (const row of data.rows) {
      const parts = [...data.named.map((s) => row[checkpointKey(s.id)] as number), row[OTHER_KEY] as number];
      expect(parts.reduce((a, b) => a + b, 0)).toBe(row.arrivals);
    }
    expect(data.departuresReported).toBe(false);
  });

  it('gives each shelter its level, and no level where it had no current report', () => {
    const [camp] = chartData(points, sites).shelters;
    expect(camp!.capacity).toBe(1000);
    expect(camp!.points.map((p) => p.occupancy)).toEqual([500, null, 502]);
  });
});
