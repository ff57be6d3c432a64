import { describe, expect, it } from 'vitest';
import { fastestArrivals } from './fastestArrivals.ts';
import type { Site, SiteState } from './schemas.ts';

const checkpoint = (id: string, governorate = 'IQG09'): Site => ({ id, kind: 'checkpoint', nameEn: id, nameAr: id, governorate, lon: 43, lat: 36 });
const sites: Record<string, Site> = {
  a: checkpoint('a'),
  b: checkpoint('b'),
  c: checkpoint('c', 'IQG15'),
  quiet: checkpoint('quiet'),
  camp: { id: 'camp', kind: 'shelter', nameEn: 'camp', nameAr: 'camp', governorate: 'IQG09', lon: 43, lat: 36, capacity: 10 },
};
const states: Record<string, SiteState> = {
  a: { id: 'a', lastReportAt: null, arrivals1h: 300, arrivals24h: 900, arrivalsPrev1h: 100 },
  b: { id: 'b', lastReportAt: null, arrivals1h: 500, arrivals24h: 900, arrivalsPrev1h: 700 },
  c: { id: 'c', lastReportAt: null, arrivals1h: 300, arrivals24h: 300 },
  quiet: { id: 'quiet', lastReportAt: null, arrivals1h: 0, arrivals24h: 50, arrivalsPrev1h: 50 },
  camp: { id: 'camp', lastReportAt: null, occupancy: 5 },
};

describe('fastestArrivals', () => {
  it('ranks checkpoints with arrivals in the last hour, most first, a tie by the larger rise', () => {
    const rows = fastestArrivals(sites, states);
    expect(rows.map((r) => [r.site.id, r.lastHour, r.previousHour, r.change])).toEqual([
      ['b', 500, 700, -200],
      ['c', 300, 0, 300],
      ['a', 300, 100, 200],
    ]);
  });

  it('keeps to one governorate when asked', () => {
    expect(fastestArrivals(sites, states, { governorate: 'IQG15' }).map((r) => r.site.id)).toEqual(['c']);
  });

  it('lists nothing when no checkpoint has a state or arrivals', () => {
    expect(fastestArrivals(sites, {})).toEqual([]);
    // a key from the prototype is no site's state
    expect(fastestArrivals({ constructor: checkpoint('constructor') }, {})).toEqual([]);
  });
});
