// What every dashboard reads: governorates, sites, the snapshot, series and thresholds.
import { Router } from 'express';
import { FUTURE_TOLERANCE_MS, Instant, Pcode, RECENT_REPORTS_MAX, RecentReportsQuery, SeriesQuery, type Report } from '../../shared/schemas.ts';
import { pictureAt } from '../pastPicture.ts';
import { bucketSeries, defaultBucket, SERIES_BUCKETS, SERIES_MAX_POINTS, SERIES_MAX_RANGE_MS } from '../../shared/series.ts';
import { HOUR_MS, hourStart } from '../../shared/time.ts';
import { may } from '../auth.ts';
import type { Fixtures } from '../fixtures.ts';
import type { Clock } from '../clock.ts';
import type { LivePicture } from '../livePicture.ts';
import type { Store } from '../storage/store.ts';
import { ApiError, invalidBody, notFound } from './apiError.ts';
import { allow, principalOf } from './middleware.ts';
import { requestedWorld } from './worldParam.ts';

export interface ReadDeps {
  store: Store;
  live: LivePicture;
  clock: Clock;
  fixtures: Fixtures;
}

/**
 * Where a series starts and ends, and its bucket: the v1 `hours` (whole hours ending with the current
 * one), or `from`–`to`. A range that is reversed, longer than 90 days, reaches into the future or
 * needs more than SERIES_MAX_POINTS points is refused, naming the parameter.
 */
function seriesRange(query: SeriesQuery, nowMs: number): { fromMs: number; toMs: number; bucketMs: number } {
  if (query.from === undefined && query.to === undefined) {
    const hours = query.hours ?? 24;
    const lastHour = hourStart(nowMs);
    return { fromMs: lastHour - (hours - 1) * HOUR_MS, toMs: lastHour + HOUR_MS, bucketMs: HOUR_MS };
  }
  const toMs = query.to !== undefined ? Date.parse(query.to) : nowMs;
  const fromMs = query.from !== undefined ? Date.parse(query.from) : toMs - 24 * HOUR_MS;
  const refuse = (field: string, message: string) => new ApiError(400, 'invalid', `Invalid query: ${field} ${message}.`, [{ field, message }]);
  if (toMs <= fromMs) throw refuse('to', 'must be later than from');
  if (toMs - fromMs > SERIES_MAX_RANGE_MS) throw refuse('from', 'must be at most 90 days before to');
  if (fromMs > nowMs + FUTURE_TOLERANCE_MS) throw refuse('from', 'is in the future');
  if (toMs > nowMs + FUTURE_TOLERANCE_MS) throw refuse('to', 'is in the future');
  const bucket = query.bucket ?? defaultBucket(toMs - fromMs);
  const bucketMs = SERIES_BUCKETS[bucket];
  if (Math.ceil((toMs - fromMs) / bucketMs) > SERIES_MAX_POINTS) {
    throw refuse('bucket', `gives more than ${SERIES_MAX_POINTS} points for this range: choose a larger one`);
  }
  return { fromMs, toMs, bucketMs };
}

export function readRoutes({ store, live, clock, fixtures }: ReadDeps): Router {
  const router = Router();

  // A reporter may read its own sites (the field form lists them); other roles read all.
  router.get('/sites', (_req, res) => {
    const principal = principalOf(res);
    if (may(principal, 'read')) res.json(live.sites());
    else res.json(live.sites().filter((s) => principal.sites.includes(s.id)));
  });

  // A site's recent reports, newest first: the field form asks before a lead counts the same period
  // twice, including what another phone or an SMS already reported. A reporter reads only its sites,
  // in its own world; other roles read any site, `?exercise=only` for the drill's.
  router.get('/sites/:id/reports', async (req, res) => {
    const principal = principalOf(res);
    const siteId = String(req.params.id);
    const reporter = principal.role === 'reporter';
    if (reporter ? !principal.sites.includes(siteId) : !may(principal, 'read')) {
      throw new ApiError(403, 'forbidden', `Not allowed: this token may not read the reports of site "${siteId}".`);
    }
    if (!live.sites().some((s) => s.id === siteId)) throw notFound(`Site "${siteId}"`);
    const world = reporter ? (principal.exercise ? 'exercise' : 'real') : requestedWorld(req);
    const { exercise: _world, ...params } = req.query;
    const query = RecentReportsQuery.safeParse(params);
    if (!query.success) throw invalidBody(query.error, 'query');
    const nowMs = clock.now();
    const recent: Report[] = [];
    const fromMs = nowMs - query.data.hours * HOUR_MS;
    for await (const stored of store.reports.query({ world, siteIds: [siteId], fromMs })) {
      const { receivedAt: _receivedAt, exercise: _exercise, ...report } = stored;
      recent.push(report);
    }
    res.json(recent.reverse().slice(0, RECENT_REPORTS_MAX));
  });

  router.get('/governorates', allow('read'), (_req, res) => {
    res.json(fixtures.governorateShapes);
  });

  router.get('/context/:layer', allow('read'), (req, res) => {
    // Own keys only: /api/context/__proto__ must not answer Object.prototype.
    const layer = Object.hasOwn(fixtures.context, String(req.params.layer)) ? fixtures.context[String(req.params.layer)] : undefined;
    if (!layer) throw notFound(`Map layer "${String(req.params.layer)}"`);
    res.set('Cache-Control', 'private, max-age=86400').json(layer);
  });

  // `?at=` asks for the picture as it was known at a past moment; without it, the live one.
  router.get('/snapshot', allow('read'), async (req, res) => {
    const world = requestedWorld(req);
    if (req.query.at === undefined) {
      res.json(live.snapshot(world));
      return;
    }
    const at = Instant.safeParse(req.query.at);
    const refuse = (message: string) => new ApiError(400, 'invalid', `Invalid query: at ${message}.`, [{ field: 'at', message }]);
    if (!at.success) throw refuse('must be an ISO 8601 instant with an offset, e.g. 2026-11-28T06:00:00Z');
    const atMs = Date.parse(at.data);
    if (atMs > clock.now() + FUTURE_TOLERANCE_MS) throw refuse('is in the future: the live picture has no ?at');
    res.json(await pictureAt({ store, governorates: fixtures.governorates, sites: live.sites(), thresholds: live.thresholds() }, world, atMs));
  });

  router.get('/governorates/:pcode/series', allow('read'), async (req, res) => {
    const pcode = Pcode.safeParse(String(req.params.pcode));
    if (!pcode.success) throw notFound(`Governorate "${String(req.params.pcode)}"`);
    const world = requestedWorld(req);
    const { exercise: _world, ...params } = req.query;
    const query = SeriesQuery.safeParse(params);
    if (!query.success) throw invalidBody(query.error, 'query');
    const nowMs = clock.now();
    const range = seriesRange(query.data, nowMs);
    const sites = live.sites().filter((s) => s.governorate === pcode.data);
    const reports = await store.reports.latestOccupancyBefore(
      world,
      sites.filter((s) => s.kind === 'shelter').map((s) => s.id),
      range.fromMs,
    );
    const siteIds = sites.map((s) => s.id);
    for await (const r of store.reports.query({ world, siteIds, fromMs: range.fromMs, toMs: range.toMs })) reports.push(r);
    res.json(bucketSeries({ sites, reports, ...range, nowMs, thresholds: live.thresholds(), bySite: query.data.by === 'site' }));
  });

  router.get('/thresholds', allow('read'), (_req, res) => {
    res.json(live.thresholds());
  });

  // Any valid token may ask who it is: screens hide what the role may not do.
  router.get('/me', (_req, res) => {
    const { role, label, sites } = principalOf(res);
    res.json({ role, label, sites: [...sites] });
  });

  return router;
}

