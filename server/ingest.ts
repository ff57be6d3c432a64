// The one write path for reports: HTTP, the offline queue's replay, imports and drills all come here.
import { FUTURE_TOLERANCE_MS, REPORT_KIND_FOR_SITE, type Report, type StoredReport } from '../shared/schemas.ts';
import { isoSeconds } from '../shared/time.ts';
import { mayReportFor, type Principal } from './auth.ts';
import { ApiError, type FieldProblem } from './http/apiError.ts';
import type { Clock, LivePicture } from './livePicture.ts';
import type { AppendResult, Store } from './storage/store.ts';

export interface IngestDeps {
  store: Store;
  live: LivePicture;
  clock: Clock;
}

/** Where a report sits in the body the client sent, for error details. */
function fieldOf(index: number, batch: boolean, field: string): string {
  return batch ? `reports[${index}].${field}` : field;
}

/**
 * Checks what a schema cannot: the site exists, the report fits its kind, the reporter may post for
 * it, and the time is not in the future. Every problem is named; the first status found wins
 * (403 before 422), and nothing is stored.
 */
function checkReports(reports: readonly Report[], batch: boolean, principal: Principal, deps: IngestDeps): void {
  const forbidden: FieldProblem[] = [];
  const impossible: FieldProblem[] = [];
  const latestAllowed = deps.clock.now() + FUTURE_TOLERANCE_MS;
  reports.forEach((report, i) => {
    const site = deps.live.site(report.siteId);
    if (!mayReportFor(principal, report.siteId)) {
      forbidden.push({ field: fieldOf(i, batch, 'siteId'), message: `this token may not report for site "${report.siteId}"` });
      return;
    }
    if (!site) {
      impossible.push({ field: fieldOf(i, batch, 'siteId'), message: `no site has the id "${report.siteId}"` });
      return;
    }
    if (REPORT_KIND_FOR_SITE[site.kind] !== report.kind) {
      impossible.push({
        field: fieldOf(i, batch, 'kind'),
        message: `site "${site.id}" is a ${site.kind} and takes "${REPORT_KIND_FOR_SITE[site.kind]}" reports, not "${report.kind}"`,
      });
    }
    if (Date.parse(report.observedAt) > latestAllowed) {
      impossible.push({
        field: fieldOf(i, batch, 'observedAt'),
        message: 'is more than 5 minutes in the future; check the device clock',
      });
    }
  });
  if (forbidden.length) {
    throw new ApiError(403, 'forbidden', `Not allowed: ${forbidden[0].message}.`, forbidden);
  }
  if (impossible.length) {
    throw new ApiError(422, 'unprocessable', `Cannot accept: ${impossible[0].field} ${impossible[0].message}.`, impossible);
  }
}

/**
 * Validates, stores durably, then projects, evaluates alerts and broadcasts. The answer is given
 * only after the store's commit, so an acknowledged report is on disk.
 */
export async function ingestReports(
  reports: readonly Report[],
  principal: Principal,
  deps: IngestDeps,
  options: { batch: boolean; exercise?: boolean } = { batch: true },
): Promise<AppendResult> {
  checkReports(reports, options.batch, principal, deps);
  const receivedAt = isoSeconds(deps.clock.now());
  const stored: StoredReport[] = reports.map((r) => ({ ...r, receivedAt, ...(options.exercise ? { exercise: true } : {}) }));
  const result = await deps.store.appendReports(stored);
  if (result.accepted.length > 0) {
    // A batch may carry the same report twice; it was stored once and is counted once.
    const pending = new Set(result.accepted);
    await applyTogether(deps.live, stored.filter((r) => pending.delete(r.id)));
  }
  return result;
}

/** Reports of concurrent requests, waiting to be folded into one live picture together. */
const gatherings = new WeakMap<LivePicture, { reports: StoredReport[]; applied: Promise<void> }>();

/**
 * Folds the reports in together with those of every request whose commit settled in the same turn
 * (the SQLite store commits concurrent requests as one group): one projection, one alert pass and
 * one update for all of them, where one each made the projection the cost of ingest under load
 * (bench/README.md). It waits one turn of the event loop at most, and resolves once the reports are
 * in the picture and the update is out.
 */
function applyTogether(live: LivePicture, reports: StoredReport[]): Promise<void> {
  let gathering = gatherings.get(live);
  if (!gathering) {
    const gathered: StoredReport[] = [];
    const applied = new Promise((resolve) => setImmediate(resolve)).then(() => {
      gatherings.delete(live);
      return live.applyReports(gathered);
    });
    gathering = { reports: gathered, applied };
    gatherings.set(live, gathering);
  }
  gathering.reports.push(...reports);
  return gathering.applied;
}
