// Writes: reports, acknowledgements, thresholds, sites and tokens, each authorised by role.
import { Router } from 'express';
import { AckBody, AlertState, ReportBatch, Report, Site, Thresholds, TokenRequest } from '../../shared/schemas.ts';
import { isoSeconds } from '../../shared/time.ts';
import type { Authenticator } from '../auth.ts';
import { ingestReports, type IngestDeps } from '../ingest.ts';
import type { Store } from '../storage/store.ts';
import { ApiError, invalidBody, notFound } from './apiError.ts';
import { allow, principalOf } from './middleware.ts';

export interface WriteDeps extends IngestDeps {
  auth: Authenticator;
  store: Store;
  /** closes the live connections of a revoked token, on every instance */
  disconnectToken: (tokenId: string) => void;
}

function isBatch(body: unknown): boolean {
  return typeof body === 'object' && body !== null && !Array.isArray(body) && 'reports' in body;
}

export function writeRoutes(deps: WriteDeps): Router {
  const { store, live, clock, auth, disconnectToken } = deps;
  const router = Router();

  router.post('/reports', allow('report'), async (req, res) => {
    const batch = isBatch(req.body);
    const parsed = batch ? ReportBatch.safeParse(req.body) : Report.safeParse(req.body);
    if (!parsed.success) throw invalidBody(parsed.error, batch ? 'batch of reports' : 'report');
    const reports = 'reports' in parsed.data ? parsed.data.reports : [parsed.data];
    const result = await ingestReports(reports, principalOf(res), deps, { batch });
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
    res.json(await store.listAlerts(states.map((s) => s.data!)));
  });

  router.post('/alerts/:id/ack', allow('acknowledge'), async (req, res) => {
    const body = AckBody.safeParse(req.body ?? {});
    if (!body.success) throw invalidBody(body.error);
    const principal = principalOf(res);
    const alert = await live.acknowledge(String(req.params.id), principal.label, body.data.note || undefined);
    if (alert) {
      res.json(alert);
      return;
    }
    const stored = await store.getAlert(String(req.params.id));
    if (!stored) throw notFound(`Alert "${String(req.params.id)}"`);
    throw new ApiError(409, 'conflict', 'This alert has already resolved: its condition cleared.', { state: stored.state });
  });

  router.put('/thresholds', allow('set_thresholds'), async (req, res) => {
    const parsed = Thresholds.safeParse(req.body);
    if (!parsed.success) throw invalidBody(parsed.error, 'thresholds');
    await store.putThresholds(parsed.data);
    await live.setThresholds(parsed.data);
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
    if (existing && existing.kind !== site.kind && (await store.countReports(site.id)) > 0) {
      throw new ApiError(422, 'unprocessable', `Site "${site.id}" has reports as a ${existing.kind}; its kind cannot change.`, [
        { field: 'kind', message: `must stay ${existing.kind}: the site has reports` },
      ]);
    }
    await store.putSite(site);
    await live.putSite(site);
    res.status(existing ? 200 : 201).json(site);
  });

  router.post('/tokens', allow('administer'), async (req, res) => {
    const parsed = TokenRequest.safeParse(req.body);
    if (!parsed.success) throw invalidBody(parsed.error, 'token request');
    const unknown = (parsed.data.sites ?? []).filter((id) => !live.site(id));
    if (unknown.length) {
      throw new ApiError(
        422,
        'unprocessable',
        `Unknown site "${unknown[0]}".`,
        unknown.map((id) => ({ field: 'sites', message: `no site has the id "${id}"` })),
      );
    }
    res.status(201).json(await auth.issue(parsed.data, isoSeconds(clock.now())));
  });

  router.delete('/tokens/:id', allow('administer'), async (req, res) => {
    if (!(await store.revokeToken(String(req.params.id), isoSeconds(clock.now())))) throw notFound(`Token "${String(req.params.id)}"`);
    disconnectToken(String(req.params.id));
    res.status(204).end();
  });

  return router;
}
