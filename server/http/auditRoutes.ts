// GET /api/audit and its CSV: the audit log, newest first, filtered by actor, action and time, for admins only.
import { Router, type Request } from 'express';
import type { Logger } from 'pino';
import { z } from 'zod';
import { neutraliseFormula } from '../../shared/hxl.ts';
import { isoSeconds } from '../../shared/time.ts';
import { MAX_AUDIT_PAGE } from '../audit.ts';
import type { Clock } from '../clock.ts';
import { AuditAction, type AuditEntry, type AuditFilter, type Store } from '../storage/store.ts';
import { ApiError, invalidBody } from './apiError.ts';
import { streamCsv } from './csv.ts';
import { fileStamp, parseRange } from './exportRoutes.ts';
import { allow } from './middleware.ts';

/** `?action=thresholds.change,site.put`: any of them. */
const ActionList = z
  .string()
  .transform((raw) => raw.split(',').map((a) => a.trim()).filter(Boolean))
  .pipe(z.array(AuditAction).max(AuditAction.options.length));

export const AuditFilterQuery = z.object({
  actor: z.string().trim().min(1).max(200).optional(),
  action: ActionList.optional(),
});

const AuditPageQuery = AuditFilterQuery.extend({
  limit: z.coerce.number().int().min(1).max(MAX_AUDIT_PAGE).default(100),
  before: z.uuid().optional(),
});

/**
 * Entries are stamped in whole seconds, and compared as the strings they are stamped as: a bound with
 * milliseconds is rounded up to the next whole second, which selects the same entries.
 */
const stamp = (ms: number) => isoSeconds(Math.ceil(ms / 1000) * 1000);

function filterOf(req: Request, query: z.infer<typeof AuditFilterQuery>): AuditFilter {
  const range = parseRange(req);
  return {
    ...(query.actor !== undefined ? { actor: query.actor } : {}),
    ...(query.action?.length ? { actions: query.action } : {}),
    ...(range.fromMs !== undefined ? { from: stamp(range.fromMs) } : {}),
    ...(range.toMs !== undefined ? { to: stamp(range.toMs) } : {}),
  };
}

/** The audit CSV's columns: who and what as plain cells, the change itself as its JSON. */
const AUDIT_CSV_HEADER = ['At', 'Action', 'Actor', 'Actor role', 'Actor token id', 'Subject', 'Request id', 'Entry id', 'Details (JSON)'];

/** Labels, subjects and details are typed by people or carry what they typed: guarded against formula injection. */
function auditRow(e: AuditEntry): string[] {
  return [
    e.at,
    e.action,
    neutraliseFormula(e.actor.label),
    e.actor.role,
    e.actor.tokenId,
    neutraliseFormula(e.subject ?? ''),
    e.requestId ?? '',
    e.id,
    neutraliseFormula(JSON.stringify(e.details)),
  ];
}

export function auditRoutes({ store, clock, logger }: { store: Store; clock: Clock; logger: Logger }): Router {
  const router = Router();

  router.get('/audit', allow('administer'), async (req, res) => {
    const query = AuditPageQuery.safeParse(req.query);
    if (!query.success) throw invalidBody(query.error, 'query');
    const { limit, before } = query.data;
    const entries = await store.audit.list({ ...filterOf(req, query.data), limit, ...(before ? { before } : {}) });
    if (!entries) {
      throw new ApiError(400, 'invalid', `Invalid query: before names no audit entry ("${before}").`, [{ field: 'before', message: 'names no audit entry' }]);
    }
    res.json(entries);
  });

  router.get('/export/audit.csv', allow('administer'), async (req, res) => {
    const query = AuditFilterQuery.safeParse(req.query);
    if (!query.success) throw invalidBody(query.error, 'query');
    const filter = filterOf(req, query.data);
    res.status(200);
    res.set('Content-Type', 'text/csv; charset=utf-8; header=present');
    res.set('Cache-Control', 'no-store');
    res.attachment(`amina-audit-${filter.from ? fileStamp(Date.parse(filter.from)) : 'start'}-${fileStamp(filter.to ? Date.parse(filter.to) : clock.now())}.csv`);
    async function* rows() {
      for await (const entry of store.audit.query(filter)) yield auditRow(entry);
    }
    await streamCsv(res, [AUDIT_CSV_HEADER], rows(), logger);
  });

  return router;
}
