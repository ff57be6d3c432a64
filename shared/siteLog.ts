// What the projection remembers of one site, folded report by report. Pure: time is an argument.
import { FUTURE_TOLERANCE_MS, type Destination, type HealthStatus, type StoredReport } from './schemas.ts';
import { HOUR_MS } from './time.ts';

export const WINDOW_1H_MS = HOUR_MS;
export const WINDOW_24H_MS = 24 * HOUR_MS;

/** The newest value of a kind at one site; `order` breaks ties between equal `observedAt`. */
export interface Latest<T> {
  atMs: number;
  order: string;
  value: T;
}

/**
 * Enough of one site's reports to answer every window, nothing more. Arrivals older than the 24 h
 * window are pruned, so memory stays bounded by recent traffic.
 */
export interface SiteLog {
  lastObservedMs: number | null;
  /** with the report's intended destinations, where it gave them (shared/onward.ts reads them) */
  arrivals: { atMs: number; arrivals: number; destinations?: readonly Destination[] }[];
  occupancy: Latest<number> | null;
  status: Latest<HealthStatus> | null;
}

export function emptySiteLog(): SiteLog {
  return { lastObservedMs: null, arrivals: [], occupancy: null, status: null };
}

/**
 * Reports with the same `observedAt` are ordered by when the server stored them, then by id, so
 * that every instance that replays the same log picks the same "latest" report.
 */
export function reportOrder(report: Pick<StoredReport, 'receivedAt' | 'id'>): string {
  return `${report.receivedAt}|${report.id}`;
}

function newer<T>(current: Latest<T> | null, atMs: number, order: string): boolean {
  return current === null || atMs > current.atMs || (atMs === current.atMs && order > current.order);
}

/**
 * Folds one report into a site's log, in place (the projection replays a million reports on start,
 * so copying per report would dominate). Order of arrival does not matter: a late report lands in
 * the hour it describes.
 */
export function addReportToLog(log: SiteLog, report: StoredReport): void {
  const atMs = Date.parse(report.observedAt);
  if (log.lastObservedMs === null || atMs > log.lastObservedMs) log.lastObservedMs = atMs;
  const order = reportOrder(report);
  switch (report.kind) {
    case 'arrivals':
      // only reports that name destinations carry them, so a log without onward movement costs nothing more
      if (report.destinations?.length) log.arrivals.push({ atMs, arrivals: report.arrivals, destinations: report.destinations });
      else log.arrivals.push({ atMs, arrivals: report.arrivals });
      break;
    case 'occupancy':
      if (newer(log.occupancy, atMs, order)) log.occupancy = { atMs, order, value: report.occupancy };
      break;
    case 'health':
      if (newer(log.status, atMs, order)) log.status = { atMs, order, value: report.status };
      break;
  }
}

/** Drops arrivals that can no longer fall in any window at `nowMs` or later. */
export function pruneSiteLog(log: SiteLog, nowMs: number): void {
  const oldest = nowMs - WINDOW_24H_MS;
  if (log.arrivals.some((a) => a.atMs <= oldest)) {
    log.arrivals = log.arrivals.filter((a) => a.atMs > oldest);
  }
}

/**
 * Sum of arrivals observed in the window ending now: (now − window, now + tolerance]. A report
 * exactly one window old has left it; a report stamped a little ahead (a phone clock running fast,
 * accepted up to FUTURE_TOLERANCE_MS) counts at once rather than vanishing until its time comes.
 */
export function arrivalsInWindow(log: SiteLog, nowMs: number, windowMs: number): number {
  let sum = 0;
  for (const a of log.arrivals) {
    if (a.atMs > nowMs - windowMs && a.atMs <= nowMs + FUTURE_TOLERANCE_MS) sum += a.arrivals;
  }
  return sum;
}

/**
 * Arrivals observed in `(fromMs, toMs]`, with no tolerance for clocks running ahead: for the hour
 * before the last one, whose end is where the last hour's window begins, so no report counts in both.
 */
export function arrivalsBetween(log: SiteLog, fromMs: number, toMs: number): number {
  let sum = 0;
  for (const a of log.arrivals) if (a.atMs > fromMs && a.atMs <= toMs) sum += a.arrivals;
  return sum;
}

/** The site logs of a list of reports, folded from nothing: for a picture built once, not kept live. */
export function foldReports(reports: Iterable<StoredReport>): Map<string, SiteLog> {
  const logs = new Map<string, SiteLog>();
  for (const report of reports) {
    let log = logs.get(report.siteId);
    if (!log) logs.set(report.siteId, (log = emptySiteLog()));
    addReportToLog(log, report);
  }
  return logs;
}
