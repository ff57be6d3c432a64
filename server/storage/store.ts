// The storage port: ingest and read code see only this. SQL never leaves the storage folder.
import { z } from 'zod';
import { Role, type Alert, type AlertState, type Site, type StoredReport, type Thresholds } from '../../shared/schemas.ts';

export interface AppendResult {
  accepted: string[];
  duplicate: string[];
}

export interface TokenRecord {
  id: string;
  /** SHA-256 of the token, hex: the token itself is never stored */
  hash: string;
  role: Role;
  sites: string[];
  label: string;
  createdAt: string;
  revokedAt?: string;
  /** a drill's token: the reports it posts are stored with exercise = true */
  exercise?: boolean;
}

/** What an audit entry records: one kind of write each. */
export const AuditAction = z.enum([
  'reports.post',
  'alert.acknowledge',
  'thresholds.change',
  'site.put',
  'token.create',
  'token.revoke',
  'exercise.clear',
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

export interface AuditQuery {
  /** at most this many entries, newest first */
  limit: number;
}

export interface ReportQuery {
  siteIds?: readonly string[];
  /** inclusive, by observedAt */
  fromMs?: number;
  /** exclusive, by observedAt */
  toMs?: number;
}

export interface SeedData {
  sites: Site[];
  thresholds: Thresholds;
}

export interface Store {
  readonly kind: 'sqlite' | 'postgres';
  /** Runs migrations and seeds sites and thresholds when the store is new. Idempotent. */
  init(seed: SeedData): Promise<void>;
  close(): Promise<void>;

  /**
   * Appends reports in one transaction and returns only once they are durable. A report whose id
   * is stored already with the same content is a duplicate; with other content the whole batch
   * fails with ReportConflictError and nothing is stored.
   */
  appendReports(reports: readonly StoredReport[]): Promise<AppendResult>;
  /** Every stored report, in storage order, to rebuild the projection. */
  replayReports(onReport: (report: StoredReport) => void): Promise<number>;
  /** Reports by observedAt, oldest first. */
  queryReports(query: ReportQuery): AsyncIterable<StoredReport>;
  /** For each site given, its latest occupancy report observed before `beforeMs`. */
  latestOccupancyBefore(siteIds: readonly string[], beforeMs: number): Promise<StoredReport[]>;
  countReports(siteId?: string): Promise<number>;
  /**
   * Deletes every report stored as exercise data (posted with a drill's token) and returns how many.
   * The one exception to "never deleted": drill data is not a record of anything that happened.
   */
  deleteExerciseReports(): Promise<number>;

  listSites(): Promise<Site[]>;
  putSite(site: Site): Promise<void>;

  getThresholds(): Promise<Thresholds>;
  putThresholds(thresholds: Thresholds): Promise<void>;

  /** Alerts in the given states, newest raised first. */
  listAlerts(states?: readonly AlertState[]): Promise<Alert[]>;
  getAlert(id: string): Promise<Alert | undefined>;
  /**
   * Stores a new open alert. The store enforces one open alert per rule and subject: if another
   * is open already, that one is returned and nothing is stored.
   */
  insertAlert(alert: Alert): Promise<Alert>;
  updateAlert(alert: Alert): Promise<void>;

  createToken(token: TokenRecord): Promise<void>;
  findTokenByHash(hash: string): Promise<TokenRecord | undefined>;
  /** Returns false when no such token exists. */
  revokeToken(id: string, at: string): Promise<boolean>;
  countTokens(): Promise<number>;

  /** Appends one audit entry durably. Entries are never changed or deleted through the API. */
  appendAudit(entry: AuditEntry): Promise<void>;
  /** The latest entries in the order they were appended, newest first. */
  listAudit(query: AuditQuery): Promise<AuditEntry[]>;

  /** Present when several server instances share the store (PostgreSQL): how each follows the others' writes. */
  readonly shared?: SharedLog;
}

/** Where a follower stands in a shared log: opaque outside the store that made it. */
export interface LogPosition {
  readonly opaque: unknown;
}

/** What another instance may have changed, as a shared store's notifications say. */
export type SharedChange = 'reports' | 'alerts' | 'settings' | 'tokens' | 'reset';

/**
 * The report log as several instances see it. Positions make reading exact (each stored report is
 * given once, none is skipped however commits interleave); notifications only make it prompt.
 */
export interface SharedLog {
  /** Replays every stored report in storage order, as replayReports, and returns the position after them. */
  replay(onReport: (report: StoredReport) => void): Promise<LogPosition>;
  /**
   * The reports that became visible since `position`, each given exactly once across calls, and the
   * next position; `rewritten` when reports were deleted since (exercise data cleared): replay instead.
   */
  readAfter(position: LogPosition): Promise<{ reports: StoredReport[]; position: LogPosition; rewritten: boolean }>;
  /**
   * Calls `onChange` soon after any instance writes (and once after each reconnection, since
   * notifications may have been missed meanwhile). A hint: it can be lost, so followers poll too.
   */
  subscribe(onChange: (change: SharedChange, payload: string) => void): void;
}

/** A report id reused with other content: the client has a bug, and the batch is refused whole. */
export class ReportConflictError extends Error {
  constructor(readonly ids: string[]) {
    super(`report id already used with different content: ${ids.join(', ')}`);
    this.name = 'ReportConflictError';
  }
}

/** The database cannot be reached: answer 503 and let the client retry. */
export class StoreUnavailableError extends Error {
  constructor(cause: unknown) {
    super('the database is unreachable', { cause });
    this.name = 'StoreUnavailableError';
  }
}

/** A tokens table row, as both adapters store it (sites as JSON text). */
export interface TokenRow {
  id: string;
  hash: string;
  role: TokenRecord['role'];
  sites: string;
  label: string;
  created_at: string;
  revoked_at: string | null;
  exercise: boolean | number;
}

export function tokenFromRow(row: TokenRow): TokenRecord {
  return {
    id: row.id,
    hash: row.hash,
    role: row.role,
    sites: JSON.parse(row.sites) as string[],
    label: row.label,
    createdAt: row.created_at,
    ...(row.revoked_at ? { revokedAt: row.revoked_at } : {}),
    ...(row.exercise ? { exercise: true } : {}),
  };
}

/** A report as the log holds it: the content the client sent, plus what the server added. */
export function storedReport(content: string, receivedAt: string, exercise: boolean): StoredReport {
  const report = JSON.parse(content) as StoredReport;
  report.receivedAt = receivedAt;
  if (exercise) report.exercise = true;
  return report;
}

/**
 * A report's content as compared for duplicates: its fields in a fixed order, without what the
 * server added. Two posts of the same report from a retrying client give the same string.
 */
export function reportContent(report: StoredReport): string {
  const { receivedAt: _received, exercise: _exercise, ...content } = report;
  return JSON.stringify(content, Object.keys(content).sort());
}

/** One open alert per rule and subject: the key the store's unique index is built on. */
export { alertSubjectKey } from '../../shared/alerts.ts';
