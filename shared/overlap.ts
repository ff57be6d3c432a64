// The overlap guard: does a new arrivals report count a period another report of the same site has
// counted already? A lead who resends doubles the count; the form asks, the server warns, an SMS
// that repeats itself gets a question. Pure: reports and periods in, overlaps out.
import type { ArrivalsReport } from './schemas.ts';
import type { z } from 'zod';
import { MINUTE_MS } from './time.ts';

/** What the guard reads of an arrivals report. */
export type PeriodReport = Pick<z.infer<typeof ArrivalsReport>, 'id' | 'siteId' | 'observedAt' | 'periodMinutes' | 'arrivals'>;

/** The longest period a report covers (the report schema's limit): how far apart two overlapping reports can lie. */
const MAX_PERIOD_MINUTES = 1440;

/** A report counts the arrivals of (observedAt − period, observedAt]. */
export function periodOf(report: Pick<PeriodReport, 'observedAt' | 'periodMinutes'>): { startMs: number; endMs: number } {
  const endMs = Date.parse(report.observedAt);
  return { startMs: endMs - report.periodMinutes * MINUTE_MS, endMs };
}

/**
 * Two periods overlap when they share any moment. Back-to-back reports (06:00–07:00, then
 * 07:00–08:00) do not: that is how hourly counts are meant to be sent.
 */
export function periodsOverlap(a: Pick<PeriodReport, 'observedAt' | 'periodMinutes'>, b: Pick<PeriodReport, 'observedAt' | 'periodMinutes'>): boolean {
  return periodRangesOverlap(periodOf(a), periodOf(b));
}

function periodRangesOverlap(p: { startMs: number; endMs: number }, q: { startMs: number; endMs: number }): boolean {
  return p.startMs < q.endMs && q.startMs < p.endMs;
}

/**
 * The observedAt range, [fromMs, toMs), in which a report overlapping `report` can lie: what a store
 * is asked for before the exact test.
 */
export function overlapSearchRange(report: Pick<PeriodReport, 'observedAt' | 'periodMinutes'>): { fromMs: number; toMs: number } {
  const { startMs, endMs } = periodOf(report);
  return { fromMs: startMs + 1, toMs: endMs + MAX_PERIOD_MINUTES * MINUTE_MS };
}

/** The other reports of the same site whose period overlaps the report's, oldest observed first. */
export function overlapsOf<R extends PeriodReport>(report: PeriodReport, others: Iterable<R>): R[] {
  // Each period is worked out once: a queued batch of 40 compares each report with all before it,
  // and parsing the same times again was most of the guard's own cost in a reconnect storm.
  const period = periodOf(report);
  const id = report.id.toLowerCase();
  const found: { other: R; endMs: number }[] = [];
  for (const other of others) {
    if (other.siteId !== report.siteId || other.id.toLowerCase() === id) continue;
    const otherPeriod = periodOf(other);
    if (periodRangesOverlap(period, otherPeriod)) found.push({ other, endMs: otherPeriod.endMs });
  }
  return found.sort((a, b) => a.endMs - b.endMs).map((f) => f.other);
}

/** The same count again: the same site, number and period, and periods that overlap. */
export function isSameCount(report: PeriodReport, other: PeriodReport): boolean {
  return (
    report.siteId === other.siteId &&
    report.arrivals === other.arrivals &&
    report.periodMinutes === other.periodMinutes &&
    periodsOverlap(report, other)
  );
}
