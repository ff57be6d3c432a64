import { describe, expect, it } from 'vitest';
import { computePicture, diffPictures, siteState, withOpenAlertCounts } from './projection.ts';
import type { Site, StoredReport, Thresholds } from './schemas.ts';
import { addReportToLog, emptySiteLog, pruneSiteLog, type SiteLog } from './siteLog.ts';

/** Shelters are current for 12 hours after their last report, other sites for 6. */
const THRESHOLDS: Thresholds = {
  checkpointSurge: { arrivals1h: 500, perSite: {} },
  governorateInflux: { arrivals24h: 5000, perGovernorate: {} },
  shelterCapacity: { warningRatio: 0.9, criticalRatio: 1 },
  siteSilent: { hours: 6, perKind: { shelter: 12 }, perSite: {} },
};

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

  it.each([
    { name: 'nothing the hour before', reports: [arrivals('2026-11-28T11:30:00Z', 40)], previous: 0 },
    { name: 'a report 90 minutes ago is the hour before', reports: [arrivals('2026-11-28T10:30:00Z', 25), arrivals('2026-11-28T11:30:00Z', 40)], previous: 25 },
    { name: 'exactly one hour old is the hour before, not the last', reports: [arrivals('2026-11-28T11:00:00Z', 7)], previous: 7 },
    { name: 'exactly two hours old is neither', reports: [arrivals('2026-11-28T10:00:00Z', 7)], previous: 0 },
    { name: 'a clock running fast never counts in the hour before', reports: [arrivals('2026-11-28T12:04:00Z', 9)], previous: 0 },
  ])('the hour before the last: $name', ({ reports, previous }) => {
    const state = siteState(checkpoint, logOf(reports), NOW);
    expect(state.arrivalsPrev1h).toBe(previous);
  });

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
  const picture = computePicture(['IQG09', 'IQG11', 'IQG01'], [checkpoint, shelter, silentShelter, clinic], logs, new Map([['IQG09', 2]]), NOW, THRESHOLDS);

  it('sums arrivals, the occupancy and capacity of reporting shelters, and counts health posts by status', () => {
    expect(picture.national).toEqual({
      arrivals1h: 100,
      arrivals24h: 150,
      occupancy: 1200,
      // camp-2 never reported: its 500 places are unknown, not empty
      capacity: 1000,
      occupancyRatio: 1.2,
      shelters: 2,
      sheltersReporting: 1,
      capacityUnknown: 500,
      healthPosts: { operational: 0, limited: 1, closed: 0, unknown: 0 },
    });
  });

  it('gives every governorate a row, with zeros where nothing reported and no occupancy ratio without data', () => {
    expect(picture.governorates.map((g) => [g.pcode, g.arrivals24h, g.capacity, g.occupancyRatio, g.activeAlerts])).toEqual([
      ['IQG09', 150, 1000, 1.2, 2],
      ['IQG11', 0, 0, null, 0],
      ['IQG01', 0, 0, null, 0],
    ]);
    expect(picture.governorates[1]!.healthPosts.limited).toBe(1);
  });

  it('counts a health post that never reported as unknown', () => {
    const quiet = computePicture(['IQG11'], [clinic], new Map(), new Map(), NOW, THRESHOLDS);
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
    const later = computePicture(['IQG09', 'IQG11', 'IQG01'], [checkpoint, shelter, silentShelter, clinic], logs, new Map([['IQG09', 2]]), NOW + 31 * 60_000, THRESHOLDS);
    const diff = diffPictures(picture, later);
    expect(diff.national).toBe(true);
    expect(diff.sites.map((s) => s.id)).toEqual(['ik']);
    expect(diff.governorates.map((g) => g.pcode)).toEqual(['IQG09']);
    expect(diffPictures(later, later)).toEqual({ national: false, governorates: [], sites: [] });
  });
});

describe('honest occupancy: only shelters with a current report count', () => {
  // Erbil-like: four reporting camps nearly full, a large one that never reported.
  const camps: Site[] = [
    { ...shelter, id: 'c1', capacity: 10_000 },
    { ...shelter, id: 'c2', capacity: 8_000 },
    { ...shelter, id: 'c3', capacity: 6_000 },
    { ...shelter, id: 'c4', capacity: 6_000 },
    { ...shelter, id: 'never', capacity: 20_000 },
  ];
  const report = (siteId: string, value: number, observedAt = '2026-11-28T11:00:00Z'): StoredReport => ({
    id: `${siteId}-${observedAt}`,
    siteId,
    observedAt,
    kind: 'occupancy',
    occupancy: value,
    receivedAt: observedAt,
  });
  const rollupOf = (reports: StoredReport[], nowMs = NOW) => {
    const logs = new Map<string, SiteLog>();
    for (const r of reports) {
      const log = logs.get(r.siteId) ?? emptySiteLog();
      addReportToLog(log, r);
      logs.set(r.siteId, log);
    }
    return computePicture(['IQG09'], camps, logs, new Map(), nowMs, THRESHOLDS).governorates[0]!;
  };
  const cases: { name: string; reports: StoredReport[]; nowMs?: number; expected: Partial<ReturnType<typeof rollupOf>> }[] = [
    {
      name: 'four full camps read as full, not diluted by a camp that never reported',
      reports: [report('c1', 9_800), report('c2', 7_600), report('c3', 5_500), report('c4', 5_380)],
      expected: { occupancy: 28_280, capacity: 30_000, shelters: 5, sheltersReporting: 4, capacityUnknown: 20_000 },
    },
    { name: 'no reporting shelter is no data, never 0 %', reports: [], expected: { occupancy: 0, capacity: 0, occupancyRatio: null, sheltersReporting: 0, capacityUnknown: 50_000 } },
    {
      name: 'a shelter silent beyond its window leaves the figures',
      reports: [report('c1', 9_000, '2026-11-27T23:59:00Z'), report('c2', 4_000)],
      expected: { occupancy: 4_000, capacity: 8_000, occupancyRatio: 0.5, sheltersReporting: 1, capacityUnknown: 42_000 },
    },
    {
      name: 'exactly at the end of its window a shelter still counts',
      reports: [report('c1', 9_000, '2026-11-28T00:00:00Z')],
      expected: { occupancy: 9_000, capacity: 10_000, occupancyRatio: 0.9, sheltersReporting: 1 },
    },
    { name: 'an empty camp that reported is 0 %, which is data', reports: [report('c3', 0)], expected: { occupancy: 0, capacity: 6_000, occupancyRatio: 0 } },
  ];
  for (const c of cases) {
    it(c.name, () => {
      expect(rollupOf(c.reports, c.nowMs)).toMatchObject(c.expected);
    });
  }
  it('the occupancy ratio divides the same shelters on both sides', () => {
    const r = rollupOf([report('c1', 9_800), report('c2', 7_600), report('c3', 5_500), report('c4', 5_380)]);
    expect(r.occupancyRatio).toBeCloseTo(28_280 / 30_000, 10);
    expect(r.forecast).toMatchObject({ sheltersReporting: 4, shelters: 5, remainingCapacity: 1_720 });
  });
});

describe('a closed site', () => {
  const logs = new Map<string, SiteLog>([
    ['ik', logOf([arrivals('2026-11-28T11:30:00Z', 100)])],
    ['camp', logOf([occupancy('2026-11-28T10:00:00Z', 800)])],
    ['clinic', logOf([{ id: 'h2', siteId: 'clinic', observedAt: '2026-11-28T10:00:00Z', kind: 'health', status: 'limited', receivedAt: 'x' }])],
  ]);
  const closedAt = '2026-11-28T11:45:00Z';
  const sites = [checkpoint, shelter, clinic].map((s) => ({ ...s, closedAt }));
  const picture = (atMs: number) => computePicture(['IQG09', 'IQG11'], sites, logs, new Map(), atMs, THRESHOLDS);

  it('leaves the picture from its closing: no state, no shelter, places or health post; the arrivals it saw stay', () => {
    const after = picture(NOW);
    expect(after.sites).toEqual([]);
    expect(after.national).toMatchObject({ arrivals1h: 100, arrivals24h: 100, occupancy: 0, capacity: 0, capacityUnknown: 0, shelters: 0, sheltersReporting: 0 });
    expect(after.national.healthPosts).toEqual({ operational: 0, limited: 0, closed: 0, unknown: 0 });
    expect(after.governorates.find((g) => g.pcode === 'IQG09')!.forecast).toMatchObject({ shelters: 0 });
  });

  it('is on a picture of a moment before it closed, as it was then', () => {
    const before = picture(Date.parse('2026-11-28T11:40:00Z'));
    expect(before.sites.map((s) => s.id)).toEqual(['ik', 'camp', 'clinic']);
    expect(before.national).toMatchObject({ occupancy: 800, capacity: 1000, shelters: 1, sheltersReporting: 1 });
  });
});
