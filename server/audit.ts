// The audit log: who changed what, and when. Written right after each change commits.
import { randomUUID } from 'node:crypto';
import { isoSeconds } from '../shared/time.ts';
import type { Principal } from './auth.ts';
import type { Clock } from './clock.ts';
import type { AuditAction, AuditEntry, Store } from './storage/store.ts';

/** What a route tells the audit log about one change; who and when are added here. */
export interface AuditEvent {
  action: AuditAction;
  subject?: string;
  requestId?: string;
  details: Record<string, unknown>;
}

export interface AuditLog {
  /** Appends the entry durably; call it once the change itself has committed. */
  record(principal: Principal, event: AuditEvent): Promise<AuditEntry>;
  /** The entry `record` would append, for a store that writes it in the change's own transaction. */
  entry(principal: Principal, event: AuditEvent): AuditEntry;
}

/** The most entries one GET /api/audit returns. */
export const MAX_AUDIT_PAGE = 1000;

export function createAuditLog({ store, clock }: { store: Store; clock: Clock }): AuditLog {
  function entry(principal: Principal, event: AuditEvent): AuditEntry {
    return {
        id: randomUUID(),
        at: isoSeconds(clock.now()),
        action: event.action,
        // The token's id, label and role name the actor; the token and its hash never leave auth.
        actor: { tokenId: principal.tokenId, label: principal.label, role: principal.role },
        ...(event.subject !== undefined ? { subject: event.subject } : {}),
        ...(event.requestId ? { requestId: event.requestId } : {}),
      details: event.details,
    };
  }
  return {
    entry,
    async record(principal, event) {
      const made = entry(principal, event);
      await store.audit.append(made);
      return made;
    },
  };
}
