import { describe, expect, it } from 'vitest';
import { Instant, Report, ReportPost, Thresholds } from './schemas.ts';

const report = { id: '0b6f1c1e-8d3a-4c5e-9f2a-1b2c3d4e5f60', siteId: 'ibrahim-khalil', observedAt: '2026-11-28T14:05:00Z', kind: 'arrivals', arrivals: 12, periodMinutes: 60 };

describe('instants', () => {
  const cases: [string, boolean][] = [
    ['2026-11-28T14:05:00Z', true],
    ['2026-11-28T14:05:00+03:00', true],
    ['2026-11-28T14:05:00.123Z', true],
    ['2028-02-29T00:00:00Z', true],
    ['2026-02-29T00:00:00Z', false],
    ['2026-02-30T00:00:00Z', false],
    ['2026-04-31T00:00:00Z', false],
    ['2026-11-28T14:05:00', false],
    ['2026-11-28', false],
    ['yesterday', false],
  ];
  for (const [value, valid] of cases) {
    it(`${value} is ${valid ? 'valid' : 'refused'}`, () => expect(Instant.safeParse(value).success).toBe(valid));
  }
});

describe('reports', () => {
  const cases: { name: string; body: unknown; valid: boolean }[] = [
    { name: 'a whole arrivals report', body: report, valid: true },
    { name: 'with households and departures', body: { ...report, households: 3, departures: 0 }, valid: true },
    { name: 'a zero count', body: { ...report, arrivals: 0 }, valid: true },
    { name: 'NaN', body: { ...report, arrivals: Number.NaN }, valid: false },
    { name: 'Infinity', body: { ...report, arrivals: Number.POSITIVE_INFINITY }, valid: false },
    { name: 'more than a million', body: { ...report, arrivals: 1_000_001 }, valid: false },
    { name: 'a site id with capitals', body: { ...report, siteId: 'Ibrahim' }, valid: false },
    { name: 'occupancy fields on an arrivals report', body: { ...report, occupancy: 5 }, valid: false },
    { name: 'a health note of 500 characters', body: { id: report.id, siteId: 'x', observedAt: report.observedAt, kind: 'health', status: 'limited', note: 'ن'.repeat(500) }, valid: true },
    { name: 'a health note of 501 characters', body: { id: report.id, siteId: 'x', observedAt: report.observedAt, kind: 'health', status: 'limited', note: 'n'.repeat(501) }, valid: false },
    { name: 'destinations within the arrivals', body: { ...report, arrivals: 10, destinations: [{ to: 'IQG11', persons: 6 }, { to: 'unknown', persons: 4 }] }, valid: true },
    { name: 'destinations beyond the arrivals', body: { ...report, arrivals: 10, destinations: [{ to: 'IQG11', persons: 6 }, { to: 'unknown', persons: 5 }] }, valid: false },
    { name: 'a destination named twice', body: { ...report, arrivals: 10, destinations: [{ to: 'IQG11', persons: 1 }, { to: 'IQG11', persons: 1 }] }, valid: false },
    { name: 'a destination that is no governorate', body: { ...report, arrivals: 10, destinations: [{ to: 'IQG19', persons: 1 }] }, valid: false },
    { name: 'an unknown status', body: { id: report.id, siteId: 'x', observedAt: report.observedAt, kind: 'health', status: 'fine' }, valid: false },
  ];
  for (const c of cases) {
    it(`${c.name}: ${c.valid ? 'valid' : 'refused'}`, () => expect(Report.safeParse(c.body).success).toBe(c.valid));
  }

  it('names the destinations when they exceed the arrivals', () => {
    const answer = Report.safeParse({ ...report, arrivals: 3, destinations: [{ to: 'IQG08', persons: 4 }] });
    expect(answer.success).toBe(false);
    expect(answer.error?.issues[0]?.path).toEqual(['destinations']);
  });

  it('a post is one report or a batch of 1 to 500', () => {
    expect(ReportPost.safeParse({ reports: [report] }).success).toBe(true);
    expect(ReportPost.safeParse({ reports: [] }).success).toBe(false);
    expect(ReportPost.safeParse({ reports: Array(501).fill(report) }).success).toBe(false);
  });
});

describe('thresholds', () => {
  it('refuses a critical ratio under the warning ratio, naming it', () => {
    const result = Thresholds.safeParse({
      checkpointSurge: { arrivals1h: 500 },
      governorateInflux: { arrivals24h: 5000 },
      shelterCapacity: { warningRatio: 0.9, criticalRatio: 0.8 },
      siteSilent: { hours: 6 },
    });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]!.path).toEqual(['shelterCapacity', 'criticalRatio']);
  });
});
