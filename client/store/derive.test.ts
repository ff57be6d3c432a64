import { describe, expect, it } from 'vitest';
import type { Alert, GovernorateRollup, Site, Thresholds } from '../../shared/schemas.ts';
import { downsample, metricValue, rankByPressure, siteCondition, sortAlerts, wallRotation } from './derive.ts';

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

describe('siteCondition', () => {
  const recent = '2026-11-28T11:30:00Z';
  it.each([
    ['never reported', site('a', 'checkpoint'), undefined, 'unknown'],
    ['checkpoint below the line', site('a', 'checkpoint'), { id: 'a', lastReportAt: recent, arrivals1h: 499 }, 'ok'],
    ['checkpoint at the line', site('a', 'checkpoint'), { id: 'a', lastReportAt: recent, arrivals1h: 500 }, 'warning'],
    ['checkpoint at twice the line', site('a', 'checkpoint'), { id: 'a', lastReportAt: recent, arrivals1h: 1000 }, 'critical'],
    ['per-site line', site('big', 'checkpoint'), { id: 'big', lastReportAt: recent, arrivals1h: 1000 }, 'ok'],
    ['shelter at 89 %', site('s', 'shelter', 100), { id: 's', lastReportAt: recent, occupancy: 89 }, 'ok'],
    ['shelter at 90 %', site('s', 'shelter', 100), { id: 's', lastReportAt: recent, occupancy: 90 }, 'warning'],
    ['shelter over capacity', site('s', 'shelter', 100), { id: 's', lastReportAt: recent, occupancy: 130 }, 'critical'],
    ['health post limited', site('h', 'health_post'), { id: 'h', lastReportAt: recent, status: 'limited' as const }, 'warning'],
    ['health post closed', site('h', 'health_post'), { id: 'h', lastReportAt: recent, status: 'closed' as const }, 'critical'],
    ['silent for 7 h', site('a', 'checkpoint'), { id: 'a', lastReportAt: '2026-11-28T05:00:00Z', arrivals1h: 0 }, 'silent'],
    ['7 h is within a 12 h window', site('slow', 'checkpoint'), { id: 'slow', lastReportAt: '2026-11-28T05:00:00Z' }, 'ok'],
    ['exactly 6 h is not yet silent', site('a', 'checkpoint'), { id: 'a', lastReportAt: '2026-11-28T06:00:00Z' }, 'ok'],
  ])('%s', (_name, s, state, expected) => {
    expect(siteCondition(s, state, thresholds, NOW)).toBe(expected);
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
    hour: run[0].hour,
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
