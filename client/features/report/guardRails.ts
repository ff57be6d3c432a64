// Second looks before a report leaves the lead's hands: a count far above the site's usual, a post closing.
import { periodsOverlap } from '../../../shared/overlap.ts';
import type { Report, Site } from '../../../shared/schemas.ts';
import type { QueueItem } from './queue.ts';

/** A count this many times the site's recent median asks for confirmation. */
export const SURGE_FACTOR = 5;
/** With no history on this device, a count above this asks for confirmation. */
export const ABSOLUTE_LIMIT = 5000;
/** Counts this small never warn: 12 after a median of 2 is a busy hour, not a typo. */
export const SMALL_COUNT = 50;
/** How many of the site's latest reports on this device make "recent". */
export const RECENT_REPORTS = 10;

export type CountField = 'arrivals' | 'departures' | 'occupancy';

/** Why a report wants a second look; the screen words it. */
export type Warning =
  | { kind: 'aboveUsual'; field: CountField; typed: number; usual: number }
  | { kind: 'aboveLimit'; field: CountField; typed: number; limit: number }
  | { kind: 'aboveCapacity'; typed: number; capacity: number }
  | { kind: 'closing' }
  /** an earlier arrivals report of the same site covers part of this one's period: a resend would count twice */
  | { kind: 'overlap'; earlier: Report & { kind: 'arrivals' }; fromPhone: boolean };

// One rule of overlap for the form, the server and SMS.
export { periodsOverlap };

/**
 * The latest earlier arrivals report of the same site whose period overlaps `report`'s: from this
 * phone's own history (any state but refused) or, online, from what the server holds for the site.
 * The same id on both sides is one report, and the phone's copy is the one said back.
 */
export function findOverlap(
  report: Report,
  history: readonly QueueItem[],
  serverReports: readonly Report[] = [],
): Extract<Warning, { kind: 'overlap' }> | undefined {
  if (report.kind !== 'arrivals') return undefined;
  const candidates = new Map<string, { earlier: Report & { kind: 'arrivals' }; fromPhone: boolean }>();
  for (const r of serverReports) if (r.kind === 'arrivals') candidates.set(r.id, { earlier: r, fromPhone: false });
  for (const item of history) {
    if (item.state === 'needs_attention' || item.report.kind !== 'arrivals') continue;
    candidates.set(item.report.id, { earlier: item.report, fromPhone: true });
  }
  let found: { earlier: Report & { kind: 'arrivals' }; fromPhone: boolean } | undefined;
  for (const candidate of candidates.values()) {
    const { earlier } = candidate;
    if (earlier.id === report.id || earlier.siteId !== report.siteId || !periodsOverlap(earlier, report)) continue;
    if (!found || Date.parse(earlier.observedAt) > Date.parse(found.earlier.observedAt)) found = candidate;
  }
  return found && { kind: 'overlap', ...found };
}

/** The site's latest report of any kind, from the phone's history and what the server holds. */
export function lastReport(siteId: string, history: readonly QueueItem[], serverReports: readonly Report[] = []): Report | undefined {
  let last: Report | undefined;
  for (const r of [...serverReports, ...history.filter((i) => i.state !== 'needs_attention').map((i) => i.report)]) {
    if (r.siteId === siteId && (!last || Date.parse(r.observedAt) > Date.parse(last.observedAt))) last = r;
  }
  return last;
}

export function median(values: readonly number[]): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Arrivals and departures compare per hour, so a 24-hour total is not mistaken for a surge. */
function perHour(report: Report, field: CountField): number | undefined {
  const value = (report as Record<string, unknown>)[field];
  if (typeof value !== 'number') return undefined;
  return report.kind === 'arrivals' ? (value * 60) / report.periodMinutes : value;
}

/**
 * The warnings for `report` given the device's earlier reports (any state but refused) and, online,
 * the site's recent reports as the server knows them (other phones', SMS).
 */
export function checkReport(report: Report, site: Site | undefined, history: readonly QueueItem[], serverReports: readonly Report[] = []): Warning[] {
  const overlap = findOverlap(report, history, serverReports);
  return overlap ? [overlap, ...checkValues(report, site, history)] : checkValues(report, site, history);
}

function checkValues(report: Report, site: Site | undefined, history: readonly QueueItem[]): Warning[] {
  if (report.kind === 'health') return report.status === 'closed' ? [{ kind: 'closing' }] : [];
  const fields: CountField[] = report.kind === 'arrivals' ? ['arrivals', 'departures'] : ['occupancy'];
  const earlier = history
    .filter((i) => i.report.siteId === report.siteId && i.report.kind === report.kind && i.state !== 'needs_attention')
    .sort((a, b) => Date.parse(b.report.observedAt) - Date.parse(a.report.observedAt))
    .slice(0, RECENT_REPORTS)
    .map((i) => i.report);
  const warnings: Warning[] = [];
  for (const field of fields) {
    const typed = (report as Record<string, unknown>)[field];
    const rate = perHour(report, field);
    if (typeof typed !== 'number' || rate === undefined || typed < SMALL_COUNT) continue;
    const usualRate = median(earlier.map((r) => perHour(r, field)).filter((v): v is number => v !== undefined));
    if (usualRate === undefined) {
      if (typed > ABSOLUTE_LIMIT) warnings.push({ kind: 'aboveLimit', field, typed, limit: ABSOLUTE_LIMIT });
    } else if (rate > SURGE_FACTOR * usualRate) {
      // Said back in the lead's own period: "12000 typed; usually about 1200".
      const usual = report.kind === 'arrivals' ? Math.round((usualRate * report.periodMinutes) / 60) : Math.round(usualRate);
      warnings.push({ kind: 'aboveUsual', field, typed, usual });
    }
  }
  if (report.kind === 'occupancy' && site?.capacity && report.occupancy > 2 * site.capacity) {
    warnings.push({ kind: 'aboveCapacity', typed: report.occupancy, capacity: site.capacity });
  }
  return warnings;
}
