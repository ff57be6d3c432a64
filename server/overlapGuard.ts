// The server's side of the overlap guard: which stored reports of the same site and world overlap
// a posted arrivals report. The rule is shared/overlap.ts; this asks the store for the candidates.
import { overlapSearchRange, overlapsOf, type PeriodReport } from '../shared/overlap.ts';
import type { Report, ReportWarning, StoredReport, World } from '../shared/schemas.ts';
import type { Store } from './storage/store.ts';

/** At most this many warnings for one report: enough to see the problem, not a page of them. */
const MAX_WARNINGS_PER_REPORT = 5;

function asPeriodReport(report: Report | StoredReport): PeriodReport | undefined {
  return report.kind === 'arrivals' ? report : undefined;
}

export type StoredArrivals = Extract<StoredReport, { kind: 'arrivals' }>;

/**
 * Stored arrivals reports of `world` that overlap `report`, oldest observed first: at most `limit`
 * (and the report itself, if stored) are read. The first reports after the start of the report's
 * period are the ones that overlap it, so a busy site's hundreds of reports are never all read.
 */
export async function storedOverlaps(store: Store, world: World, report: PeriodReport, limit = MAX_WARNINGS_PER_REPORT): Promise<StoredArrivals[]> {
  const { fromMs, toMs } = overlapSearchRange(report);
  const candidates: StoredArrivals[] = [];
  for await (const stored of store.reports.query({ world, siteIds: [report.siteId], kind: 'arrivals', fromMs, toMs, limit: limit + 1, asWritten: true })) {
    if (stored.kind === 'arrivals') candidates.push(stored);
  }
  return overlapsOf(report, candidates).slice(0, limit);
}

/**
 * Warnings for a post, asked before it is stored: each arrivals report against the reports stored
 * already, and against those earlier in the same batch (told once, by the later report). A report of
 * this post found in the store (a retry) is not its own "earlier".
 */
export async function overlapWarnings(store: Store, world: World, reports: readonly Report[]): Promise<ReportWarning[]> {
  const postIds = new Set(reports.map((r) => r.id.toLowerCase()));
  const warnings: ReportWarning[] = [];
  for (const [index, report] of reports.entries()) {
    const arrivals = asPeriodReport(report);
    if (!arrivals) continue;
    const stored = (await storedOverlaps(store, world, arrivals)).filter((r) => !postIds.has(r.id.toLowerCase()));
    const inBatch = overlapsOf(arrivals, reports.slice(0, index).map(asPeriodReport).filter((r): r is PeriodReport => r !== undefined));
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
