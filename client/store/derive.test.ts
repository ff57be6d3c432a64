import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { evaluateConditions, reconcileAlerts } from '../../shared/alerts.ts';
import type { Alert, CapacityForecast, GovernorateRollup, Site, SiteState, Thresholds } from '../../shared/schemas.ts';
import {
  alertsBySite,
  downsample,
  forecastsToList,
  metricValue,
  rankByPressure,
  sheltersOverLine,
  siteCondition,
  sortAlerts,
  wallRotation,
} from './derive.ts';

const thresholds: Thresholds = {
  checkpointSurge: { arrivals1h: 500, perSite: { big: 2000 } },
  governorateInflux: { arrivals24h: 5000, perGovernorate: { IQG09: 25000 } },
  shelterCapacity: { warningRatio: 0.9, criticalRatio: 1 },
  siteSilent: { hours: 6, perKind: {}, perSite: { slow: 12 } },
};
const NOW = Date.parse('2026-11-28T12:00:00Z');
const site = (id: string, kind: Site['kind'], capacity?: number): Site => ({
  id,
  kind,
  nameEn: id,
  nameAr: id,
  governorate: 'IQG01',
  lon: 44,
  lat: 33,
  ...(capacity ? { capacity } : {}),
});
const rollup = (pcode: string, arrivals24h: number, occupancy: number, capacity: number, activeAlerts: number): GovernorateRollup => ({
  pcode,
  arrivals1h: 0,
  arrivals24h,
  occupancy,
  capacity,
  occupancyRatio: capacity > 0 ? occupancy / capacity : null,
  shelters: capacity > 0 ? 1 : 0,
  sheltersReporting: capacity > 0 ? 1 : 0,
  capacityUnknown: 0,
  activeAlerts,
  healthPosts: { operational: 0, limited: 0, closed: 0, unknown: 0 },
});
const alert = (id: string, governorate: string, severity: Alert['severity'], state: Alert['state'], raisedAt: string): Alert => ({
  id,
  rule: 'checkpoint_surge',
  severity,
  governorate,
  message: '',
  value: 1,
  threshold: 1,
  state,
  raisedAt,
  updatedAt: raisedAt,
});

describe("siteCondition: the colour is the severity of the site's open alerts, as the shared rules raise them", () => {
  const states: SiteState[] = [
    { id: 'cp', lastReportAt: '2026-11-28T11:30:00Z', arrivals1h: 0 },
    { id: 'big', lastReportAt: '2026-11-28T11:30:00Z', arrivals1h: 0 },
    { id: 'camp', lastReportAt: '2026-11-28T11:30:00Z', occupancy: 0 },
    { id: 'clinic', lastReportAt: '2026-11-28T11:30:00Z', status: 'operational' },
  ];
  const sites: Site[] = [site('cp', 'checkpoint'), site('big', 'checkpoint'), site('camp', 'shelter', 1000), site('clinic', 'health_post')];

  it('never reported is unknown; a report and no alert is ok', () => {
    expect(siteCondition(undefined, [])).toBe('unknown');
    expect(siteCondition({ id: 'cp', lastReportAt: null }, [])).toBe('unknown');
    expect(siteCondition(states[0], [])).toBe('ok');
  });

  it('agrees with the alerts raised for random thresholds and random numbers', () => {
    fc.assert(
      fc.property(
        fc.record({
          surge: fc.integer({ min: 1, max: 3000 }),
          perSite: fc.integer({ min: 1, max: 3000 }),
          warningRatio: fc.double({ min: 0.1, max: 1.5, noNaN: true }),
          extra: fc.double({ min: 0, max: 1, noNaN: true }),
          silentHours: fc.double({ min: 0.25, max: 12, noNaN: true }),
          arrivals: fc.array(fc.integer({ min: 0, max: 8000 }), { minLength: 2, maxLength: 2 }),
          occupancy: fc.integer({ min: 0, max: 3000 }),
          status: fc.constantFrom('operational', 'limited', 'closed'),
          ageMinutes: fc.integer({ min: 0, max: 900 }),
        }),
        (r) => {
          const own: Thresholds = {
            checkpointSurge: { arrivals1h: r.surge, perSite: { big: r.perSite } },
            governorateInflux: { arrivals24h: 1_000_000, perGovernorate: {} },
            shelterCapacity: { warningRatio: r.warningRatio, criticalRatio: r.warningRatio + r.extra },
            siteSilent: { hours: r.silentHours, perKind: {}, perSite: {} },
          };
          const lastReportAt = new Date(NOW - r.ageMinutes * 60_000).toISOString();
          const now: SiteState[] = [
            { id: 'cp', lastReportAt, arrivals1h: r.arrivals[0] },
            { id: 'big', lastReportAt, arrivals1h: r.arrivals[1] },
            { id: 'camp', lastReportAt, occupancy: r.occupancy },
            { id: 'clinic', lastReportAt, status: r.status as SiteState['status'] },
          ];
          const conditions = evaluateConditions({
            sites,
            states: new Map(now.map((s) => [s.id, s])),
            governorates: [],
            governorateNames: new Map(),
            thresholds: own,
            nowMs: NOW,
          });
          const raised = reconcileAlerts([], conditions, '2026-11-28T12:00:00Z').raise.map(
            (c, i): Alert => ({ ...c, id: `a${i}`, state: 'active', raisedAt: '2026-11-28T12:00:00Z', updatedAt: '2026-11-28T12:00:00Z' }),
          );
          const bySite = alertsBySite(raised);
          for (const state of now) {
            const mine = bySite.get(state.id) ?? [];
            const expected = mine.some((a) => a.rule === 'site_silent')
              ? 'silent'
              : mine.some((a) => a.severity === 'critical')
                ? 'critical'
                : mine.length
                  ? 'warning'
                  : 'ok';
            expect(siteCondition(state, mine)).toBe(expected);
          }
        },
      ),
      { numRuns: 300 },
    );
    // the states above are a sanity check of the fixture, not of the property
    expect(states).toHaveLength(4);
  });
});

describe('metricValue', () => {
  it.each([
    ['arrivals24h', rollup('IQG01', 700, 0, 0, 2), 700],
    ['openAlerts', rollup('IQG01', 700, 0, 0, 2), 2],
    ['occupancyRatio', rollup('IQG01', 0, 50, 200, 0), 0.25],
    ['occupancyRatio', rollup('IQG01', 0, 0, 0, 0), null],
  ] as const)('%s', (metric, r, expected) => {
    expect(metricValue(r, metric)).toBe(expected);
  });
});

describe('rankByPressure', () => {
  it('puts open alerts first, then arrivals against the local line, then occupancy', () => {
    const ranked = rankByPressure(
      [
        rollup('IQG09', 20000, 0, 0, 0), // 0.8 of its 25,000 line
        rollup('IQG01', 4500, 0, 0, 0), // 0.9 of 5,000
        rollup('IQG02', 0, 95, 100, 0), // 0.95 occupancy
        rollup('IQG03', 10, 0, 0, 1),
      ],
      thresholds,
    );
    expect(ranked.map((r) => r.pcode)).toEqual(['IQG03', 'IQG02', 'IQG01', 'IQG09']);
  });
});

describe('sortAlerts and wallRotation', () => {
  const alerts = [
    alert('1', 'IQG01', 'warning', 'active', '2026-11-28T10:00:00Z'),
    alert('2', 'IQG02', 'critical', 'acknowledged', '2026-11-28T11:00:00Z'),
    alert('3', 'IQG03', 'critical', 'active', '2026-11-28T09:00:00Z'),
    alert('4', 'IQG01', 'critical', 'active', '2026-11-28T08:00:00Z'),
  ];
  it('orders active before acknowledged, critical before warning, newest first', () => {
    expect(sortAlerts(alerts).map((a) => a.id)).toEqual(['3', '4', '1', '2']);
  });
  it('rotates through governorates with active alerts only, most urgent first', () => {
    expect(wallRotation(alerts)).toEqual(['IQG03', 'IQG01']);
    expect(wallRotation([])).toEqual([]);
  });
});

describe('downsample', () => {
  const points = Array.from({ length: 10 }, (_, i) => ({ hour: `h${i}`, arrivals: i }));
  const sum = (run: readonly { hour: string; arrivals: number }[]) => ({
    hour: run[0]!.hour,
    arrivals: run.reduce((s, p) => s + p.arrivals, 0),
  });
  it('keeps short series as they are', () => {
    expect(downsample(points, 10, sum)).toEqual(points);
  });
  it('sums runs so the total is kept', () => {
    const out = downsample(points, 4, sum);
    expect(out.length).toBeLessThanOrEqual(4);
    expect(out.reduce((s, p) => s + p.arrivals, 0)).toBe(45);
    expect(out[0]).toEqual({ hour: 'h0', arrivals: 0 + 1 + 2 });
  });
});

describe('sheltersOverLine', () => {
  const shelterAlert = (id: string, siteId: string, severity: Alert['severity'], value: number, state: Alert['state'] = 'active'): Alert => ({
    ...alert(id, 'IQG09', severity, state, '2026-11-28T10:00:00Z'),
    rule: 'shelter_capacity',
    siteId,
    value,
  });
  const sites: Record<string, Site> = {
    big: site('big', 'shelter', 20_000),
    small: site('small', 'shelter', 1_000),
    mid: site('mid', 'shelter', 5_000),
    gone: site('gone', 'shelter', 1_000),
  };

  it('lists the open shelter_capacity alerts, fullest first, the percentage from value over capacity', () => {
    const list = sheltersOverLine(
      [
        shelterAlert('1', 'big', 'warning', 18_400), // 92 %
        shelterAlert('2', 'small', 'critical', 1_050), // 105 %
        shelterAlert('3', 'mid', 'warning', 4_750), // 95 %
        shelterAlert('4', 'gone', 'critical', 1_200, 'resolved'),
        { ...shelterAlert('5', 'big', 'critical', 1), rule: 'site_silent' },
      ],
      sites,
    );
    expect(list.map((s) => [s.alert.siteId, s.alert.severity, s.ratio])).toEqual([
      ['small', 'critical', 1.05],
      ['mid', 'warning', 0.95],
      ['big', 'warning', 0.92],
    ]);
  });

  it('keeps an alert whose site is unknown to the registry, last, without a percentage', () => {
    const list = sheltersOverLine([shelterAlert('1', 'nowhere', 'critical', 10), shelterAlert('2', 'small', 'warning', 950)], sites);
    expect(list.map((s) => [s.alert.siteId, s.ratio])).toEqual([
      ['small', 0.95],
      ['nowhere', null],
    ]);
  });
});

describe('forecastsToList', () => {
  const forecast = (status: CapacityForecast['status'], hoursToFull: number | null, inflowPerHour: number | null): CapacityForecast => ({
    status,
    inflowPerHour,
    inflowLowPerHour: inflowPerHour,
    inflowHighPerHour: inflowPerHour,
    arrivalReports: inflowPerHour === null ? 0 : 10,
    shelterShare: 0.6,
    smoothingHours: 6,
    remainingCapacity: status === 'full' ? 0 : 100,
    sheltersReporting: 1,
    shelters: 1,
    hoursToFull,
    hoursToFullLow: hoursToFull,
    hoursToFullHigh: hoursToFull,
  });
  const withForecast = (pcode: string, f: CapacityForecast): GovernorateRollup => ({ ...rollup(pcode, 0, 0, 0, 0), forecast: f });

  it('names full governorates first, even with too few arrival reports, then the soonest to fill', () => {
    const list = forecastsToList(
      [
        withForecast('IQG01', forecast('projected', 30, 12)),
        withForecast('IQG02', forecast('full', 0, null)), // full, inflow too thin to say
        withForecast('IQG03', forecast('projected', 5, 40)),
        withForecast('IQG04', forecast('full', 0, 25)), // full, arrivals continue: leads
        withForecast('IQG05', forecast('projected', 900, 1)), // beyond the horizon
        withForecast('IQG06', forecast('no_inflow', null, 0)),
        withForecast('IQG07', forecast('thin_data', null, null)),
        rollup('IQG08', 0, 0, 0, 0), // no forecast at all
      ],
      [],
      720,
    );
    expect(list.map((g) => g.pcode)).toEqual(['IQG04', 'IQG02', 'IQG03', 'IQG01']);
  });

  it('never leaves out a governorate an open capacity_exhaustion alert speaks of', () => {
    const exhaustion = { ...alert('x', 'IQG07', 'warning', 'active', '2026-11-28T10:00:00Z'), rule: 'capacity_exhaustion' as const };
    const rollups = [withForecast('IQG07', forecast('thin_data', null, null)), withForecast('IQG01', forecast('projected', 30, 12))];
    expect(forecastsToList(rollups, [exhaustion], 720).map((g) => g.pcode)).toEqual(['IQG01', 'IQG07']);
    expect(forecastsToList(rollups, [{ ...exhaustion, state: 'resolved' }], 720).map((g) => g.pcode)).toEqual(['IQG01']);
  });
});
