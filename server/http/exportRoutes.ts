// Exchange formats: reports as HXL-tagged CSV, alerts as CAP 1.2 in Atom, and clearing drill data.
import { Router, type Request } from 'express';
import type { Logger } from 'pino';
import { capAtomFeed, capMessage, capVersionAt, type CapMessage } from '../../shared/cap.ts';
import { capPolygonsByGovernorate } from '../capAreas.ts';
import { HXL_HASHTAG_ROW, HXL_HEADER_ROW, hxlRows } from '../../shared/hxl.ts';
import { Instant } from '../../shared/schemas.ts';
import { HOUR_MS, isoSeconds } from '../../shared/time.ts';
import type { AuditLog } from '../audit.ts';
import type { Fixtures } from '../fixtures.ts';
import type { Clock } from '../clock.ts';
import type { LivePicture } from '../livePicture.ts';
import type { Store } from '../storage/store.ts';
import { ApiError, type FieldProblem } from './apiError.ts';
import { streamCsv } from './csv.ts';
import { allow, principalOf } from './middleware.ts';
import { requestedWorld } from './worldParam.ts';

export interface ExportDeps {
  store: Store;
  live: LivePicture;
  clock: Clock;
  fixtures: Fixtures;
  logger: Logger;
  audit?: AuditLog;
  /** the public address, when configured: names the CAP sender and the feed's id */
  publicUrl?: string;
  /** who CAP messages name as the contact for questions */
  capContact: string;
  /** whether a drill started from the server is playing: the exercise world is not cleared under it */
  drillRunning?: () => boolean;
}

/** Resolved alerts stay in the CAP feed this long, as Cancel messages. */
export const CANCEL_WINDOW_MS = 24 * HOUR_MS;

/** `?from=&to=` as instants; each bad one is named. */
export function parseRange(req: Request): { fromMs?: number; toMs?: number } {
  const problems: FieldProblem[] = [];
  const range: { fromMs?: number; toMs?: number } = {};
  for (const field of ['from', 'to'] as const) {
    const raw = req.query[field];
    if (raw === undefined || raw === '') continue;
    const parsed = Instant.safeParse(raw);
    if (!parsed.success) {
      problems.push({ field, message: 'must be an ISO 8601 instant with an offset, e.g. 2026-11-28T00:00:00Z' });
      continue;
    }
    range[field === 'from' ? 'fromMs' : 'toMs'] = Date.parse(parsed.data);
  }
  if (!problems.length && range.fromMs !== undefined && range.toMs !== undefined && range.toMs <= range.fromMs) {
    problems.push({ field: 'to', message: 'must be later than from' });
  }
  if (problems.length) {
    throw new ApiError(400, 'invalid', `Invalid query: ${problems.map((p) => `${p.field} ${p.message}`).join('; ')}.`, problems);
  }
  return range;
}

/** "20261128T1400Z": a compact instant for a file name. */
export const fileStamp = (ms: number) => isoSeconds(ms).replace(/[-:]/g, '').replace(/\d\dZ$/, 'Z');

export function exportRoutes({ store, live, clock, fixtures, logger, audit, publicUrl, capContact, drillRunning }: ExportDeps): Router {
  const router = Router();
  const governorates = new Map(fixtures.governorates.map((g) => [g.pcode, g]));
  const polygons = capPolygonsByGovernorate(fixtures.governorateShapes);

  /**
   * The CSV is streamed: the store pages through the range, and each chunk of rows is made only when
   * the socket has room for it (pipeline honours backpressure), so a year of reports never sits in memory.
   */
  router.get('/export/reports.csv', allow('read'), async (req, res) => {
    const range = parseRange(req);
    // Drill rows only when asked for, and then only they: an export is of one world.
    const world = requestedWorld(req);
    const sites = new Map(live.sites().map((s) => [s.id, s]));
    const from = range.fromMs !== undefined ? fileStamp(range.fromMs) : 'start';
    const to = fileStamp(range.toMs ?? clock.now());
    res.status(200);
    res.set('Content-Type', 'text/csv; charset=utf-8; header=present');
    res.set('Cache-Control', 'no-store');
    res.attachment(`amina-${world === 'exercise' ? 'exercise-' : ''}reports-${from}-${to}.csv`);

    async function* rows() {
      for await (const report of store.reports.query({ world, ...range })) {
        const site = sites.get(report.siteId);
        // a report with destinations adds a row for each (shared/hxl.ts)
        yield* hxlRows(report, site, site ? governorates.get(site.governorate) : undefined);
      }
    }
    await streamCsv(res, [HXL_HEADER_ROW, HXL_HASHTAG_ROW], rows(), logger);
  });

  router.get('/export/alerts.cap', allow('read'), async (req, res) => {
    const nowMs = clock.now();
    const base = publicUrl ? publicUrl.replace(/\/+$/, '') : `${req.protocol}://${req.get('host') ?? 'localhost'}`;
    // CAP forbids spaces, commas, "<" and "&" in a sender; a Host header could carry them.
    const sender = `amina@${publicUrl ? new URL(publicUrl).hostname : req.hostname}`.replace(/[^\w.@:[\]-]/g, '-');
    // The feed is of one world: the real alerts as Actual, or with ?exercise=only a drill's as Exercise.
    const world = requestedWorld(req);
    const alerts = (await store.alerts.list(world, ['active', 'acknowledged', 'resolved'])).filter(
      (a) => a.state !== 'resolved' || Date.parse(a.resolvedAt ?? a.updatedAt) >= nowMs - CANCEL_WINDOW_MS,
    );
    const sites = new Map(live.sites().map((s) => [s.id, s]));
    // each alert's versions, for the latest message before the one in the feed
    const versions = new Map<string, string[]>();
    for (const event of await store.alerts.history(world, { alertIds: alerts.map((a) => a.id) })) {
      versions.set(event.alert.id, [...(versions.get(event.alert.id) ?? []), capVersionAt(event.alert)]);
    }
    const publisher = { sender, webBase: base, contact: capContact };
    const messages: CapMessage[] = alerts.map((alert) => {
      const site = alert.siteId ? sites.get(alert.siteId) : undefined;
      // the history's last entry is the version the alert is now; the ones before it came earlier
      const earlierVersions = (versions.get(alert.id) ?? [capVersionAt(alert)]).slice(0, -1);
      return capMessage(
        alert,
        {
          site,
          governorate: governorates.get(alert.governorate),
          origins: (alert.origins ?? []).flatMap((pcode) => governorates.get(pcode) ?? []),
          exercise: world === 'exercise',
          polygons: polygons.get(alert.governorate),
          earlierVersions,
        },
        publisher,
      );
    });
    messages.sort((a, b) => (a.sent < b.sent ? 1 : a.sent > b.sent ? -1 : 0));
    res.set('Content-Type', 'application/atom+xml; charset=utf-8');
    res.set('Cache-Control', 'no-store');
    res.send(
      capAtomFeed({
        selfUrl: `${base}/api/export/alerts.cap${world === 'exercise' ? '?exercise=only' : ''}`,
        updated: messages[0]?.sent ?? isoSeconds(nowMs),
        messages,
      }),
    );
  });

  /**
   * Clears the exercise world: its reports are deleted (never a real one), and reading the log anew
   * resolves its alerts. The real world is not touched.
   */
  router.delete('/exercise', allow('administer'), async (_req, res) => {
    if (drillRunning?.()) throw new ApiError(409, 'conflict', 'A drill is playing into the exercise world: stop it before clearing.');
    const deleted = await store.reports.deleteExercise();
    await live.follow();
    await audit?.record(principalOf(res), {
      action: 'exercise.clear',
      requestId: String(res.getHeader('x-request-id') ?? ''),
      details: { deleted },
    });
    res.json({ deleted });
  });

  return router;
}
