import { describe, expect, it } from 'vitest';
import { addReportToLog, computePicture, diffPictures, emptySiteLog, pruneSiteLog, siteState, withOpenAlertCounts, type SiteLog } from './projection.ts';
import type { Site, StoredReport } from './schemas.ts';

const NOW = Date.parse('2026-11-28T12:00:00Z');

const checkpoint: Site = { id: 'ik', kind: 'checkpoint', nameEn: 'IK', nameAr: 'إ', governorate: 'IQG09', lon: 42, lat: 37 };
const shelter: Site = { id: 'camp', kind: 'shelter', nameEn: 'Camp', nameAr: 'م', governorate: 'IQG09', lon: 42, lat: 37, capacity: 1000 };
const clinic: Site = { id: 'clinic', kind: 'health_post', nameEn: 'Clinic', nameAr: 'ع', governorate: 'IQG11', lon: 44, lat: 36 };
const silentShelter: Site = { ...shelter, id: 'camp-2', capacity: 500 };

let n = 0;
function arrivals(observedAt: string, count: number): StoredReport {
  n += 1;
  return { id: `a${n}`, siteId: 'ik', observedAt, kind: 'arrivals', arrivals: count, periodMinutes: 60, receivedAt: '2026-11-28T12:00:00Z' };
}
function occupancy(observedAt: string, value: number, receivedAt = '2026-11-28T12:00:00Z', id = `o${++n}`): StoredReport {
  return { id, siteId: 'camp', observedAt, kind: 'occupancy', occupancy: value, receivedAt };
}

function logOf(reports: StoredReport[]): SiteLog {
  const log = emptySiteLog();
  for (const r of reports) addReportToLog(log, r);
  return log;
}

describe('arrivals in sliding windows, by observedAt', () => {
  const cases: { name: string; reports: StoredReport[]; arrivals1h: number; arrivals24h: number }[] = [
    { name: 'nothing reported', reports: [], arrivals1h: 0, arrivals24h: 0 },
    { name: 'one report half an hour ago', reports: [arrivals('2026-11-28T11:30:00Z', 40)], arrivals1h: 40, arrivals24h: 40 },
    { name: 'exactly one hour old leaves the 1 h window', reports: [arrivals('2026-11-28T11:00:00Z', 40)], arrivals1h: 0, arrivals24h: 40 },
    { name: 'one millisecond inside the hour counts', reports: [arrivals('2026-11-28T11:00:00.001Z', 40)], arrivals1h: 40, arrivals24h: 40 },
    { name: 'exactly 24 hours old leaves the day', reports: [arrivals('2026-11-27T12:00:00Z', 40)], arrivals1h: 0, arrivals24h: 0 },
    { name: 'a report at now counts', reports: [arrivals('2026-11-28T12:00:00Z', 9)], arrivals1h: 9, arrivals24h: 9 },
    { name: 'a clock 4 minutes fast counts at once', reports: [arrivals('2026-11-28T12:04:00Z', 9)], arrivals1h: 9, arrivals24h: 9 },
    { name: 'beyond the 5 minute tolerance does not count', reports: [arrivals('2026-11-28T12:06:00Z', 9)], arrivals1h: 0, arrivals24h: 0 },
    {
      name: 'a late report lands in the hour it describes, whatever the order of arrival',
      reports: [arrivals('2026-11-28T11:50:00Z', 5), arrivals('2026-11-28T02:00:00Z', 100), arrivals('2026-11-28T11:10:00Z', 7)],
      arrivals1h: 12,
      arrivals24h: 112,
    },
    { name: 'offsets other than Z are read as instants', reports: [arrivals('2026-11-28T14:30:00+03:00', 3)], arrivals1h: 3, arrivals24h: 3 },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const state = siteState(checkpoint, logOf(c.reports), NOW);
      expect(state.arrivals1h).toBe(c.arrivals1h);
      expect(state.arrivals24h).toBe(c.arrivals24h);
    });
  }

  it('pruning keeps every report that can still count', () => {
    const log = logOf([arrivals('2026-11-27T11:00:00Z', 1), arrivals('2026-11-27T12:30:00Z', 2), arrivals('2026-11-28T11:30:00Z', 4)]);
    pruneSiteLog(log, NOW);
    expect(log.arrivals.map((a) => a.arrivals)).toEqual([2, 4]);
    expect(siteState(checkpoint, log, NOW).arrivals24h).toBe(6);
  });
});

describe('the latest report wins, by observedAt', () => {
  const cases: { name: string; reports: StoredReport[]; occupancy: number | undefined; lastReportAt: string | null }[] = [
    { name: 'no report', reports: [], occupancy: undefined, lastReportAt: null },
    {
      name: 'a late, older report does not replace a newer one',
      reports: [occupancy('2026-11-28T11:00:00Z', 800), occupancy('2026-11-28T09:00:00Z', 300)],
      occupancy: 800,
      lastReportAt: '2026-11-28T11:00:00Z',
    },
    {
      name: 'equal observedAt: the one stored later wins',
      reports: [occupancy('2026-11-28T11:00:00Z', 800, '2026-11-28T11:05:00Z'), occupancy('2026-11-28T11:00:00Z', 810, '2026-11-28T11:01:00Z')],
      occupancy: 800,
      lastReportAt: '2026-11-28T11:00:00Z',
    },
    {
      name: 'equal observedAt and receivedAt: the larger id wins, on every instance alike',
      reports: [occupancy('2026-11-28T11:00:00Z', 1, 'x', 'b'), occupancy('2026-11-28T11:00:00Z', 2, 'x', 'a')],
      occupancy: 1,
      lastReportAt: '2026-11-28T11:00:00Z',
    },
    {
      name: 'occupancy over capacity is kept as reported',
      reports: [occupancy('2026-11-28T11:00:00Z', 1500)],
      occupancy: 1500,
      lastReportAt: '2026-11-28T11:00:00Z',
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const state = siteState(shelter, logOf(c.reports), NOW);
      expect(state.occupancy).toBe(c.occupancy);
      expect(state.lastReportAt).toBe(c.lastReportAt);
    });
  }
});

describe('rollups per governorate and for the nation', () => {
  const logs = new Map<string, SiteLog>([
    ['ik', logOf([arrivals('2026-11-28T11:30:00Z', 100), arrivals('2026-11-28T01:00:00Z', 50)])],
    ['camp', logOf([occupancy('2026-11-28T10:00:00Z', 1200)])],
    [
      'clinic',
      logOf([{ id: 'h1', siteId: 'clinic', observedAt: '2026-11-28T10:00:00Z', kind: 'health', status: 'limited', receivedAt: 'x' }]),
    ],
  ]);
  const picture = computePicture(['IQG09', 'IQG11', 'IQG01'], [checkpoint, shelter, silentShelter, clinic], logs, new Map([['IQG09', 2]]), NOW);

  it('sums arrivals, occupancy and capacity, and counts health posts by status', () => {
    expect(picture.national).toEqual({
      arrivals1h: 100,
      arrivals24h: 150,
      occupancy: 1200,
      capacity: 1500,
      healthPosts: { operational: 0, limited: 1, closed: 0, unknown: 0 },
    });
  });

  it('gives every governorate a row, with zeros where nothing reported', () => {
    expect(picture.governorates.map((g) => [g.pcode, g.arrivals24h, g.capacity, g.activeAlerts])).toEqual([
      ['IQG09', 150, 1500, 2],
      ['IQG11', 0, 0, 0],
      ['IQG01', 0, 0, 0],
    ]);
    expect(picture.governorates[1].healthPosts.limited).toBe(1);
  });

  it('counts a health post that never reported as unknown', () => {
    const quiet = computePicture(['IQG11'], [clinic], new Map(), new Map(), NOW);
    expect(quiet.national.healthPosts).toEqual({ operational: 0, limited: 0, closed: 0, unknown: 1 });
  });

  it('takes new open-alert counts without projecting again, and changes only those rollups', () => {
    const recounted = withOpenAlertCounts(picture, new Map([['IQG11', 1]]));
    expect(recounted.governorates.map((g) => [g.pcode, g.activeAlerts])).toEqual([
      ['IQG09', 0],
      ['IQG11', 1],
      ['IQG01', 0],
    ]);
    expect(recounted.governorates[2]).toBe(picture.governorates[2]);
    expect(recounted.sites).toBe(picture.sites);
    expect(diffPictures(picture, recounted).governorates.map((g) => g.pcode)).toEqual(['IQG09', 'IQG11']);
  });

  it('diffs only what changed', () => {
    const later = computePicture(['IQG09', 'IQG11', 'IQG01'], [checkpoint, shelter, silentShelter, clinic], logs, new Map([['IQG09', 2]]), NOW + 31 * 60_000);
    const diff = diffPictures(picture, later);
    expect(diff.national).toBe(true);
    expect(diff.sites.map((s) => s.id)).toEqual(['ik']);
    expect(diff.governorates.map((g) => g.pcode)).toEqual(['IQG09']);
    expect(diffPictures(later, later)).toEqual({ national: false, governorates: [], sites: [] });
  });
});
