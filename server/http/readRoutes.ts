// What every dashboard reads: governorates, sites, the snapshot, series and thresholds.
import { Router } from 'express';
import { Pcode, SeriesQuery } from '../../shared/schemas.ts';
import { hourlySeries } from '../../shared/series.ts';
import { HOUR_MS, hourStart } from '../../shared/time.ts';
import { may } from '../auth.ts';
import type { Fixtures } from '../fixtures.ts';
import type { Clock } from '../clock.ts';
import type { LivePicture } from '../livePicture.ts';
import type { Store } from '../storage/store.ts';
import { invalidBody, notFound } from './apiError.ts';
import { allow, principalOf } from './middleware.ts';
import { requestedWorld } from './worldParam.ts';

export interface ReadDeps {
  store: Store;
  live: LivePicture;
  clock: Clock;
  fixtures: Fixtures;
}

export function readRoutes({ store, live, clock, fixtures }: ReadDeps): Router {
  const router = Router();

  // A reporter may read its own sites (the field form lists them); other roles read all.
  router.get('/sites', (_req, res) => {
    const principal = principalOf(res);
    if (may(principal, 'read')) res.json(live.sites());
    else res.json(live.sites().filter((s) => principal.sites.includes(s.id)));
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

  router.get('/snapshot', allow('read'), (req, res) => {
    res.json(live.snapshot(requestedWorld(req)));
  });

  router.get('/governorates/:pcode/series', allow('read'), async (req, res) => {
    const pcode = Pcode.safeParse(String(req.params.pcode));
    if (!pcode.success) throw notFound(`Governorate "${String(req.params.pcode)}"`);
    const world = requestedWorld(req);
    const query = SeriesQuery.safeParse(req.query);
    if (!query.success) throw invalidBody(query.error, 'query');
    const { hours } = query.data;
    const nowMs = clock.now();
    const fromMs = hourStart(nowMs) - (hours - 1) * HOUR_MS;
    const sites = live.sites().filter((s) => s.governorate === pcode.data);
    const siteIds = sites.map((s) => s.id);
    const reports = await store.reports.latestOccupancyBefore(
      world,
      sites.filter((s) => s.kind === 'shelter').map((s) => s.id),
      fromMs,
    );
    for await (const r of store.reports.query({ world, siteIds, fromMs, toMs: hourStart(nowMs) + HOUR_MS })) reports.push(r);
    res.json(hourlySeries(sites, reports, nowMs, hours));
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

