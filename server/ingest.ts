// The one write path for reports: HTTP, the offline queue's replay, imports and drills all come here.
import { canonicalReport, FUTURE_TOLERANCE_MS, REPORT_KIND_FOR_SITE, type Report, type StoredReport, type World } from '../shared/schemas.ts';
import { isoSeconds } from '../shared/time.ts';
import { mayReportFor, type Principal } from './auth.ts';
import type { Clock } from './clock.ts';
import type { LivePicture } from './livePicture.ts';
import { StoreUnavailableError, type AppendResult, type AuditEntry, type Store } from './storage/store.ts';

export interface IngestDeps {
  store: Store;
  live: LivePicture;
  clock: Clock;
}

/** One thing wrong with one report of a post: which report, which of its fields, and why. */
export interface ReportProblem {
  /** the report's place in the post, from 0 */
  index: number;
  field: string;
  message: string;
}

/**
 * A post refused as a whole, nothing stored: `forbidden` when the token may not report for a site,
 * `impossible` when a report cannot be true (no such site, a closed site, a kind the site does not
 * take, a time in the future). The HTTP edge turns these into 403 and 422.
 */
export class ReportRejected extends Error {
  constructor(
    readonly reason: 'forbidden' | 'impossible',
    readonly problems: readonly ReportProblem[],
  ) {
    super(`${reason}: ${problems.map((p) => `report ${p.index} ${p.field} ${p.message}`).join('; ')}`);
    this.name = 'ReportRejected';
  }
}

/**
 * Checks what a schema cannot: the site exists, the report fits its kind, the reporter may post for
 * it, and the time is not in the future. Every problem is named; forbidden is told before
 * impossible, and nothing is stored.
 */
function checkReports(reports: readonly Report[], principal: Principal, deps: IngestDeps): void {
  const forbidden: ReportProblem[] = [];
  const impossible: ReportProblem[] = [];
  const latestAllowed = deps.clock.now() + FUTURE_TOLERANCE_MS;
  reports.forEach((report, index) => {
    const site = deps.live.site(report.siteId);
    if (!mayReportFor(principal, report.siteId)) {
      forbidden.push({ index, field: 'siteId', message: `this token may not report for site "${report.siteId}"` });
      return;
    }
    if (!site) {
      impossible.push({ index, field: 'siteId', message: `no site has the id "${report.siteId}"` });
      return;
    }
    // Closed: it keeps its history but takes nothing new, whenever the report says it was observed.
    if (site.closedAt) {
      impossible.push({ index, field: 'siteId', message: `site "${site.id}" was closed at ${site.closedAt}; reopen it to take reports` });
      return;
    }
    if (REPORT_KIND_FOR_SITE[site.kind] !== report.kind) {
      impossible.push({
        index,
        field: 'kind',
        message: `site "${site.id}" is a ${site.kind} and takes "${REPORT_KIND_FOR_SITE[site.kind]}" reports, not "${report.kind}"`,
      });
    }
    if (Date.parse(report.observedAt) > latestAllowed) {
      impossible.push({ index, field: 'observedAt', message: 'is more than 5 minutes in the future; check the device clock' });
    }
  });
  if (forbidden.length) throw new ReportRejected('forbidden', forbidden);
  if (impossible.length) throw new ReportRejected('impossible', impossible);
}

/**
 * Validates, stores durably, then folds the log into the live picture, which evaluates alerts and
 * broadcasts. The answer is given only after the store's commit, so an acknowledged report is on
 * disk. A drill's token writes into the exercise world. Ids in the answer are spelt as they were sent.
 * `audit` makes the post's audit entry from that answer; it commits with the reports (store.ts).
 */
export async function ingestReports(
  reports: readonly Report[],
  principal: Principal,
  deps: IngestDeps,
  audit?: (answer: AppendResult) => AuditEntry | undefined,
): Promise<AppendResult> {
  checkReports(reports, principal, deps);
  const world: World = principal.exercise ? 'exercise' : 'real';
  const receivedAt = isoSeconds(deps.clock.now());
  const stored: StoredReport[] = reports.map((report) => ({ ...canonicalReport(report), receivedAt, ...(world === 'exercise' ? { exercise: true } : {}) }));
  const result = await deps.live.writing(() => deps.store.reports.append(stored, audit && ((result) => audit(answerAsSent(reports, stored, result)))));
  if (result.accepted.length > 0) {
    // Stored already: if reading the log back fails now, the next read (a poll, a tick) folds them.
    await deps.live.follow().catch((err: unknown) => {
      if (!(err instanceof StoreUnavailableError)) throw err;
    });
  }
  return answerAsSent(reports, stored, result);
}

/**
 * The store's answer with each id spelt as its own report sent it. Nothing was refused, so each
 * report is accepted (the first of its id, when the id was new) or a duplicate, in the post's order:
 * `ABC…` sent after `abc…` in one batch is answered as `ABC…`, the id the client will look for.
 */
function answerAsSent(sent: readonly Report[], stored: readonly StoredReport[], result: AppendResult): AppendResult {
  const accepted = new Set(result.accepted);
  const seen = new Set<string>();
  const answer: AppendResult = { accepted: [], duplicate: [] };
  stored.forEach((report, i) => {
    const first = !seen.has(report.id);
    seen.add(report.id);
    (first && accepted.has(report.id) ? answer.accepted : answer.duplicate).push(sent[i]!.id);
  });
  return answer;
}
