// The audit log's entries: who changed what and when. Written by the server, read by the admin screens.
import { z } from 'zod';
import { Role } from './schemas.ts';

/** What an audit entry records: one kind of write each. */
export const AuditAction = z.enum([
  'reports.post',
  'alert.acknowledge',
  'thresholds.change',
  'thresholds.travel_times',
  'site.put',
  'site.close',
  'site.reopen',
  'token.create',
  'token.revoke',
  'exercise.clear',
  'drill.start',
  'drill.stop',
  'phone.register',
  'phone.delete',
]);
export type AuditAction = z.infer<typeof AuditAction>;

/**
 * One write, as the audit log keeps it: who (the token's id, label and role: never the token or its
 * hash), when (server time of the change), what (the action, its subject and a JSON summary).
 */
export const AuditEntry = z.object({
  /** a UUID made by the server */
  id: z.string(),
  at: z.string(),
  action: AuditAction,
  actor: z.object({ tokenId: z.string(), label: z.string(), role: Role }),
  /** the id of what was changed: an alert, a site, a token; absent for a batch of reports */
  subject: z.string().optional(),
  /** the request that made the change, to find its log lines */
  requestId: z.string().optional(),
  /** the change itself: report ids and counts, the new thresholds, the site, the token's role and sites */
  details: z.record(z.string(), z.unknown()),
});
export type AuditEntry = z.infer<typeof AuditEntry>;

