// Writes: reports, acknowledgements, thresholds and sites, each authorised by role (tokens: tokenRoutes.ts).
import { Router, type Response } from 'express';
import { AckBody, AlertState, ReportBatch, Report, Site, Thresholds } from '../../shared/schemas.ts';
import type { AuditEvent, AuditLog } from '../audit.ts';
import { ingestReports, ReportRejected, type IngestDeps } from '../ingest.ts';
import type { Settings } from '../settings.ts';
import type { Store } from '../storage/store.ts';
import { ApiError, invalidBody, notFound, rejectedReports, type FieldProblem } from './apiError.ts';
import { allow, principalOf } from './middleware.ts';
import { requestedWorld } from './worldParam.ts';

export interface WriteDeps extends IngestDeps {
  settings: Settings;
  store: Store;
  audit: AuditLog;
}

function isBatch(body: unknown): boolean {
  return typeof body === 'object' && body !== null && !Array.isArray(body) && 'reports' in body;
}

export function writeRoutes(deps: WriteDeps): Router {
  const { store, live, settings, audit } = deps;
  const router = Router();

  // Called once the change has committed: the Store's writes are separate transactions, so the entry
  // follows its change rather than sharing its transaction (see audit.ts).
  const record = (res: Response, event: Omit<AuditEvent, 'requestId'>) =>
    audit.record(principalOf(res), { ...event, requestId: String(res.getHeader('x-request-id') ?? '') });

  router.post('/reports', allow('report'), async (req, res) => {
    const batch = isBatch(req.body);
    const parsed = batch ? ReportBatch.safeParse(req.body) : Report.safeParse(req.body);
    if (!parsed.success) throw invalidBody(parsed.error, batch ? 'batch of reports' : 'report');
    const reports = 'reports' in parsed.data ? parsed.data.reports : [parsed.data];
    // A drill's token writes into the exercise world, which DELETE /api/exercise clears.
    const result = await ingestReports(reports, principalOf(res), deps).catch((err: unknown) => {
      throw err instanceof ReportRejected ? rejectedReports(err, batch) : err;
    });
    // A post of duplicates only changes nothing, so it leaves no entry.
    if (result.accepted.length > 0) {
      await record(res, {
        action: 'reports.post',
        details: { accepted: result.accepted.length, duplicate: result.duplicate.length, ids: result.accepted },
      });
    }
    res.status(201).json(result);
  });

  router.get('/alerts', allow('read'), async (req, res) => {
    const raw = typeof req.query.state === 'string' ? req.query.state.split(',').filter(Boolean) : [];
    const states = raw.map((s) => AlertState.safeParse(s));
    const bad = raw.filter((_, i) => !states[i].success);
    if (bad.length) {
      throw new ApiError(400, 'invalid', `Unknown alert state "${bad[0]}": use active, acknowledged or resolved.`, [
        { field: 'state', message: `unknown state "${bad[0]}"` },
      ]);
    }
    res.json(await store.alerts.list(requestedWorld(req), states.map((s) => s.data!)));
  });

  router.post('/alerts/:id/ack', allow('acknowledge'), async (req, res) => {
    const body = AckBody.safeParse(req.body ?? {});
    if (!body.success) throw invalidBody(body.error);
    const principal = principalOf(res);
    const acknowledged = await live.acknowledge(String(req.params.id), principal.label, body.data.note || undefined);
    if (acknowledged) {
      const { alert, world } = acknowledged;
      await record(res, {
        action: 'alert.acknowledge',
        subject: alert.id,
        details: { rule: alert.rule, world, governorate: alert.governorate, ...(alert.siteId ? { siteId: alert.siteId } : {}), note: alert.note ?? null },
      });
      res.json(alert);
      return;
    }
    const stored = await store.alerts.get(String(req.params.id));
    if (!stored) throw notFound(`Alert "${String(req.params.id)}"`);
    throw new ApiError(409, 'conflict', 'This alert has already resolved: its condition cleared.', { state: stored.alert.state });
  });

  router.put('/thresholds', allow('set_thresholds'), async (req, res) => {
    const parsed = Thresholds.safeParse(req.body);
    if (!parsed.success) throw invalidBody(parsed.error, 'thresholds');
    const unknown = unknownSitesIn(parsed.data);
    if (unknown.length) {
      throw new ApiError(422, 'unprocessable', `Cannot accept: ${unknown[0]!.field} ${unknown[0]!.message}.`, unknown);
    }
    const previous = live.thresholds();
    await settings.changeThresholds(parsed.data);
    await record(res, { action: 'thresholds.change', details: { previous, thresholds: parsed.data } });
    res.json(parsed.data);
  });

  router.put('/sites/:id', allow('administer'), async (req, res) => {
    const parsed = Site.safeParse(req.body);
    if (!parsed.success) throw invalidBody(parsed.error, 'site');
    const site = parsed.data;
    if (site.id !== String(req.params.id)) {
      throw new ApiError(400, 'invalid', `The body's id "${site.id}" differs from the address's "${String(req.params.id)}".`, [
        { field: 'id', message: 'must equal the id in the address' },
      ]);
    }
    const existing = live.site(site.id);
    if (existing && existing.kind !== site.kind && (await store.reports.count(site.id)) > 0) {
      throw new ApiError(422, 'unprocessable', `Site "${site.id}" has reports as a ${existing.kind}; its kind cannot change.`, [
        { field: 'kind', message: `must stay ${existing.kind}: the site has reports` },
      ]);
    }
    await settings.putSite(site);
    await record(res, { action: 'site.put', subject: site.id, details: { created: !existing, site } });
    res.status(existing ? 200 : 201).json(site);
  });

  /** Per-site settings for sites the registry does not have: a typo that would silently do nothing. */
  function unknownSitesIn(thresholds: Thresholds): FieldProblem[] {
    const perSite = {
      'checkpointSurge.perSite': thresholds.checkpointSurge.perSite,
      'siteSilent.perSite': thresholds.siteSilent.perSite,
    };
    return Object.entries(perSite).flatMap(([path, record]) =>
      Object.keys(record)
        .filter((id) => !live.site(id))
        .map((id) => ({ field: `${path}.${id}`, message: `names no site in the registry` })),
    );
  }

  return router;
}
