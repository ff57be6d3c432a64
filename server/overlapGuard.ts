// The server's side of the overlap guard: which stored reports of the same site and world overlap
// a posted arrivals report. The rule is shared/overlap.ts; this asks the store for the candidates.
import { overlapSearchRange, overlapsOf, type PeriodReport } from '../shared/overlap.ts';
import type { Report, ReportWarning, StoredReport, World } from '../shared/schemas.ts';
import type { ArrivalsRange, Store } from './storage/store.ts';

/** At most this many warnings for one report: enough to see the problem, not a page of them. */
const MAX_WARNINGS_PER_REPORT = 5;

function asPeriodReport(report: Report | StoredReport): PeriodReport | undefined {
  return report.kind === 'arrivals' ? report : undefined;
}

export type StoredArrivals = Extract<StoredReport, { kind: 'arrivals' }>;

/** Where the store is asked for `report`'s candidates: the first reports after its period's start overlap it. */
function rangeOf(report: PeriodReport): ArrivalsRange {
  return { siteId: report.siteId, ...overlapSearchRange(report) };
}

/** The candidates the store gave that do overlap `report`, oldest observed first, at most `limit`. */
function overlapsAmong(report: PeriodReport, candidates: readonly StoredReport[], limit: number): StoredArrivals[] {
  const arrivals = candidates.filter((c): c is StoredArrivals => c.kind === 'arrivals');
  return overlapsOf(report, arrivals).slice(0, limit);
}

/**
 * Stored arrivals reports of `world` that overlap `report`, oldest observed first: at most `limit`
 * (and the report itself, if stored) are read. The first reports after the start of the report's
 * period are the ones that overlap it, so a busy site's hundreds of reports are never all read.
 */
export async function storedOverlaps(store: Store, world: World, report: PeriodReport, limit = MAX_WARNINGS_PER_REPORT): Promise<StoredArrivals[]> {
  const [candidates] = await store.reports.arrivalsWithin(world, [rangeOf(report)], limit + 1);
  return overlapsAmong(report, candidates ?? [], limit);
}

/**
 * Warnings for a post, asked before it is stored: each arrivals report against the reports stored
 * already, and against those earlier in the same batch (told once, by the later report). A report of
 * this post found in the store (a retry) is not its own "earlier". The store is asked once for the
 * whole post.
 */
export async function overlapWarnings(store: Store, world: World, reports: readonly Report[]): Promise<ReportWarning[]> {
  const postIds = new Set(reports.map((r) => r.id.toLowerCase()));
  const periodReports = reports.map(asPeriodReport);
  const asked = periodReports.filter((r): r is PeriodReport => r !== undefined);
  if (asked.length === 0) return [];
  const found = await store.reports.arrivalsWithin(world, asked.map(rangeOf), MAX_WARNINGS_PER_REPORT + 1);
  const candidates = new Map(asked.map((report, i) => [report, found[i] ?? []]));
  const warnings: ReportWarning[] = [];
  for (const [index, report] of reports.entries()) {
    const arrivals = periodReports[index];
    if (!arrivals) continue;
    const stored = overlapsAmong(arrivals, candidates.get(arrivals)!, MAX_WARNINGS_PER_REPORT).filter((r) => !postIds.has(r.id.toLowerCase()));
    const inBatch = overlapsOf(arrivals, periodReports.slice(0, index).filter((r): r is PeriodReport => r !== undefined));
    for (const earlier of [...stored, ...inBatch].slice(0, MAX_WARNINGS_PER_REPORT)) {
      warnings.push({
        reportId: report.id,
        code: 'overlap',
        message:
          `Its period overlaps report ${earlier.id} of the same site (${earlier.arrivals} arrivals in the ${earlier.periodMinutes} minutes to ` +
          `${earlier.observedAt}): if both count the same people, they are counted twice.`,
        earlier: { id: earlier.id, observedAt: earlier.observedAt, periodMinutes: earlier.periodMinutes, arrivals: earlier.arrivals },
      });
    }
  }
  return warnings;
}
