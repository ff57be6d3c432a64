// Writes: reports, acknowledgements, thresholds and sites, each authorised by role (tokens: tokenRoutes.ts).
import { Router, type Request, type Response } from 'express';
import { DEFAULT_ONWARD_INFLUX } from '../../shared/onward.ts';
import { AckBody, AlertState, ReportBatch, Report, Site, Thresholds, TravelTimesBody } from '../../shared/schemas.ts';
import type { AuditEvent, AuditLog } from '../audit.ts';
import { isoSeconds } from '../../shared/time.ts';
import { ingestReports, ReportRejected, type IngestDeps } from '../ingest.ts';
import { overlapWarnings } from '../overlapGuard.ts';
import type { Settings } from '../settings.ts';
import type { AppendResult, Store } from '../storage/store.ts';
import { ApiError, invalidBody, notFound, rejectedReports, type FieldProblem } from './apiError.ts';
import { createAdmission } from './admission.ts';
import { allow, principalOf } from './middleware.ts';
import { requestedWorld } from './worldParam.ts';

export interface WriteDeps extends IngestDeps {
  settings: Settings;
  store: Store;
  audit: AuditLog;
}

/** Batches larger than this wait for their turn; up to BATCHES_AT_ONCE are handled together. */
const SMALL_BATCH = 10;
const BATCHES_AT_ONCE = 8;

function isBatch(body: unknown): body is { reports: unknown } {
  return typeof body === 'object' && body !== null && !Array.isArray(body) && 'reports' in body;
}

export function writeRoutes(deps: WriteDeps): Router {
  const { store, live, settings, audit } = deps;
  const router = Router();

  // Called once the change has committed: the Store's writes are separate transactions, so the entry
  // follows its change rather than sharing its transaction (see audit.ts).
  const record = (res: Response, event: Omit<AuditEvent, 'requestId'>) =>
    audit.record(principalOf(res), { ...event, requestId: String(res.getHeader('x-request-id') ?? '') });

  // Batches take turns (admission.ts); a batch of a few reports goes straight through, as a single one does.
  const batches = createAdmission(BATCHES_AT_ONCE);
  router.post('/reports', allow('report'), async (req, res) => {
    const large = isBatch(req.body) && Array.isArray(req.body.reports) && req.body.reports.length > SMALL_BATCH;
    if (large) await batches.run(() => postReports(req, res));
    else await postReports(req, res);
  });

  async function postReports(req: Request, res: Response): Promise<void> {
    const batch = isBatch(req.body);
    const parsed = batch ? ReportBatch.safeParse(req.body) : Report.safeParse(req.body);
    if (!parsed.success) {
      const invalid = invalidBody(parsed.error, batch ? 'batch of reports' : 'report');
      // Destinations that do not add up (more persons heading anywhere than arrived, a governorate
      // twice) are well-formed but impossible, as a report from the future is: 422, naming the field.
      if (parsed.error.issues.every((issue) => issue.code === 'custom' && issue.path.includes('destinations'))) {
        throw new ApiError(422, 'unprocessable', invalid.message.replace(/^Invalid [^:]*: /, 'Cannot accept: '), invalid.details);
      }
      throw invalid;
    }
    const reports = 'reports' in parsed.data ? parsed.data.reports : [parsed.data];
    const principal = principalOf(res);
    const requestId = String(res.getHeader('x-request-id') ?? '');
    // The entry commits with the reports, one commit for both (store.ts). A post of duplicates only
    // changes nothing, so it leaves no entry.
    const entry = (answer: AppendResult) =>
      answer.accepted.length > 0
        ? audit.entry(principal, {
            action: 'reports.post',
            requestId,
            details: { accepted: answer.accepted.length, duplicate: answer.duplicate.length, ids: answer.accepted },
          })
        : undefined;
    // Asked before storing: the store then holds exactly the earlier reports. Stored either way; a
    // warning asks the sender to look again (a resend counts people twice).
    const warnings = await overlapWarnings(store, principal.exercise ? 'exercise' : 'real', reports);
    // A drill's token writes into the exercise world, which DELETE /api/exercise clears.
    const result = await ingestReports(reports, principal, deps, entry).catch((err: unknown) => {
      throw err instanceof ReportRejected ? rejectedReports(err, batch) : err;
    });
    res.status(201).json(warnings.length ? { ...result, warnings } : result);
  }

  router.get('/alerts', allow('read'), async (req, res) => {
    const raw = typeof req.query.state === 'string' ? req.query.state.split(',').filter(Boolean) : [];
    const states = raw.map((s) => AlertState.safeParse(s));
    const bad = raw.filter((_, i) => !states[i]?.success);
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

  /** Thresholds as PUT and its preview take them: the schema, then sites the registry must have. */
  function parseThresholds(body: unknown): Thresholds {
    const parsed = Thresholds.safeParse(body);
    if (!parsed.success) throw invalidBody(parsed.error, 'thresholds');
    const unknown = unknownSitesIn(parsed.data);
    if (unknown.length) {
      throw new ApiError(422, 'unprocessable', `Cannot accept: ${unknown[0]!.field} ${unknown[0]!.message}.`, unknown);
    }
    return parsed.data;
  }

  router.put('/thresholds', allow('set_thresholds'), async (req, res) => {
    const thresholds = parseThresholds(req.body);
    const previous = live.thresholds();
    await settings.changeThresholds(thresholds);
    await record(res, { action: 'thresholds.change', details: { previous, thresholds } });
    res.json(thresholds);
  });

  // Changes nothing and so leaves no audit entry: it answers what the PUT would do right now.
  router.post('/thresholds/preview', allow('set_thresholds'), async (req, res) => {
    const thresholds = parseThresholds(req.body);
    res.json(await live.previewThresholds(requestedWorld(req), thresholds));
  });

  // One table inside the thresholds, changed pair by pair: a coordinator corrects the road from
  // Duhok to Erbil without sending every other rule back. Stored, audited and sent to dashboards as
  // any change of thresholds is.
  router.put('/thresholds/travel-times', allow('set_thresholds'), async (req, res) => {
    const parsed = TravelTimesBody.safeParse(req.body);
    if (!parsed.success) throw invalidBody(parsed.error, 'travel times');
    const previous = live.thresholds();
    const onward = previous.onwardInflux ?? DEFAULT_ONWARD_INFLUX;
    const next: Thresholds = { ...previous, onwardInflux: { ...onward, travelHours: { ...onward.travelHours, ...parsed.data.travelHours } } };
    await settings.changeThresholds(next);
    await record(res, { action: 'thresholds.travel_times', details: { previous: onward.travelHours, changed: parsed.data.travelHours } });
    res.json(next);
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
    // Closing and reopening have their own endpoints, audited as such: PUT keeps what the registry holds.
    if (site.closedAt !== undefined && (site.closedAt ?? null) !== (existing?.closedAt ?? null)) {
      throw new ApiError(422, 'unprocessable', `Cannot accept: closedAt changes only by POST /api/sites/${site.id}/${site.closedAt ? 'close' : 'reopen'}.`, [
        { field: 'closedAt', message: `must be left out or stay ${existing?.closedAt ?? 'null'}: close and reopen a site by its own endpoints` },
      ]);
    }
    if (existing?.closedAt) site.closedAt = existing.closedAt;
    else delete site.closedAt;
    // A code names one site: an SMS must never be able to land on two.
    const holder = site.code ? live.sites().find((s) => s.id !== site.id && s.code === site.code) : undefined;
    if (holder) {
      throw new ApiError(422, 'unprocessable', `The code "${site.code}" is already site "${holder.id}"'s; codes are unique.`, [
        { field: 'code', message: `is already used by site "${holder.id}"` },
      ]);
    }
    if (existing && existing.kind !== site.kind && (await store.reports.count(site.id)) > 0) {
      throw new ApiError(422, 'unprocessable', `Site "${site.id}" has reports as a ${existing.kind}; its kind cannot change.`, [
        { field: 'kind', message: `must stay ${existing.kind}: the site has reports` },
      ]);
    }
    await settings.putSite(site);
    await record(res, { action: 'site.put', subject: site.id, details: { created: !existing, site } });
    res.status(existing ? 200 : 201).json(site);
  });

  // Closing keeps the site and its reports: the log, the exports and past pictures still show it. It
  // takes no new report, leaves the live picture, and its open alerts resolve in the same refresh.
  router.post('/sites/:id/close', allow('administer'), async (req, res) => {
    const site = siteToChange(String(req.params.id));
    if (site.closedAt) throw new ApiError(409, 'conflict', `Site "${site.id}" is already closed, since ${site.closedAt}.`, { closedAt: site.closedAt });
    const closed: Site = { ...site, closedAt: isoSeconds(deps.clock.now()) };
    await settings.putSite(closed);
    await record(res, { action: 'site.close', subject: site.id, details: { closedAt: closed.closedAt } });
    res.json(closed);
  });

  router.post('/sites/:id/reopen', allow('administer'), async (req, res) => {
    const site = siteToChange(String(req.params.id));
    if (!site.closedAt) throw new ApiError(409, 'conflict', `Site "${site.id}" is open.`, { closedAt: null });
    const { closedAt, ...open } = site;
    await settings.putSite(open);
    await record(res, { action: 'site.reopen', subject: site.id, details: { closedAt } });
    res.json(open);
  });

  function siteToChange(id: string): Site {
    const site = live.site(id);
    if (!site) throw notFound(`Site "${id}"`);
    return site;
  }

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
