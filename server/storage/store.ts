// The storage port: ingest and read code see only this. SQL never leaves the storage folder.
import type { Alert, AlertState, Role, Site, StoredReport, Thresholds } from '../../shared/schemas.ts';

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
