import { describe, expect, it } from 'vitest';
import type { Site, SiteState } from '../../../shared/schemas.ts';
import { LABEL_ARRIVALS_FROM, MAX_COUNT_LABELS, countedCheckpoints, isApproximate, spreadOffsets } from './siteMarkers.ts';

const site = (id: string, lon: number | null, lat: number | null, extra: Partial<Site> = {}): Site => ({
  id,
  kind: 'checkpoint',
  nameEn: id,
  nameAr: id,
  governorate: 'IQG09',
  lon,
  lat,
  ...extra,
});

describe('isApproximate', () => {
  it.each([
    [{ coordinateQuality: 'crossing_point' }, false],
    [{ coordinateQuality: 'camp_gps' }, false],
    [{}, false],
    [{ coordinateQuality: 'nearest_town' }, true],
    [{ coordinateQuality: 'secondary_unverified' }, true],
    [{ coordinateQuality: 'camp_gps', representative: true }, true],
  ] as [Partial<Site>, boolean][])('%o is approximate: %s', (extra, expected) => {
    expect(isApproximate(site('a', 43, 36, extra))).toBe(expected);
  });
});

describe('spreadOffsets', () => {
  it('leaves a site alone where it is and spreads those on one point round it', () => {
    const offsets = spreadOffsets([site('camp', 43, 36), site('clinic', 43.0002, 36.0001), site('far', 44, 36), site('nowhere', null, null)]);
    expect(offsets.get('far')).toEqual([0, 0]);
    expect(offsets.has('nowhere')).toBe(false);
    const [a, b] = [offsets.get('camp')!, offsets.get('clinic')!];
    // one icon apart at least, on opposite sides
    expect(Math.hypot(a[0] - b[0], a[1] - b[1])).toBeGreaterThanOrEqual(1.19);
  });

  it('keeps three or more a full icon apart', () => {
    const offsets = [...spreadOffsets(['a', 'b', 'c', 'd', 'e'].map((id) => site(id, 43, 36))).values()];
    for (let i = 0; i < offsets.length; i++) for (let j = i + 1; j < offsets.length; j++) {
      expect(Math.hypot(offsets[i]![0] - offsets[j]![0], offsets[i]![1] - offsets[j]![1])).toBeGreaterThanOrEqual(1.19);
    }
  });
});

describe('countedCheckpoints', () => {
  it('labels the busiest checkpoints over the line, at most a dozen', () => {
    const sites: Record<string, Site> = {};
    const states: Record<string, SiteState> = {};
    for (let i = 0; i < 20; i++) {
      sites[`c${i}`] = site(`c${i}`, 43, 36);
      states[`c${i}`] = { id: `c${i}`, lastReportAt: null, arrivals1h: i * 10 };
    }
    const counted = countedCheckpoints(sites, states);
    expect(counted).toHaveLength(Math.min(MAX_COUNT_LABELS, 20 - LABEL_ARRIVALS_FROM / 10));
    expect(counted[0]).toMatchObject({ arrivals: 190 });
    expect(counted.every((c) => c.arrivals >= LABEL_ARRIVALS_FROM)).toBe(true);
  });
});
