import { describe, expect, it } from 'vitest';
import { evaluateConditions } from './alerts.ts';
import { forecastCapacity } from './forecast.ts';
import {
  arrivalWindow,
  FALLBACK_TRAVEL_HOURS,
  onwardEvents,
  onwardFromEvents,
  onwardGovernorates,
  roundedExpected,
  shareArriving,
  travelHoursFor,
  type OnwardEvent,
} from './onward.ts';
import { computePicture } from './projection.ts';
import type { Destination, Pcode, Site, StoredReport, Thresholds } from './schemas.ts';
import { foldReports } from './siteLog.ts';
import { HOUR_MS } from './time.ts';

const NOW = Date.parse('2026-11-28T12:00:00Z');
const hoursAgo = (h: number) => NOW - h * HOUR_MS;
const PCODES: Pcode[] = ['IQG09', 'IQG11', 'IQG15'];
/** Duhok to Erbil in 4 h, Ninewa to Erbil in 2 h, anything else the fallback. */
const TRAVEL = { travelHours: { 'IQG09>IQG11': 4, 'IQG15>IQG11': 2 } };

describe('the arrival window: travel time ± half, at least an hour either side', () => {
  const cases = [
    { name: 'a 4 h trip spreads over 2 h to 6 h', travel: 4, start: 2, end: 6 },
    { name: 'a 10 h trip over 5 h to 15 h', travel: 10, start: 5, end: 15 },
    { name: 'a 1.5 h trip keeps an hour either side', travel: 1.5, start: 0.5, end: 2.5 },
    { name: 'a trip shorter than its spread starts at the crossing', travel: 0.5, start: 0, end: 1.5 },
  ];
  it.each(cases)('$name', ({ travel, start, end }) => {
    expect(arrivalWindow(NOW, travel)).toEqual({ startMs: NOW + start * HOUR_MS, endMs: NOW + end * HOUR_MS });
  });
});

describe('the share of a window that falls in an interval', () => {
  const window = { startMs: 2 * HOUR_MS, endMs: 6 * HOUR_MS };
  const cases = [
    { name: 'all of it', from: 0, to: 10, share: 1 },
    { name: 'none before it', from: 0, to: 2, share: 0 },
    { name: 'none after it', from: 6, to: 9, share: 0 },
    { name: 'the first hour of four', from: 0, to: 3, share: 0.25 },
    { name: 'the middle half', from: 3, to: 5, share: 0.5 },
  ];
  it.each(cases)('$name', ({ from, to, share }) => {
    expect(shareArriving(window, from * HOUR_MS, to * HOUR_MS)).toBeCloseTo(share, 10);
  });
});

describe('travel times', () => {
  it("takes the table's pair, and the fallback for a pair it does not name", () => {
    expect(travelHoursFor('IQG09', 'IQG11', TRAVEL)).toBe(4);
    expect(travelHoursFor('IQG11', 'IQG09', TRAVEL)).toBe(FALLBACK_TRAVEL_HOURS);
  });
  it('reads only own entries: a pair named like an Object.prototype key is no travel time', () => {
    expect(travelHoursFor('constructor', 'x', TRAVEL)).toBe(FALLBACK_TRAVEL_HOURS);
  });
});

const event = (origin: Pcode, destination: Pcode, agoHours: number, persons: number): OnwardEvent => ({
  origin,
  destination,
  observedMs: hoursAgo(agoHours),
  persons,
});

describe('onward figures of a governorate', () => {
  const cases: {
    name: string;
    events: OnwardEvent[];
    pcode: Pcode;
    heading24h: number;
    heading6h: number;
    expected24h: number;
    /** the first hours of expectedByHour */
    hours?: number[];
    origins?: string[];
  }[] = [
    { name: 'nobody heading anywhere', events: [], pcode: 'IQG11', heading24h: 0, heading6h: 0, expected24h: 0, hours: [0, 0, 0] },
    {
      name: 'just reported from Duhok: all expected, from hour 2 to 6, a quarter an hour',
      events: [event('IQG09', 'IQG11', 0, 400)],
      pcode: 'IQG11',
      heading24h: 400,
      heading6h: 400,
      expected24h: 400,
      hours: [0, 0, 100, 100, 100, 100, 0],
      origins: ['IQG09'],
    },
    {
      name: 'reported 3 h ago: half has arrived, half is expected over the next 3 h',
      events: [event('IQG09', 'IQG11', 3, 400)],
      pcode: 'IQG11',
      heading24h: 400,
      heading6h: 400,
      expected24h: 300,
      hours: [100, 100, 100, 0],
    },
    {
      name: 'reported 8 h ago: heading counts it, but all of it has arrived',
      events: [event('IQG09', 'IQG11', 8, 400)],
      pcode: 'IQG11',
      heading24h: 400,
      heading6h: 0,
      expected24h: 0,
    },
    {
      name: 'two origins, the one expected most first',
      events: [event('IQG15', 'IQG11', 0, 100), event('IQG09', 'IQG11', 0, 300)],
      pcode: 'IQG11',
      heading24h: 400,
      heading6h: 400,
      expected24h: 400,
      origins: ['IQG09', 'IQG15'],
    },
    {
      name: 'heading elsewhere counts nowhere here',
      events: [event('IQG11', 'IQG09', 0, 300)],
      pcode: 'IQG11',
      heading24h: 0,
      heading6h: 0,
      expected24h: 0,
    },
    {
      name: 'a pair the table lacks takes the fallback of 8 h: spread over 4 h to 12 h, all within 24 h',
      events: [event('IQG11', 'IQG09', 0, 800)],
      pcode: 'IQG09',
      heading24h: 800,
      heading6h: 800,
      expected24h: 800,
      hours: [0, 0, 0, 0, 100, 100],
    },
  ];
  it.each(cases)('$name', ({ events, pcode, heading24h, heading6h, expected24h, hours, origins }) => {
    const figures = onwardFromEvents(PCODES, events, NOW, TRAVEL).get(pcode)!;
    expect(figures).toMatchObject({ heading24h, heading6h, expected24h });
    expect(figures.expectedByHour).toHaveLength(24);
    if (hours) expect(figures.expectedByHour.slice(0, hours.length)).toEqual(hours);
    if (origins) expect(figures.byOrigin.map((o) => o.origin)).toEqual(origins);
  });

  it('gives every governorate a row, with zeros where nobody is heading', () => {
    const figures = onwardFromEvents(PCODES, [event('IQG09', 'IQG11', 0, 10)], NOW, TRAVEL);
    expect([...figures.keys()]).toEqual(PCODES);
    expect(figures.get('IQG15')).toMatchObject({ heading24h: 0, expected24h: 0, byOrigin: [] });
  });

  it('says per origin the travel time it used', () => {
    const figures = onwardFromEvents(PCODES, [event('IQG09', 'IQG11', 0, 10)], NOW, TRAVEL).get('IQG11')!;
    expect(figures.byOrigin).toEqual([{ origin: 'IQG09', heading24h: 10, heading6h: 10, expected24h: 10, travelHours: 4 }]);
  });
});

const duhokCheckpoint: Site = { id: 'ik', kind: 'checkpoint', nameEn: 'IK', nameAr: 'إ', governorate: 'IQG09', lon: 42, lat: 37 };
const erbilCheckpoint: Site = { id: 'kalak', kind: 'checkpoint', nameEn: 'Kalak', nameAr: 'ك', governorate: 'IQG11', lon: 43.6, lat: 36.3 };
const erbilCamp: Site = { id: 'camp', kind: 'shelter', nameEn: 'Camp', nameAr: 'م', governorate: 'IQG11', lon: 44, lat: 36, capacity: 10_000 };

let n = 0;
function arrivals(siteId: string, agoHours: number, count: number, destinations?: Destination[]): StoredReport {
  n += 1;
  return {
    id: `r${n}`,
    siteId,
    kind: 'arrivals',
    observedAt: new Date(hoursAgo(agoHours)).toISOString(),
    arrivals: count,
    periodMinutes: 60,
    receivedAt: new Date(NOW).toISOString(),
    ...(destinations ? { destinations } : {}),
  };
}

describe('onward events from the site logs', () => {
  it('takes checkpoints only, within 24 h, without unknown or the own governorate', () => {
    const logs = foldReports([
      arrivals('ik', 1, 100, [{ to: 'IQG11', persons: 60 }, { to: 'unknown', persons: 20 }, { to: 'IQG09', persons: 20 }]),
      arrivals('ik', 25, 100, [{ to: 'IQG11', persons: 100 }]),
      arrivals('ik', 1, 50),
    ]);
    expect(onwardEvents([duhokCheckpoint], logs, NOW)).toEqual([{ origin: 'IQG09', destination: 'IQG11', observedMs: hoursAgo(1), persons: 60 }]);
  });

  it('a report stamped a few minutes ahead counts at once, like the arrival windows', () => {
    const ahead = { ...arrivals('ik', 0, 10, [{ to: 'IQG11', persons: 10 }]), observedAt: new Date(NOW + 4 * 60_000).toISOString() };
    expect(onwardGovernorates(PCODES, [duhokCheckpoint], foldReports([ahead]), NOW, TRAVEL).get('IQG11')?.heading24h).toBe(10);
  });
});

const THRESHOLDS: Thresholds = {
  checkpointSurge: { arrivals1h: 100_000, perSite: {} },
  governorateInflux: { arrivals24h: 100_000, perGovernorate: {} },
  shelterCapacity: { warningRatio: 0.9, criticalRatio: 1 },
  siteSilent: { hours: 6, perKind: { shelter: 12 }, perSite: {} },
  onwardInflux: { persons24h: 1000, perGovernorate: { IQG15: 5000 }, travelHours: TRAVEL.travelHours },
};
const NAMES = new Map([
  ['IQG09', 'Duhok'],
  ['IQG11', 'Erbil'],
  ['IQG15', 'Ninewa'],
]);

function onwardAlerts(reports: StoredReport[], thresholds = THRESHOLDS) {
  const sites = [duhokCheckpoint, erbilCheckpoint, erbilCamp];
  const picture = computePicture(PCODES, sites, foldReports(reports), new Map(), NOW, thresholds);
  return evaluateConditions({
    sites,
    states: new Map(picture.sites.map((s) => [s.id, s])),
    governorates: picture.governorates,
    governorateNames: NAMES,
    thresholds,
    nowMs: NOW,
  }).filter((c) => c.rule === 'onward_influx');
}

describe('the onward_influx rule', () => {
  const cases = [
    { name: 'below the line, quiet', persons: 900, severity: null, value: 0 },
    { name: 'at the line, a warning', persons: 1000, severity: 'warning', value: 1000 },
    { name: 'at twice the line, critical', persons: 2000, severity: 'critical', value: 2000 },
    { name: 'the value is the expectation to two significant figures', persons: 1234, severity: 'warning', value: 1200 },
  ] as const;
  it.each(cases)('$name', ({ persons, severity, value }) => {
    const found = onwardAlerts([arrivals('ik', 0, persons, [{ to: 'IQG11', persons }])]);
    if (severity === null) return expect(found).toEqual([]);
    expect(found).toEqual([
      expect.objectContaining({ rule: 'onward_influx', governorate: 'IQG11', severity, value, origins: ['IQG09'] }),
    ]);
    expect(found[0]!.message).toContain('from Duhok');
  });

  it("judges each governorate by its own line, where it has one", () => {
    const erbilToNinewa = { ...erbilCheckpoint, id: 'kalak' };
    const reports = [arrivals(erbilToNinewa.id, 0, 3000, [{ to: 'IQG15', persons: 3000 }])];
    expect(onwardAlerts(reports)).toEqual([]);
  });

  it('without onward settings stored, judges by the default line of 2,000', () => {
    const { onwardInflux: _, ...older } = THRESHOLDS;
    expect(onwardAlerts([arrivals('ik', 0, 1500, [{ to: 'IQG11', persons: 1500 }])], older)).toEqual([]);
    expect(onwardAlerts([arrivals('ik', 0, 2500, [{ to: 'IQG11', persons: 2500 }])], older)).toHaveLength(1);
  });
});

describe('rounding of the alert value', () => {
  it.each([
    [0, 0],
    [99, 99],
    [1234, 1200],
    [1250, 1300],
    [98_765, 99_000],
  ])('%i persons read as %i', (persons, value) => expect(roundedExpected(persons)).toBe(value));
});

describe('the forecast with onward arrivals', () => {
  const settings = { shelterShare: 0.5, smoothingHours: 6 };
  const shelters = [{ capacity: 10_000, occupancy: 7_600 }];
  const ownHourly = { counts: [100, 100, 100, 100], reports: 4 };

  const cases = [
    { name: 'none expected: as before, no onward fields', onward: 0, hoursToFull: 48, onwardPerHour: undefined, onwardShare: undefined },
    { name: '2,400 expected in 24 h: 100 an hour more, half the inflow', onward: 2400, hoursToFull: 24, onwardPerHour: 100, onwardShare: 0.5 },
  ];
  it.each(cases)('$name', ({ onward, hoursToFull, onwardPerHour, onwardShare }) => {
    const forecast = forecastCapacity({ arrivals: ownHourly, shelters, settings, onwardExpected24h: onward });
    expect(forecast.status).toBe('projected');
    expect(forecast.hoursToFull).toBe(hoursToFull);
    expect(forecast.onwardPerHour).toBe(onwardPerHour);
    expect(forecast.onwardShare).toBe(onwardShare);
  });

  it("projects from the onward arrivals alone when the own checkpoints' inflow is too thin to say", () => {
    const forecast = forecastCapacity({ arrivals: { counts: [], reports: 0 }, shelters, settings, onwardExpected24h: 2400 });
    expect(forecast).toMatchObject({ status: 'projected', inflowPerHour: null, hoursToFull: 48, onwardShare: 1 });
  });

  it('without onward arrivals, thin data stays thin', () => {
    expect(forecastCapacity({ arrivals: { counts: [], reports: 0 }, shelters, settings }).status).toBe('thin_data');
  });
});

describe('the picture carries onward figures and the forecast uses them', () => {
  it("Duhok's crossings shorten Erbil's projection before Erbil's checkpoints see anyone", () => {
    const occupancy: StoredReport = {
      id: 'o1',
      siteId: 'camp',
      kind: 'occupancy',
      observedAt: new Date(hoursAgo(1)).toISOString(),
      occupancy: 7_600,
      receivedAt: new Date(NOW).toISOString(),
    };
    const reports = [occupancy, arrivals('ik', 0, 3000, [{ to: 'IQG11', persons: 2400 }])];
    const picture = computePicture(PCODES, [duhokCheckpoint, erbilCheckpoint, erbilCamp], foldReports(reports), new Map(), NOW, THRESHOLDS);
    const erbil = picture.governorates.find((g) => g.pcode === 'IQG11')!;
    expect(erbil.onward).toMatchObject({ heading24h: 2400, expected24h: 2400 });
    // 2,400 places left, 100 an hour expected of whom 60 % seek shelter: 40 h
    expect(erbil.forecast).toMatchObject({ status: 'projected', onwardPerHour: 100, onwardShare: 1, hoursToFull: 40 });
  });
});
