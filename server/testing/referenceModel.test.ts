// The reference model against answers worked out by hand: if the model is wrong, the differential
// test would compare the server with a wrong truth, so the model gets its own table of cases.
import { describe, expect, it } from 'vitest';
import type { Report, Site, Thresholds } from '../../shared/schemas.ts';
import { alertKey, personsAtRatio, ReferenceModel, storedInstant, type Poster } from './referenceModel.ts';

const NOW = Date.parse('2026-11-28T12:00:00Z');
const MIN = 60_000;
const HOUR = 60 * MIN;
const at = (ms: number) => new Date(ms).toISOString();

const SITES: Site[] = [
  { id: 'cp', kind: 'checkpoint', nameEn: 'CP', nameAr: 'ن', governorate: 'IQG09', lon: null, lat: null },
  { id: 'cp2', kind: 'checkpoint', nameEn: 'CP2', nameAr: 'ن', governorate: 'IQG09', lon: null, lat: null },
  { id: 'camp', kind: 'shelter', nameEn: 'Camp', nameAr: 'م', governorate: 'IQG09', lon: null, lat: null, capacity: 1000 },
  { id: 'camp2', kind: 'shelter', nameEn: 'Camp 2', nameAr: 'م', governorate: 'IQG09', lon: null, lat: null, capacity: 500 },
  { id: 'clinic', kind: 'health_post', nameEn: 'Clinic', nameAr: 'ع', governorate: 'IQG11', lon: null, lat: null },
];
const PCODES = ['IQG09', 'IQG11'];

const THRESHOLDS: Thresholds = {
  checkpointSurge: { arrivals1h: 500, perSite: { cp2: 50 } },
  governorateInflux: { arrivals24h: 5000, perGovernorate: {} },
  shelterCapacity: { warningRatio: 0.9, criticalRatio: 1 },
  siteSilent: { hours: 6, perKind: { shelter: 12 }, perSite: {} },
};

const ADMIN: Poster = { world: 'real', sites: 'any' };
let n = 0;
const uuid = () => `00000000-0000-4000-8000-${String(++n).padStart(12, '0')}`;
const arrivals = (siteId: string, count: number, observedMs: number, id = uuid()): Extract<Report, { kind: 'arrivals' }> => ({
  id,
  siteId,
  kind: 'arrivals',
  arrivals: count,
  periodMinutes: 60,
  observedAt: at(observedMs),
});
const occupancy = (siteId: string, count: number, observedMs: number, id = uuid()): Report => ({ id, siteId, kind: 'occupancy', occupancy: count, observedAt: at(observedMs) });

function model(thresholds: Thresholds = THRESHOLDS) {
  return new ReferenceModel(SITES, PCODES, thresholds);
}

describe('the reference model: windows', () => {
  const cases: { name: string; offsetMs: number; in1h: boolean; in24h: boolean; inPrev1h?: boolean }[] = [
    { name: 'now', offsetMs: 0, in1h: true, in24h: true },
    { name: 'exactly one hour old has left the hour', offsetMs: -HOUR, in1h: false, in24h: true, inPrev1h: true },
    { name: 'a second under an hour old', offsetMs: -HOUR + 1000, in1h: true, in24h: true },
    { name: 'exactly two hours old has left the hour before', offsetMs: -2 * HOUR, in1h: false, in24h: true },
    { name: 'exactly 24 h old has left the day', offsetMs: -24 * HOUR, in1h: false, in24h: false },
    { name: 'a second under 24 h', offsetMs: -24 * HOUR + 1000, in1h: false, in24h: true },
    { name: 'five minutes ahead counts at once', offsetMs: 5 * MIN, in1h: true, in24h: true },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const m = model();
      expect(m.post([arrivals('cp', 7, NOW + c.offsetMs)], ADMIN, NOW).status).toBe(201);
      const { national, sites } = m.picture('real', NOW);
      expect([national.arrivals1h, national.arrivals24h]).toEqual([c.in1h ? 7 : 0, c.in24h ? 7 : 0]);
      expect(sites.find((s) => s.id === 'cp')).toEqual({ id: 'cp', lastReportAt: storedInstant(NOW + c.offsetMs), arrivals1h: c.in1h ? 7 : 0, arrivals24h: c.in24h ? 7 : 0, arrivalsPrev1h: c.inPrev1h ? 7 : 0 });
    });
  }

  it('refuses a report more than five minutes ahead, and stores nothing of its batch', () => {
    const m = model();
    expect(m.post([arrivals('cp', 1, NOW), arrivals('cp', 1, NOW + 5 * MIN + 1000)], ADMIN, NOW)).toEqual({ status: 422, fields: ['1.observedAt'] });
    expect(m.reports).toHaveLength(0);
  });
});

describe('the reference model: the latest report of a site', () => {
  it('picks the largest observedAt, whatever the order of arrival, then the later receivedAt, then the larger id', () => {
    const m = model();
    m.post([occupancy('camp', 100, NOW - HOUR)], ADMIN, NOW);
    m.post([occupancy('camp', 200, NOW - 2 * HOUR)], ADMIN, NOW + MIN); // late: older observedAt loses
    expect(m.picture('real', NOW + MIN).sites.find((s) => s.id === 'camp')?.occupancy).toBe(100);
    m.post([occupancy('camp', 300, NOW - HOUR)], ADMIN, NOW + 2 * MIN); // same instant, stored later: wins
    expect(m.picture('real', NOW + 2 * MIN).sites.find((s) => s.id === 'camp')?.occupancy).toBe(300);
    const later = NOW + 3 * MIN;
    m.post(
      [occupancy('camp', 401, NOW - HOUR, '00000000-0000-4000-8000-fffffffffff1'), occupancy('camp', 400, NOW - HOUR, '00000000-0000-4000-8000-fffffffffff0')],
      ADMIN,
      later,
    );
    // same instant and same receivedAt: the larger id, though it came first in the batch
    expect(m.picture('real', later).sites.find((s) => s.id === 'camp')?.occupancy).toBe(401);
    expect(m.picture('real', later).sites.find((s) => s.id === 'camp')?.lastReportAt).toBe('2026-11-28T11:00:00Z');
  });

  it('writes lastReportAt in whole seconds, also before 1970', () => {
    const m = model();
    m.post([{ ...arrivals('cp', 1, 0), observedAt: '1969-12-31T23:59:59.500Z' }], ADMIN, NOW);
    expect(m.picture('real', NOW).sites.find((s) => s.id === 'cp')?.lastReportAt).toBe('1969-12-31T23:59:59Z');
    expect(m.exportOrder('real')[0]!.report.observedAt).toBe('1969-12-31T23:59:59.500Z');
  });
});

describe('the reference model: honest occupancy', () => {
  const cases: { name: string; reports: Report[]; expected: Record<string, unknown> }[] = [
    {
      name: 'no shelter reports: no data, not 0 %',
      reports: [],
      expected: { occupancy: 0, capacity: 0, occupancyRatio: null, shelters: 2, sheltersReporting: 0, capacityUnknown: 1500 },
    },
    {
      name: 'one current shelter counts alone',
      reports: [occupancy('camp', 900, NOW - HOUR)],
      expected: { occupancy: 900, capacity: 1000, occupancyRatio: 0.9, shelters: 2, sheltersReporting: 1, capacityUnknown: 500 },
    },
    {
      name: 'a report older than the shelter window (12 h) is not current',
      reports: [occupancy('camp', 900, NOW - 12 * HOUR - 1000), occupancy('camp2', 250, NOW - 12 * HOUR)],
      expected: { occupancy: 250, capacity: 500, occupancyRatio: 0.5, shelters: 2, sheltersReporting: 1, capacityUnknown: 1000 },
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const m = model();
      if (c.reports.length) m.post(c.reports, ADMIN, NOW);
      const { national, governorates } = m.picture('real', NOW);
      expect(national).toMatchObject(c.expected);
      expect(governorates.find((g) => g.pcode === 'IQG09')).toMatchObject(c.expected);
      expect(governorates.find((g) => g.pcode === 'IQG11')).toMatchObject({ shelters: 0, occupancyRatio: null, healthPosts: { unknown: 1, operational: 0, limited: 0, closed: 0 } });
    });
  }
});

describe('the reference model: report identity', () => {
  it('answers a retry spelt differently as a duplicate, another content as 409, another world as 409', () => {
    const m = model();
    const first = arrivals('cp', 12, Date.parse('2026-11-28T11:05:00Z'));
    expect(m.post([first], ADMIN, NOW)).toEqual({ status: 201, accepted: [first.id], duplicate: [] });
    const respelt = { ...first, id: first.id.toUpperCase(), observedAt: '2026-11-28T14:05:00.000+03:00' };
    expect(m.post([respelt], ADMIN, NOW)).toEqual({ status: 201, accepted: [], duplicate: [respelt.id] });
    const fresh = arrivals('cp', 1, NOW);
    expect(m.post([fresh, { ...first, arrivals: 13 }], ADMIN, NOW)).toEqual({ status: 409, ids: [first.id] });
    expect(m.post([first], { world: 'exercise', sites: ['cp'] }, NOW)).toEqual({ status: 409, ids: [first.id] });
    expect(m.reports.map((r) => r.report.id)).toEqual([first.id]);
    expect(m.post([arrivals('camp', 1, NOW)], { world: 'real', sites: ['cp'] }, NOW)).toEqual({ status: 403, fields: ['0.siteId'] });
    expect(m.post([arrivals('camp', 1, NOW), arrivals('nowhere', 1, NOW)], ADMIN, NOW)).toEqual({ status: 422, fields: ['0.kind', '1.siteId'] });
  });

  it('clears only the exercise world', () => {
    const m = model();
    m.post([arrivals('cp', 1, NOW)], ADMIN, NOW);
    m.post([arrivals('cp', 2, NOW), arrivals('cp', 3, NOW)], { world: 'exercise', sites: 'any' }, NOW);
    expect(m.picture('exercise', NOW).national.arrivals1h).toBe(5);
    expect(m.picture('real', NOW).national.arrivals1h).toBe(1);
    expect(m.clearExercise()).toBe(2);
    expect(m.picture('exercise', NOW).national.arrivals1h).toBe(0);
    expect(m.picture('real', NOW).national.arrivals1h).toBe(1);
    // storage order goes on rising: a report stored after the clearing is listed after the real one
    // stored before it at the same instant
    const later = arrivals('cp2', 4, NOW);
    m.post([later], ADMIN, NOW);
    expect(m.exportOrder('real').map((r) => r.report.id)).toEqual([m.reports[0]!.report.id, later.id]);
    expect(m.exportOrder('real').map((r) => r.order)).toEqual([0, 3]);
  });
});

describe('the reference model: rules', () => {
  const cases: { name: string; reports: Report[]; nowMs?: number; expected: { rule: string; severity: string; value: number; threshold: number; subject: string }[] }[] = [
    { name: 'a checkpoint under its line', reports: [arrivals('cp', 499, NOW)], expected: [] },
    {
      name: 'at its line a warning, at twice it critical; a per-site line applies',
      reports: [arrivals('cp', 500, NOW), arrivals('cp2', 100, NOW)],
      expected: [
        { rule: 'checkpoint_surge', severity: 'warning', value: 500, threshold: 500, subject: 'cp' },
        { rule: 'checkpoint_surge', severity: 'critical', value: 100, threshold: 100, subject: 'cp2' },
      ],
    },
    {
      name: 'a shelter at 90 % of 1,000, value and threshold in persons',
      reports: [occupancy('camp', 900, NOW)],
      expected: [{ rule: 'shelter_capacity', severity: 'warning', value: 900, threshold: 900, subject: 'camp' }],
    },
    {
      name: 'governorate influx over 24 h',
      reports: [arrivals('cp', 400, NOW - 20 * HOUR), arrivals('cp', 4700, NOW - 2 * HOUR)],
      expected: [{ rule: 'governorate_influx', severity: 'warning', value: 5100, threshold: 5000, subject: 'IQG09' }],
    },
    {
      name: 'a checkpoint silent for 7 h 30 min (window 6 h): value in whole hours',
      reports: [arrivals('cp', 1, NOW - 7.5 * HOUR)],
      expected: [{ rule: 'site_silent', severity: 'warning', value: 7, threshold: 6, subject: 'cp' }],
    },
    {
      name: 'exactly at its window a site is not yet silent',
      reports: [arrivals('cp', 1, NOW - 6 * HOUR)],
      expected: [],
    },
    {
      name: 'a closed health post is critical, value 2',
      reports: [{ id: uuid(), siteId: 'clinic', kind: 'health', status: 'closed', observedAt: at(NOW) }],
      expected: [{ rule: 'health_post_down', severity: 'critical', value: 2, threshold: 2, subject: 'clinic' }],
    },
    {
      // 100, 50, 50 in the last three hourly buckets: weights 1, 2^(-1/6), 2^(-2/6) give 68.6 an hour;
      // 60 % seek shelter, 41.2 an hour; 900 places left in the one current shelter: 22 h, a warning.
      name: 'capacity exhaustion from hand-made hourly buckets',
      reports: [arrivals('cp', 100, NOW - 10 * MIN), arrivals('cp', 50, NOW - 90 * MIN), arrivals('cp', 50, NOW - 150 * MIN), occupancy('camp', 100, NOW)],
      expected: [{ rule: 'capacity_exhaustion', severity: 'warning', value: 22, threshold: 48, subject: 'IQG09' }],
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const m = model();
      m.post(c.reports, ADMIN, NOW);
      const found = m.conditions('real', c.nowMs ?? NOW).map((x) => ({ rule: x.rule, severity: x.severity, value: x.value, threshold: x.threshold, subject: x.siteId ?? x.governorate }));
      expect(found).toEqual(c.expected);
    });
  }

  it('gives the forecast the buckets as worked out by hand', () => {
    const m = model();
    m.post([arrivals('cp', 100, NOW - 10 * MIN), arrivals('cp', 50, NOW - 90 * MIN), arrivals('cp', 50, NOW - 150 * MIN), occupancy('camp', 100, NOW)], ADMIN, NOW);
    const forecast = m.picture('real', NOW).governorates.find((g) => g.pcode === 'IQG09')!.forecast!;
    expect(forecast).toMatchObject({ status: 'projected', inflowPerHour: 68.6, arrivalReports: 3, remainingCapacity: 900, sheltersReporting: 1, shelters: 2, hoursToFull: 22 });
  });

  it('states a ratio of capacity as the least number of persons the band counts', () => {
    // 0.14 × 100 is 14.000000000000002 in floating point; 14 / 100 ≥ 0.14 holds, so the line is 14
    expect([personsAtRatio(0.14, 100), personsAtRatio(0.9, 1000), personsAtRatio(1, 7), personsAtRatio(0.57, 100), personsAtRatio(1.5, 3)]).toEqual([14, 900, 7, 57, 5]);
  });
});

describe('the reference model: the alert lifecycle', () => {
  it('raises, updates, keeps the first acknowledgement, reopens on escalation, resolves, and never mixes worlds', () => {
    const m = model();
    m.post([arrivals('cp', 600, NOW)], ADMIN, NOW);
    m.post([arrivals('cp', 600, NOW)], { world: 'exercise', sites: 'any' }, NOW);
    expect(m.reconcile(NOW)).toEqual({ raised: 2, updated: 0, resolved: 0, reopened: 0 });
    expect(m.reconcile(NOW), 'again at the same time and state: nothing').toEqual({ raised: 0, updated: 0, resolved: 0, reopened: 0 });
    const real = alertKey({ world: 'real', rule: 'checkpoint_surge', siteId: 'cp', governorate: 'IQG09' });
    const drill = alertKey({ world: 'exercise', rule: 'checkpoint_surge', siteId: 'cp', governorate: 'IQG09' });
    expect(m.alerts.map(alertKey).sort()).toEqual([drill, real]);
    expect(m.openAlerts('real')[0]).toMatchObject({ severity: 'warning', value: 600, threshold: 500, state: 'active', raisedAt: '2026-11-28T12:00:00Z' });
    expect(m.picture('real', NOW).governorates.find((g) => g.pcode === 'IQG09')?.activeAlerts).toBe(1);

    m.acknowledge(real, 'analyst', '  teams sent ', NOW + MIN);
    m.acknowledge(real, 'someone else', 'later', NOW + 2 * MIN);
    expect(m.openAlerts('real')[0]).toMatchObject({ state: 'acknowledged', acknowledgedBy: 'analyst', acknowledgedAt: '2026-11-28T12:01:00Z', note: 'teams sent' });
    expect(m.openAlerts('exercise')[0]!.state).toBe('active');

    // more arrivals, still a warning: stays acknowledged with the new value
    m.post([arrivals('cp', 100, NOW)], ADMIN, NOW + 3 * MIN);
    m.reconcile(NOW + 3 * MIN);
    expect(m.openAlerts('real')[0]).toMatchObject({ state: 'acknowledged', value: 700, raisedAt: '2026-11-28T12:00:00Z' });
    // doubled past the line: critical, and active again without its acknowledgement
    m.post([arrivals('cp', 300, NOW)], ADMIN, NOW + 4 * MIN);
    expect(m.reconcile(NOW + 4 * MIN)).toEqual({ raised: 0, updated: 1, resolved: 0, reopened: 1 });
    const escalated = m.openAlerts('real')[0]!;
    expect(escalated).toMatchObject({ state: 'active', severity: 'critical', value: 1000, threshold: 1000 });
    expect(escalated.acknowledgedBy).toBeUndefined();
    expect(escalated.note).toBeUndefined();

    // an hour later the surge has left the window: resolved in both worlds; silence is not yet 6 h
    expect(m.reconcile(NOW + HOUR)).toEqual({ raised: 0, updated: 0, resolved: 2, reopened: 0 });
    expect(m.alerts).toEqual([]);
    // and a later condition is a new alert, raised at its own time
    m.reconcile(NOW + 6 * HOUR + MIN);
    expect(m.openAlerts('real')).toEqual([expect.objectContaining({ rule: 'site_silent', raisedAt: '2026-11-28T18:01:00Z', value: 6 })]);
  });
});

describe('the reference model: onward movement', () => {
  const withOnward: Thresholds = { ...THRESHOLDS, onwardInflux: { persons24h: 1000, perGovernorate: {}, travelHours: { 'IQG09>IQG11': 4 } } };
  const heading = (persons: number, observedMs: number, to = 'IQG11') => ({ ...arrivals('cp', persons + 10, observedMs), destinations: [{ to, persons }] }) as Report;

  const cases = [
    // 4 h ± 2 h: spread over hours 2 to 6 after the report, 300 an hour
    { name: 'just reported: all 1,200 expected, 300 an hour from hour 2', ago: 0, expected: 1200, byHour: [0, 0, 300, 300, 300, 300, 0], heading6h: 1200, alert: 'warning' },
    { name: 'three hours ago: a quarter arrived, 900 expected', ago: 3 * HOUR, expected: 900, byHour: [300, 300, 300, 0], heading6h: 1200, alert: null },
    { name: 'seven hours ago: all arrived; heading in 24 h, not in 6 h', ago: 7 * HOUR, expected: 0, byHour: [0], heading6h: 0, alert: null },
  ] as const;
  it.each(cases)('$name', ({ ago, expected, byHour, heading6h, alert }) => {
    const model = new ReferenceModel(SITES, PCODES, withOnward);
    expect(model.post([heading(1200, NOW - ago)], ADMIN, NOW).status).toBe(201);
    const erbil = model.picture('real', NOW).governorates.find((g) => g.pcode === 'IQG11')!;
    expect(erbil.onward).toMatchObject({ heading24h: 1200, heading6h, expected24h: expected });
    expect(erbil.onward!.expectedByHour.slice(0, byHour.length)).toEqual(byHour);
    const found = model.conditions('real', NOW).filter((c) => c.rule === 'onward_influx');
    expect(found.map((c) => c.severity)).toEqual(alert ? [alert] : []);
  });

  it("counts nothing for the checkpoint's own governorate, and refuses destinations beyond the arrivals with 422", () => {
    const model = new ReferenceModel(SITES, PCODES, withOnward);
    model.post([heading(500, NOW, 'IQG09')], ADMIN, NOW);
    expect(model.picture('real', NOW).governorates.find((g) => g.pcode === 'IQG09')!.onward!.heading24h).toBe(0);
    const tooMany = { ...arrivals('cp', 5, NOW), destinations: [{ to: 'IQG11', persons: 6 }] } as Report;
    expect(model.post([arrivals('cp', 1, NOW), tooMany], ADMIN, NOW)).toEqual({ status: 422, fields: ['1.destinations'] });
    expect(model.reports).toHaveLength(1);
  });
});
