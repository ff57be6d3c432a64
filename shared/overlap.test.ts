// The overlap guard, table-driven: which periods share a moment, and which reports repeat a count.
import { describe, expect, it } from 'vitest';
import { isSameCount, overlapSearchRange, overlapsOf, periodsOverlap, type PeriodReport } from './overlap.ts';

const r = (id: string, observedAt: string, periodMinutes: number, arrivals = 250, siteId = 'ibrahim-khalil'): PeriodReport => ({
  id,
  siteId,
  observedAt,
  periodMinutes,
  arrivals,
});

describe('periodsOverlap', () => {
  it.each([
    ['the same hour', r('a', '2026-11-28T07:30:00Z', 60), r('b', '2026-11-28T07:30:00Z', 60), true],
    ['a resend a minute later', r('a', '2026-11-28T07:30:00Z', 60), r('b', '2026-11-28T07:31:00Z', 60), true],
    ['back to back hours', r('a', '2026-11-28T07:00:00Z', 60), r('b', '2026-11-28T08:00:00Z', 60), false],
    ['back to back, the other way', r('a', '2026-11-28T08:00:00Z', 60), r('b', '2026-11-28T07:00:00Z', 60), false],
    ['a day that holds an hour', r('a', '2026-11-28T23:00:00Z', 1440), r('b', '2026-11-28T07:00:00Z', 60), true],
    ['an hour inside a day', r('a', '2026-11-28T07:00:00Z', 60), r('b', '2026-11-28T23:00:00Z', 1440), true],
    ['hours apart', r('a', '2026-11-28T07:00:00Z', 30), r('b', '2026-11-28T09:00:00Z', 30), false],
    ['one minute shared', r('a', '2026-11-28T07:00:00Z', 60), r('b', '2026-11-28T07:59:00Z', 60), true],
    ['offsets as instants', r('a', '2026-11-28T10:30:00+03:00', 60), r('b', '2026-11-28T07:40:00Z', 15), true],
  ])('%s', (_, a, b, expected) => {
    expect(periodsOverlap(a, b)).toBe(expected);
    expect(periodsOverlap(b, a)).toBe(expected);
  });
});

describe('overlapsOf', () => {
  it('finds the same site\'s other overlapping reports, oldest first, never the report itself', () => {
    const report = r('new', '2026-11-28T07:40:00Z', 60);
    const others = [
      r('later', '2026-11-28T08:10:00Z', 60),
      r('earlier', '2026-11-28T07:10:00Z', 60),
      r('NEW', '2026-11-28T07:40:00Z', 60),
      r('other-site', '2026-11-28T07:40:00Z', 60, 250, 'peshkhabour'),
      r('before', '2026-11-28T06:40:00Z', 60),
    ];
    expect(overlapsOf(report, others).map((o) => o.id)).toEqual(['earlier', 'later']);
  });

  it('searches a range that holds every possible overlap', () => {
    const report = r('new', '2026-11-28T07:00:00Z', 60);
    const range = overlapSearchRange(report);
    const probe = (observedAt: string, minutes: number) => {
      const ms = Date.parse(observedAt);
      return periodsOverlap(report, r('x', observedAt, minutes)) ? ms >= range.fromMs && ms < range.toMs : true;
    };
    for (const [at, minutes] of [
      ['2026-11-28T06:00:01Z', 1],
      ['2026-11-29T06:59:00Z', 1440],
      ['2026-11-28T07:00:00Z', 60],
    ] as const) {
      expect(probe(at, minutes), at).toBe(true);
    }
    expect(range.fromMs).toBe(Date.parse('2026-11-28T06:00:00Z') + 1);
  });
});

describe('isSameCount', () => {
  it.each([
    ['the same count and period, overlapping', r('b', '2026-11-28T07:35:00Z', 60), true],
    ['another count', r('b', '2026-11-28T07:35:00Z', 60, 251), false],
    ['another period', r('b', '2026-11-28T07:35:00Z', 30), false],
    ['the next hour', r('b', '2026-11-28T08:30:00Z', 60), false],
    ['another site', r('b', '2026-11-28T07:35:00Z', 60, 250, 'peshkhabour'), false],
  ])('%s', (_, other, expected) => {
    expect(isSameCount(r('a', '2026-11-28T07:30:00Z', 60), other)).toBe(expected);
  });
});
