// POST /api/sites/import: the site registry from CSV, as a dry run that lists every change (new,
// changed, unchanged, refused with its reason) or applied whole, in one transaction: a file with
// any refused row applies nothing. The rows are read by the same code as `npm run sites:import`.
import { Router, type Response } from 'express';
import { checkPlacement, type GovernorateShape } from '../../shared/geo.ts';
import { SiteImportRequest, type GovernorateCollection, type SiteImportAnswer, type SiteImportChange } from '../../shared/schemas.ts';
import { diffSites, sitesFromCsv } from '../../shared/sitesCsv.ts';
import type { AuditEvent, AuditLog } from '../audit.ts';
import type { LivePicture } from '../livePicture.ts';
import type { Settings } from '../settings.ts';
import type { Store } from '../storage/store.ts';
import { ApiError, invalidBody } from './apiError.ts';
import { allow, principalOf } from './middleware.ts';

export interface SiteImportDeps {
  store: Store;
  live: LivePicture;
  settings: Settings;
  audit: AuditLog;
  governorates: GovernorateCollection;
}

export function siteImportRoutes({ store, live, settings, audit, governorates }: SiteImportDeps): Router {
  const router = Router();
  const shapes: GovernorateShape[] = governorates.features.map((f) => ({ pcode: f.properties.pcode, geometry: f.geometry }));
  const record = (res: Response, event: Omit<AuditEvent, 'requestId'>) =>
    audit.record(principalOf(res), { ...event, requestId: String(res.getHeader('x-request-id') ?? '') });

  router.post('/sites/import', allow('administer'), async (req, res) => {
    const parsed = SiteImportRequest.safeParse(req.body);
    if (!parsed.success) throw invalidBody(parsed.error, 'import');
    const current = [...live.sites()];
    let read;
    try {
      read = sitesFromCsv(parsed.data.csv, current);
    } catch (err) {
      throw new ApiError(400, 'invalid', `The CSV cannot be read: ${err instanceof Error ? err.message : String(err)}.`, [
        { field: 'csv', message: err instanceof Error ? err.message : String(err) },
      ]);
    }
    const byId = new Map(current.map((s) => [s.id, s]));
    const changes: SiteImportChange[] = [];
    for (const change of diffSites(current, read.sites)) {
      const site = read.sites.find((s) => s.id === change.id)!;
      const existing = byId.get(change.id);
      // As PUT /api/sites/:id: a site that has reports keeps its kind.
      if (existing && existing.kind !== site.kind && (await store.reports.count(site.id)) > 0) {
        changes.push({ ...change, change: 'refused', reason: `has reports as a ${existing.kind}; its kind cannot change` });
      } else changes.push(change);
    }
    const warnings = read.sites
      .filter((s) => s.lon !== null && s.lat !== null)
      .flatMap((s) => {
        const check = checkPlacement({ lon: s.lon!, lat: s.lat! }, s.governorate, s.kind === 'checkpoint', shapes);
        return check.ok ? [] : [`${s.id}: (${s.lon}, ${s.lat}) lies ${check.kmOutsideOwn.toFixed(1)} km outside ${s.governorate}${check.foundIn ? `, in ${check.foundIn}` : ''}`];
      });
    const refused = read.problems.length + changes.filter((c) => c.change === 'refused').length;
    const answer: SiteImportAnswer = { changes, problems: read.problems, warnings, applied: false };
    if (!parsed.data.apply) {
      res.json(answer);
      return;
    }
    if (refused > 0) {
      throw new ApiError(422, 'unprocessable', `Nothing imported: ${refused} row(s) refused; fix them and import again.`, [
        ...read.problems.map((p) => ({ field: `csv.line${p.line}`, message: p.message })),
        ...changes.filter((c) => c.change === 'refused').map((c) => ({ field: `csv.${c.id}`, message: c.reason ?? 'refused' })),
      ]);
    }
    const toWrite = changes.filter((c) => c.change === 'new' || c.change === 'changed').map((c) => read.sites.find((s) => s.id === c.id)!);
    // One transaction: every site, or none.
    await settings.putSites(toWrite);
    for (const site of toWrite) {
      await record(res, { action: 'site.put', subject: site.id, details: { created: !byId.has(site.id), site, import: true } });
    }
    res.json({ ...answer, applied: true });
  });

  return router;
}
