// GET /api/audit: the audit log, newest first, for admins only.
import { Router } from 'express';
import { z } from 'zod';
import { MAX_AUDIT_PAGE } from '../audit.ts';
import type { Store } from '../storage/store.ts';
import { invalidBody } from './apiError.ts';
import { allow } from './middleware.ts';

const AuditQuery = z.object({
  limit: z.coerce.number().int().min(1).max(MAX_AUDIT_PAGE).default(100),
});

export function auditRoutes({ store }: { store: Store }): Router {
  const router = Router();

  router.get('/audit', allow('administer'), async (req, res) => {
    const query = AuditQuery.safeParse(req.query);
    if (!query.success) throw invalidBody(query.error, 'query');
    res.json(await store.audit.list({ limit: query.data.limit }));
  });

  return router;
}
