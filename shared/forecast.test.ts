import { describe, expect, it } from 'vitest';
import { evaluateConditions, type AlertCondition } from './alerts.ts';
import { capMessage } from './cap.ts';
import { forecastCapacity, forecastGovernorates, hourlyArrivals, smoothedInflow, type ArrivalEvent, type ShelterFigures } from './forecast.ts';
import { emptyRollup } from './projection.ts';
import { addReportToLog, emptySiteLog, type SiteLog } from './siteLog.ts';
import { Thresholds, type Alert, type CapacityForecast, type GovernorateRollup, type Site } from './schemas.ts';
import { PROJECTED_FORECAST } from './testing/forecasts.ts';

const NOW = Date.parse('2026-11-28T12:00:00Z');
const HOUR = 3_600_000;

/** Events as [hours before NOW, arrivals]: literal inputs that read like a reporting log. */
const at = (pairs: [number, number][]): ArrivalEvent[] => pairs.map(([hoursAgo, arrivals]) => ({ atMs: NOW - hoursAgo * HOUR, arrivals }));

const STEADY_100: [number, number][] = [
  [0.5, 100],
  [1.5, 100],
  [2.5, 100],
  [3.5, 100],
  [4.5, 100],
  [5.5, 100],
];
// Ten an hour for nine hours, then a surge of two hundred an hour in the last three.
const SURGE: [number, number][] = [
  [0.5, 200],
  [1.5, 200],
  [2.5, 200],
  [3.5, 10],
  [4.5, 10],
  [5.5, 10],
  [6.5, 10],
  [7.5, 10],
  [8.5, 10],
  [9.5, 10],
  [10.5, 10],
  [11.5, 10],
];
const DEFAULTS = { shelterShare: 0.6, smoothingHours: 6 };
const HALF_FULL: ShelterFigures[] = [
  { capacity: 1500, occupancy: 600 },
  { capacity: 500, occupancy: 200 },
];

describe('hourly buckets sliding with now', () => {
  const cases: { name: string; events: [number, number][]; counts: number[]; reports: number }[] = [
    { name: 'nothing reported', events: [], counts: [], reports: 0 },
    { name: 'a report at now is in the first hour', events: [[0, 5]], counts: [5], reports: 1 },
    { name: 'exactly one hour old is in the second hour', events: [[1, 5]], counts: [0, 5], reports: 1 },
    { name: 'reports in one hour add up', events: [[0.2, 5], [0.9, 7], [2.5, 1]], counts: [12, 0, 1], reports: 3 },
    { name: 'exactly 24 h old has left the window', events: [[24, 9], [0.5, 1]], counts: [1], reports: 1 },
    { name: 'a clock 4 minutes fast counts in the first hour', events: [[-4 / 60, 3]], counts: [3], reports: 1 },
    { name: 'beyond the 5 minute tolerance does not count', events: [[-6 / 60, 3]], counts: [], reports: 0 },
    { name: 'a report of zero arrivals is data', events: [[3.5, 0]], counts: [0, 0, 0, 0], reports: 1 },
  ];
  for (const c of cases) {
    it(c.name, () => {
      expect(hourlyArrivals(at(c.events), NOW)).toEqual({ counts: c.counts, reports: c.reports });
    });
  }
});

describe('the smoothed inflow rate', () => {
  const cases: {
    name: string;
    events: [number, number][];
    halfLife: number;
    expected: { perHour: number; lowPerHour: number; highPerHour: number; spanHours: number } | null;
  }[] = [
    {
      // The band of an even series is its counting noise: ±2·√(100 / 5.78 effective hours).
      name: 'a steady inflow is its own rate, with counting noise as the band',
      events: STEADY_100,
      halfLife: 6,
      expected: { perHour: 100, lowPerHour: 91.68, highPerHour: 108.32, spanHours: 6 },
    },
    {
      name: 'the half-life does not move a steady rate',
      events: STEADY_100,
      halfLife: 1,
      expected: { perHour: 100, lowPerHour: 88.27, highPerHour: 111.73, spanHours: 6 },
    },
    {
      name: 'a surge lifts the rate, and the band reaches the rate of the last three hours',
      events: SURGE,
      halfLife: 6,
      expected: { perHour: 84.2, lowPerHour: 26.71, highPerHour: 200, spanHours: 12 },
    },
    {
      name: 'a shorter half-life follows the surge faster',
      events: SURGE,
      halfLife: 2,
      expected: { perHour: 134.77, lowPerHour: 58.86, highPerHour: 210.69, spanHours: 12 },
    },
    { name: 'two reports are too thin', events: [[0.5, 100], [5.5, 100]], halfLife: 6, expected: null },
    { name: 'three reports within two hours are one burst, not a rate', events: [[0.2, 100], [0.8, 100], [1.5, 100]], halfLife: 6, expected: null },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const estimate = smoothedInflow(hourlyArrivals(at(c.events), NOW), c.halfLife);
      if (c.expected === null) {
        expect(estimate).toBeNull();
        return;
      }
      expect(estimate).not.toBeNull();
      expect(estimate!.perHour).toBeCloseTo(c.expected.perHour, 1);
      expect(estimate!.lowPerHour).toBeCloseTo(c.expected.lowPerHour, 1);
      expect(estimate!.highPerHour).toBeCloseTo(c.expected.highPerHour, 1);
      expect(estimate!.spanHours).toBe(c.expected.spanHours);
    });
  }

  it('is the same whatever order the reports arrived in', () => {
    const inOrder = smoothedInflow(hourlyArrivals(at(SURGE), NOW), 6);
    const shuffled = smoothedInflow(
      hourlyArrivals(at([SURGE[7]!, SURGE[0]!, SURGE[11]!, SURGE[3]!, ...SURGE.slice(8, 11), SURGE[1]!, SURGE[2]!, SURGE[4]!, SURGE[5]!, SURGE[6]!]), NOW),
      6,
    );
    expect(shuffled).toEqual(inOrder);
  });

  it('weighs a late report as the hour it describes, not as the moment it arrived', () => {
    // Six hundred persons reported late for the hour five hours ago, against the same count now.
    const late = smoothedInflow(hourlyArrivals(at([...STEADY_100, [4.5, 600]]), NOW), 6)!;
    const fresh = smoothedInflow(hourlyArrivals(at([...STEADY_100, [0.5, 600]]), NOW), 6)!;
    expect(late.perHour).toBeCloseTo(182.48, 1);
    expect(fresh.perHour).toBeCloseTo(230.9, 1);
  });
});

describe('the capacity forecast of one governorate', () => {
  const base = { shelterShare: 0.6, smoothingHours: 6 };
  const cases: {
    name: string;
    events: [number, number][];
    shelters: ShelterFigures[];
    settings?: { shelterShare: number; smoothingHours: number };
    expected: Partial<CapacityForecast>;
  }[] = [
    {
      // 1,200 places, 60 % of 100 an hour seek one: 20 h; the band from 108.3 and 91.7 an hour.
      name: 'steady inflow against half-full shelters',
      events: STEADY_100,
      shelters: HALF_FULL,
      expected: {
        status: 'projected',
        inflowPerHour: 100,
        inflowLowPerHour: 91.7,
        inflowHighPerHour: 108.3,
        arrivalReports: 6,
        remainingCapacity: 1200,
        sheltersReporting: 2,
        shelters: 2,
        hoursToFull: 20,
        hoursToFullLow: 18,
        hoursToFullHigh: 22,
      },
    },
    {
      // 1,200 / (0.6 × 84.2) = 23.8 h; at the last three hours' 200 an hour, 10 h; at the low 26.7, 75 h.
      name: 'a surge brings the soonest plausible fill within the day',
      events: SURGE,
      shelters: HALF_FULL,
      expected: {
        status: 'projected',
        inflowPerHour: 84.2,
        inflowLowPerHour: 26.7,
        inflowHighPerHour: 200,
        hoursToFull: 24,
        hoursToFullLow: 10,
        hoursToFullHigh: 75,
      },
    },
    {
      name: 'a coordinator who halves the shelter share doubles the hours',
      events: STEADY_100,
      shelters: HALF_FULL,
      settings: { shelterShare: 0.3, smoothingHours: 6 },
      expected: { status: 'projected', shelterShare: 0.3, hoursToFull: 40 },
    },
    {
      name: 'checkpoints report, but nobody crosses',
      events: [[0.5, 0], [1.5, 0], [2.5, 0], [3.5, 0]],
      shelters: HALF_FULL,
      expected: { status: 'no_inflow', inflowPerHour: 0, arrivalReports: 4, hoursToFull: null, hoursToFullLow: null, hoursToFullHigh: null },
    },
    {
      name: 'nobody seeks shelter when the share is zero',
      events: STEADY_100,
      shelters: HALF_FULL,
      settings: { shelterShare: 0, smoothingHours: 6 },
      expected: { status: 'no_inflow', shelterShare: 0, inflowPerHour: 100, hoursToFull: null },
    },
    {
      name: 'too few reports say nothing',
      events: [[0.5, 900], [1.5, 900]],
      shelters: HALF_FULL,
      expected: { status: 'thin_data', inflowPerHour: null, inflowLowPerHour: null, inflowHighPerHour: null, arrivalReports: 2, hoursToFull: null },
    },
    {
      name: 'no reports at all say nothing',
      events: [],
      shelters: HALF_FULL,
      expected: { status: 'thin_data', inflowPerHour: null, arrivalReports: 0, hoursToFull: null },
    },
    {
      name: 'full shelters with arrivals flowing in: no hours left',
      events: STEADY_100,
      shelters: [
        { capacity: 1500, occupancy: 1600 },
        { capacity: 500, occupancy: 450 },
      ],
      expected: { status: 'full', inflowPerHour: 100, remainingCapacity: 0, hoursToFull: 0, hoursToFullLow: 0, hoursToFullHigh: 0 },
    },
    {
      name: 'full shelters are full even when the inflow is too thin to say',
      events: [],
      shelters: [{ capacity: 500, occupancy: 500 }],
      expected: { status: 'full', inflowPerHour: null, hoursToFull: 0 },
    },
    {
      name: 'no shelter with a capacity: nothing to fill',
      events: STEADY_100,
      shelters: [],
      expected: { status: 'no_shelters', inflowPerHour: 100, remainingCapacity: 0, shelters: 0, hoursToFull: null },
    },
    {
      name: 'shelters that never reported an occupancy: their room is unknown',
      events: STEADY_100,
      shelters: [{ capacity: 2000, occupancy: null }],
      expected: { status: 'no_occupancy', sheltersReporting: 0, shelters: 1, remainingCapacity: 0, hoursToFull: null },
    },
    {
      // The silent camp's 5,000 places are not counted as free: 300 places at 60 an hour is 5 h.
      name: 'only shelters that reported count towards the room left',
      events: STEADY_100,
      shelters: [
        { capacity: 1000, occupancy: 700 },
        { capacity: 5000, occupancy: null },
      ],
      expected: { status: 'projected', remainingCapacity: 300, sheltersReporting: 1, shelters: 2, hoursToFull: 5 },
    },
    {
      name: 'a trickle far from full projects far ahead, with no upper end',
      events: [[0.5, 1], [5.5, 0], [10.5, 0], [15.5, 0]],
      shelters: HALF_FULL,
      expected: { status: 'projected', inflowPerHour: 0.1, inflowLowPerHour: 0, hoursToFullHigh: null },
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const arrivals = hourlyArrivals(at(c.events), NOW);
      const forecast = forecastCapacity({ arrivals, shelters: c.shelters, settings: c.settings ?? DEFAULTS });
      expect(forecast).toMatchObject({ ...base, ...c.expected });
    });
  }
});

describe('forecasts from the projection’s site logs', () => {
  const sites: Site[] = [
    { id: 'ik', kind: 'checkpoint', nameEn: 'IK', nameAr: 'إ', governorate: 'IQG09', lon: null, lat: null },
    { id: 'camp', kind: 'shelter', nameEn: 'Camp', nameAr: 'م', governorate: 'IQG09', lon: null, lat: null, capacity: 2000 },
    { id: 'other', kind: 'checkpoint', nameEn: 'Other', nameAr: 'خ', governorate: 'IQG11', lon: null, lat: null },
  ];
  function logWith(reports: { observedAt: string; arrivals?: number; occupancy?: number }[], siteId: string): SiteLog {
    const log = emptySiteLog();
    reports.forEach((r, i) =>
      addReportToLog(
        log,
        r.arrivals !== undefined
          ? { id: `${siteId}${i}`, siteId, observedAt: r.observedAt, kind: 'arrivals', arrivals: r.arrivals, periodMinutes: 60, receivedAt: r.observedAt }
          : { id: `${siteId}${i}`, siteId, observedAt: r.observedAt, kind: 'occupancy', occupancy: r.occupancy!, receivedAt: r.observedAt },
      ),
    );
    return log;
  }

  it('takes a governorate’s checkpoint arrivals and its shelters’ latest occupancy, and no other governorate’s', () => {
    const logs = new Map([
      [
        'ik',
        logWith(
          [
            { observedAt: '2026-11-28T11:30:00Z', arrivals: 100 },
            { observedAt: '2026-11-28T10:30:00Z', arrivals: 100 },
            { observedAt: '2026-11-28T09:30:00Z', arrivals: 100 },
          ],
          'ik',
        ),
      ],
      [
        'camp',
        logWith(
          [
            { observedAt: '2026-11-28T06:00:00Z', occupancy: 100 },
            { observedAt: '2026-11-28T11:00:00Z', occupancy: 1400 },
          ],
          'camp',
        ),
      ],
      ['other', logWith([{ observedAt: '2026-11-28T11:30:00Z', arrivals: 5000 }], 'other')],
    ]);
    const forecasts = forecastGovernorates(['IQG09', 'IQG11'], sites, logs, new Set(['camp']), NOW, DEFAULTS);
    // 600 places at 60 an hour
    expect(forecasts.get('IQG09')).toMatchObject({ status: 'projected', inflowPerHour: 100, remainingCapacity: 600, hoursToFull: 10 });
    expect(forecasts.get('IQG11')).toMatchObject({ status: 'no_shelters', arrivalReports: 1 });

    // A coordinator says a tenth of Duhok's crossers seek shelter (routine traffic): ten times the hours.
    const own = forecastGovernorates(['IQG09', 'IQG11'], sites, logs, new Set(['camp']), NOW, { ...DEFAULTS, shelterSharePerGovernorate: { IQG09: 0.06 } });
    expect(own.get('IQG09')).toMatchObject({ status: 'projected', shelterShare: 0.06, hoursToFull: 100 });
    expect(own.get('IQG11')).toMatchObject({ shelterShare: 0.6 });
  });
});

describe('the capacity_exhaustion rule', () => {
  const thresholds: Thresholds = {
    checkpointSurge: { arrivals1h: 500, perSite: {} },
    governorateInflux: { arrivals24h: 1_000_000, perGovernorate: {} },
    shelterCapacity: { warningRatio: 0.9, criticalRatio: 1 },
    siteSilent: { hours: 6, perKind: {}, perSite: {} },
    capacityExhaustion: { warningHours: 48, criticalHours: 12, shelterShare: 0.6, smoothingHours: 6 },
  };
  const projected = PROJECTED_FORECAST;
  function conditions(forecast: CapacityForecast | undefined, own: Thresholds = thresholds): AlertCondition[] {
    const rollup: GovernorateRollup = { pcode: 'IQG09', ...emptyRollup(), activeAlerts: 0, ...(forecast ? { forecast } : {}) };
    return evaluateConditions({
      sites: [],
      states: new Map(),
      governorates: [rollup],
      governorateNames: new Map([['IQG09', 'Duhok']]),
      thresholds: own,
      nowMs: NOW,
    }).filter((c) => c.rule === 'capacity_exhaustion');
  }

  const cases: { name: string; forecast: CapacityForecast | undefined; own?: Thresholds; expected: Partial<AlertCondition>[] }[] = [
    {
      name: 'full within 48 h is a warning',
      forecast: projected,
      expected: [
        {
          rule: 'capacity_exhaustion',
          severity: 'warning',
          governorate: 'IQG09',
          value: 20,
          threshold: 48,
          message: 'Duhok: shelters full in about 20 hours if arrivals go on at this rate',
        },
      ],
    },
    { name: 'exactly 48 h is quiet', forecast: { ...projected, hoursToFull: 48 }, expected: [] },
    { name: 'within 12 h is critical', forecast: { ...projected, hoursToFull: 11 }, expected: [{ severity: 'critical', value: 11, threshold: 12 }] },
    { name: 'exactly 12 h is a warning', forecast: { ...projected, hoursToFull: 12 }, expected: [{ severity: 'warning', threshold: 48 }] },
    {
      name: 'full with arrivals flowing in is critical at 0 h',
      forecast: { ...projected, status: 'full', remainingCapacity: 0, hoursToFull: 0, hoursToFullLow: 0, hoursToFullHigh: 0 },
      expected: [{ severity: 'critical', value: 0, threshold: 12, message: 'Duhok: shelters are full and arrivals continue' }],
    },
    {
      name: 'full with no known inflow is left to shelter_capacity',
      forecast: { ...projected, status: 'full', inflowPerHour: null, remainingCapacity: 0, hoursToFull: 0 },
      expected: [],
    },
    {
      name: 'quiet where nothing flows in',
      forecast: { ...projected, status: 'no_inflow', inflowPerHour: 0, hoursToFull: null, hoursToFullLow: null, hoursToFullHigh: null },
      expected: [],
    },
    { name: 'quiet when the data are thin', forecast: { ...projected, status: 'thin_data', inflowPerHour: null, hoursToFull: null }, expected: [] },
    { name: 'quiet without a forecast', forecast: undefined, expected: [] },
    {
      name: 'a coordinator’s bands apply',
      forecast: projected,
      own: { ...thresholds, capacityExhaustion: { warningHours: 72, criticalHours: 24, shelterShare: 0.6, smoothingHours: 6 } },
      expected: [{ severity: 'critical', threshold: 24 }],
    },
    {
      name: 'thresholds stored before the rule existed use the defaults',
      forecast: { ...projected, hoursToFull: 30 },
      own: { ...thresholds, capacityExhaustion: undefined },
      expected: [{ severity: 'warning', threshold: 48 }],
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const found = conditions(c.forecast, c.own);
      expect(found).toHaveLength(c.expected.length);
      c.expected.forEach((e, i) => expect(found[i]).toMatchObject(e));
      for (const condition of found) expect(condition.siteId).toBeUndefined();
    });
  }
});

describe('a coordinator’s capacity_exhaustion settings', () => {
  const base = JSON.parse(
    '{"checkpointSurge":{"arrivals1h":500},"governorateInflux":{"arrivals24h":5000},"shelterCapacity":{"warningRatio":0.9,"criticalRatio":1},"siteSilent":{"hours":6}}',
  );
  const cases: { name: string; capacityExhaustion: unknown; valid: boolean }[] = [
    { name: 'the defaults', capacityExhaustion: { warningHours: 48, criticalHours: 12, shelterShare: 0.6, smoothingHours: 6 }, valid: true },
    { name: 'equal bands', capacityExhaustion: { warningHours: 24, criticalHours: 24, shelterShare: 0.6, smoothingHours: 6 }, valid: true },
    { name: 'a critical band beyond the warning band', capacityExhaustion: { warningHours: 12, criticalHours: 48, shelterShare: 0.6, smoothingHours: 6 }, valid: false },
    { name: 'a share above one', capacityExhaustion: { warningHours: 48, criticalHours: 12, shelterShare: 1.2, smoothingHours: 6 }, valid: false },
    { name: 'a smoothing of no time', capacityExhaustion: { warningHours: 48, criticalHours: 12, shelterShare: 0.6, smoothingHours: 0 }, valid: false },
    {
      name: 'a governorate’s own share',
      capacityExhaustion: { warningHours: 48, criticalHours: 12, shelterShare: 0.6, smoothingHours: 6, shelterSharePerGovernorate: { IQG09: 0.1 } },
      valid: true,
    },
    {
      name: 'a share for something that is not a governorate',
      capacityExhaustion: { warningHours: 48, criticalHours: 12, shelterShare: 0.6, smoothingHours: 6, shelterSharePerGovernorate: { Duhok: 0.1 } },
      valid: false,
    },
  ];
  for (const c of cases) {
    it(`${c.valid ? 'accepts' : 'refuses'} ${c.name}`, () => {
      expect(Thresholds.safeParse({ ...base, capacityExhaustion: c.capacityExhaustion }).success).toBe(c.valid);
    });
  }
});

describe('capacity_exhaustion on the CAP feed', () => {
  const duhok = { pcode: 'IQG09', nameEn: 'Duhok', nameAr: 'دهوك', nameCkb: 'دهۆک' };
  const alert = (value: number, severity: 'warning' | 'critical', threshold: number): Alert => ({
    id: 'a1',
    rule: 'capacity_exhaustion',
    severity,
    governorate: 'IQG09',
    message: '',
    value,
    threshold,
    state: 'active',
    raisedAt: '2026-11-28T12:00:00Z',
    updatedAt: '2026-11-28T12:00:00Z',
  });
  const cases: { name: string; alert: Alert; headlines: string[]; certainty: string }[] = [
    {
      name: 'a projection names the hours, as likely',
      alert: alert(20, 'warning', 48),
      headlines: ['Duhok: shelters full in about 20 hours if arrivals go on at this rate', 'دهوك: تمتلئ المخيمات خلال نحو ٢٠ ساعة إذا استمر وصول الوافدين بهذا المعدل', 'دهۆک: ئەگەر هاتن بەم ڕێژەیە بەردەوام بێت، کەمپەکان لە نزیکەی ٢٠ کاتژمێردا پڕ دەبن'],
      certainty: 'Likely',
    },
    {
      name: 'full with arrivals flowing in says so, not "in 0 hours"',
      alert: alert(0, 'critical', 12),
      headlines: ['Duhok: shelters are full and arrivals continue', 'دهوك: المخيمات ممتلئة ولا يزال الوافدون يصلون', 'دهۆک: کەمپەکان پڕن و هاتن بەردەوامە'],
      certainty: 'Likely',
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const message = capMessage(c.alert, { governorate: duhok, exercise: false, polygons: ['36.6,42.4 37.4,42.4 37.4,44.0 36.6,44.0 36.6,42.4'] }, { sender: 'amina@example.org', webBase: 'https://amina.example.org', contact: 'duty officer' });
      expect(message.info.map((i) => i.headline)).toEqual(c.headlines);
      expect(message.info.every((i) => i.certainty === c.certainty && i.area.areaDesc === (i.language === 'en' ? 'Duhok' : i.language === 'ar' ? 'دهوك' : 'دهۆک'))).toBe(true);
    });
  }
});
