import { describe, expect, it } from 'vitest';
import { evaluateConditions, reconcileAlerts, type AlertCondition, type AlertInputs } from './alerts.ts';
import { emptyRollup } from './projection.ts';
import type { Alert, GovernorateRollup, Site, SiteState, Thresholds } from './schemas.ts';

const NOW = Date.parse('2026-11-28T12:00:00Z');
const NOW_ISO = '2026-11-28T12:00:00Z';

const thresholds: Thresholds = {
  checkpointSurge: { arrivals1h: 500, perSite: { big: 2000 } },
  governorateInflux: { arrivals24h: 5000, perGovernorate: {} },
  shelterCapacity: { warningRatio: 0.9, criticalRatio: 1 },
  siteSilent: { hours: 6, perKind: { shelter: 12 }, perSite: { slow: 24 } },
};

const sites: Site[] = [
  { id: 'cp', kind: 'checkpoint', nameEn: 'CP', nameAr: 'ن', governorate: 'IQG09', lon: null, lat: null },
  { id: 'big', kind: 'checkpoint', nameEn: 'Big', nameAr: 'ك', governorate: 'IQG09', lon: null, lat: null },
  { id: 'camp', kind: 'shelter', nameEn: 'Camp', nameAr: 'م', governorate: 'IQG11', lon: null, lat: null, capacity: 1000 },
  { id: 'clinic', kind: 'health_post', nameEn: 'Clinic', nameAr: 'ع', governorate: 'IQG11', lon: null, lat: null },
  { id: 'slow', kind: 'health_post', nameEn: 'Slow', nameAr: 'ب', governorate: 'IQG11', lon: null, lat: null },
];

const fresh = '2026-11-28T11:30:00Z';

function conditions(states: SiteState[], governorates: Partial<GovernorateRollup>[] = []): AlertCondition[] {
  const inputs: AlertInputs = {
    sites,
    states: new Map(states.map((s) => [s.id, s])),
    governorates: governorates.map((g) => ({ pcode: 'IQG09', ...emptyRollup(), activeAlerts: 0, ...g })),
    governorateNames: new Map([['IQG09', 'Duhok']]),
    thresholds,
    nowMs: NOW,
  };
  return evaluateConditions(inputs);
}

describe('alert conditions', () => {
  const cases: { name: string; states: SiteState[]; governorates?: Partial<GovernorateRollup>[]; expected: Partial<AlertCondition>[] }[] = [
    { name: 'a quiet checkpoint', states: [{ id: 'cp', lastReportAt: fresh, arrivals1h: 499 }], expected: [] },
    {
      name: 'a surge at the threshold is a warning',
      states: [{ id: 'cp', lastReportAt: fresh, arrivals1h: 500 }],
      expected: [{ rule: 'checkpoint_surge', severity: 'warning', siteId: 'cp', value: 500, threshold: 500 }],
    },
    {
      name: 'twice the threshold is critical',
      states: [{ id: 'cp', lastReportAt: fresh, arrivals1h: 1000 }],
      expected: [{ rule: 'checkpoint_surge', severity: 'critical', value: 1000, threshold: 1000 }],
    },
    { name: 'a per-site threshold applies', states: [{ id: 'big', lastReportAt: fresh, arrivals1h: 1999 }], expected: [] },
    { name: 'a shelter under 90 %', states: [{ id: 'camp', lastReportAt: fresh, occupancy: 899 }], expected: [] },
    {
      name: 'a shelter at 90 % is a warning',
      states: [{ id: 'camp', lastReportAt: fresh, occupancy: 900 }],
      expected: [{ rule: 'shelter_capacity', severity: 'warning', governorate: 'IQG11', value: 900, threshold: 900 }],
    },
    {
      name: 'a shelter over capacity is critical',
      states: [{ id: 'camp', lastReportAt: fresh, occupancy: 1250 }],
      expected: [{ rule: 'shelter_capacity', severity: 'critical', value: 1250, threshold: 1000 }],
    },
    { name: 'an operational health post', states: [{ id: 'clinic', lastReportAt: fresh, status: 'operational' }], expected: [] },
    {
      name: 'a limited health post is a warning',
      states: [{ id: 'clinic', lastReportAt: fresh, status: 'limited' }],
      expected: [{ rule: 'health_post_down', severity: 'warning' }],
    },
    {
      name: 'a closed health post is critical',
      states: [{ id: 'clinic', lastReportAt: fresh, status: 'closed' }],
      expected: [{ rule: 'health_post_down', severity: 'critical' }],
    },
    { name: 'a site that never reported is not silent', states: [{ id: 'clinic', lastReportAt: null }], expected: [] },
    { name: 'exactly at the silence window is not yet silent', states: [{ id: 'clinic', lastReportAt: '2026-11-28T06:00:00Z', status: 'operational' }], expected: [] },
    {
      name: 'past the window is silent',
      states: [{ id: 'clinic', lastReportAt: '2026-11-28T05:59:00Z', status: 'operational' }],
      expected: [{ rule: 'site_silent', severity: 'warning', siteId: 'clinic', value: 6, threshold: 6 }],
    },
    { name: 'a per-site silence window applies', states: [{ id: 'slow', lastReportAt: '2026-11-28T00:00:00Z', status: 'operational' }], expected: [] },
    { name: 'a per-kind silence window applies', states: [{ id: 'camp', lastReportAt: '2026-11-28T01:00:00Z', occupancy: 10 }], expected: [] },
    {
      name: 'past the per-kind window is silent',
      states: [{ id: 'camp', lastReportAt: '2026-11-27T23:00:00Z', occupancy: 10 }],
      expected: [{ rule: 'site_silent', siteId: 'camp', value: 13, threshold: 12 }],
    },
    { name: 'a governorate under its influx threshold', states: [], governorates: [{ arrivals24h: 4999 }], expected: [] },
    {
      name: 'a governorate influx at its threshold',
      states: [],
      governorates: [{ arrivals24h: 5000 }],
      expected: [{ rule: 'governorate_influx', severity: 'warning', governorate: 'IQG09', value: 5000, threshold: 5000 }],
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const found = conditions(c.states, c.governorates);
      expect(found).toHaveLength(c.expected.length);
      c.expected.forEach((e, i) => expect(found[i]).toMatchObject(e));
    });
  }
});

function openAlert(overrides: Partial<Alert>): Alert {
  return {
    id: 'a1',
    rule: 'checkpoint_surge',
    severity: 'warning',
    siteId: 'cp',
    governorate: 'IQG09',
    message: 'CP: 600 arrivals in the last hour (threshold 500)',
    value: 600,
    threshold: 500,
    state: 'active',
    raisedAt: '2026-11-28T11:00:00Z',
    updatedAt: '2026-11-28T11:00:00Z',
    ...overrides,
  };
}

describe('reconciling open alerts with conditions', () => {
  const surge = (value: number): AlertCondition => ({
    rule: 'checkpoint_surge',
    severity: value >= 1000 ? 'critical' : 'warning',
    siteId: 'cp',
    governorate: 'IQG09',
    value,
    threshold: value >= 1000 ? 1000 : 500,
    message: `CP: ${value} arrivals in the last hour (threshold ${value >= 1000 ? 1000 : 500})`,
  });

  it('raises a condition with no open alert', () => {
    expect(reconcileAlerts([], [surge(600)], NOW_ISO)).toEqual({ raise: [surge(600)], change: [], resolve: [] });
  });

  it('does not raise a second alert for the same rule and subject', () => {
    const changes = reconcileAlerts([openAlert({})], [{ ...surge(600), message: openAlert({}).message }], NOW_ISO);
    expect(changes).toEqual({ raise: [], change: [], resolve: [] });
  });

  it('resolves an alert whose condition cleared', () => {
    const changes = reconcileAlerts([openAlert({})], [], NOW_ISO);
    expect(changes.resolve).toEqual([openAlert({ state: 'resolved', resolvedAt: NOW_ISO, updatedAt: NOW_ISO })]);
  });

  it('escalates an acknowledged warning to an active critical', () => {
    const acknowledged = openAlert({ state: 'acknowledged', acknowledgedAt: NOW_ISO, acknowledgedBy: 'JCMC', note: 'seen' });
    const [changed] = reconcileAlerts([acknowledged], [surge(1200)], NOW_ISO).change;
    expect(changed).toMatchObject({ id: 'a1', state: 'active', severity: 'critical', value: 1200, threshold: 1000 });
    expect(changed!.acknowledgedBy).toBeUndefined();
  });

  it('keeps an acknowledgement when only the value moves', () => {
    const acknowledged = openAlert({ state: 'acknowledged', acknowledgedBy: 'JCMC' });
    const [changed] = reconcileAlerts([acknowledged], [surge(700)], NOW_ISO).change;
    expect(changed).toMatchObject({ state: 'acknowledged', acknowledgedBy: 'JCMC', value: 700 });
  });

  it('leaves rules it was not asked about alone', () => {
    const silent = openAlert({ id: 's1', rule: 'site_silent' });
    expect(reconcileAlerts([silent], [], NOW_ISO, new Set(['checkpoint_surge']))).toEqual({ raise: [], change: [], resolve: [] });
  });
});
