// The storage port: ingest and read code see only this. SQL never leaves the storage folder.
// One interface per noun (reports, sites, thresholds, alerts, tokens, audit), plus the log that
// live pictures follow; the adapters (SQLite, PostgreSQL) implement every one.
import { z } from 'zod';
import { Role, type Alert, type AlertState, type ReportKind, type Site, type SiteKind, type StoredReport, type Thresholds, type World } from '../../shared/schemas.ts';

export interface AppendResult {
  accepted: string[];
  duplicate: string[];
}

export interface ReportQuery {
  /** the world whose reports to give: real data, or a drill's */
  world: World;
  siteIds?: readonly string[];
  /**
   * Only reports of this kind. With one site, the store then reads just that site's reports of the
   * kind within the range (its (site, kind, observedAt) index), not every report the site ever had.
   */
  kind?: ReportKind;
  /** inclusive, by observedAt */
  fromMs?: number;
  /** exclusive, by observedAt */
  toMs?: number;
  /** at most this many reports, the first in the query's order: a look at a few, not a scan */
  limit?: number;
}

/** Where the overlap guard looks for one arrivals report's candidates: a site, observedAt in [fromMs, toMs). */
export interface ArrivalsRange {
  siteId: string;
  fromMs: number;
  toMs: number;
}

export interface ReportStore {
  /**
   * Appends reports in one transaction and returns only once they are durable. A report whose id
   * is stored already with the same content (the same instant however spelt) is a duplicate; with
   * other content, or in the other world, the whole batch fails with ReportConflictError and nothing
   * is stored. Ids and instants arrive canonical (canonicalReport). `audit`, when given, makes the
   * audit entry for what was accepted; it is written in the same transaction (none when it answers
   * undefined), so that the post and its entry share one commit: stored together or not at all.
   */
  append(reports: readonly StoredReport[], audit?: (result: AppendResult) => AuditEntry | undefined): Promise<AppendResult>;
  /** Reports of one world by observedAt, oldest first, then in storage order; paged underneath. */
  query(query: ReportQuery): AsyncIterable<StoredReport>;
  /**
   * For each range, the first `limit` arrivals reports of `world` at its site observed within it,
   * by observedAt and then in storage order: the overlap guard's candidates for every arrivals report
   * of a post, in one call (one round trip on PostgreSQL, where a phone's queued batch asked 40). The
   * rows as written, without the schema's parse again: each was parsed before it was stored, and
   * parsing cost more than the query (bench/README.md).
   */
  arrivalsWithin(world: World, ranges: readonly ArrivalsRange[], limit: number): Promise<StoredReport[][]>;
  /** For each site given, its latest occupancy report in `world` observed before `beforeMs`. */
  latestOccupancyBefore(world: World, siteIds: readonly string[], beforeMs: number): Promise<StoredReport[]>;
  count(siteId?: string): Promise<number>;
  /**
   * What the picture at `atMs` is folded from, among the reports of `world` received by then: every
   * arrivals report observed in the 24 h before it (and up to 5 minutes after), and for each site
   * given its latest report of its kind by observedAt (its level, its status, its last word). A
   * checkpoint's latest report may be among the arrivals too: it is listed twice, and the caller
   * folds each report once. Bounded by recent traffic and the number of sites, however long the log.
   */
  knownAt(world: World, sites: readonly { id: string; kind: SiteKind }[], atMs: number): Promise<StoredReport[]>;
  /**
   * Deletes every report of the exercise world and returns how many. The one exception to "never
   * deleted": drill data is not a record of anything that happened.
   */
  deleteExercise(): Promise<number>;
}

export interface SiteStore {
  list(): Promise<Site[]>;
  put(site: Site): Promise<void>;
  /** Stores every site in one transaction: all of them, or (on any failure) none. */
  putMany(sites: readonly Site[]): Promise<void>;
}

export interface ThresholdStore {
  get(): Promise<Thresholds>;
  put(thresholds: Thresholds): Promise<void>;
}

/** What happened to an alert: raised, changed (value or severity), acknowledged, or resolved. */
export const AlertEventKind = z.enum(['raised', 'updated', 'acknowledged', 'resolved']);
export type AlertEventKind = z.infer<typeof AlertEventKind>;

/** One change of one alert, as the history keeps it: the alert as it was right after the change. */
export interface AlertEvent {
  kind: AlertEventKind;
  /** the server's time of the change: the alert's updatedAt */
  at: string;
  world: World;
  alert: Alert;
}

export interface AlertStore {
  /** Alerts of one world in the given states (all when none are given), newest raised first. */
  list(world: World, states?: readonly AlertState[]): Promise<Alert[]>;
  /** An alert of either world by its id. */
  get(id: string): Promise<{ alert: Alert; world: World } | undefined>;
  /**
   * Stores a new open alert. The store enforces one open alert per world, rule and subject: if one
   * is open already (another instance raised it first), that one is returned and nothing is stored.
   */
  insert(world: World, alert: Alert): Promise<Alert>;
  /**
   * Writes a new version of a stored alert, merged with the stored one by the shared rule
   * (mergeAlertWrite: resolved stays resolved, the first acknowledgement stands), and returns what
   * was stored; undefined when no alert has that id.
   */
  update(alert: Alert): Promise<Alert | undefined>;
  /**
   * The history of one world's alerts, oldest change first: every raise, update, acknowledgement and
   * resolution, written in the same transaction as the change itself. `toMs` is inclusive.
   */
  history(world: World, query?: { alertIds?: readonly string[]; toMs?: number }): Promise<AlertEvent[]>;
}

/** Which change a write of `next` over `stored` was, after the shared merge rule. */
export function alertEventKind(stored: Alert | undefined, next: Alert): AlertEventKind {
  if (!stored) return 'raised';
  if (next.state === 'resolved') return 'resolved';
  if (next.state === 'acknowledged' && stored.state !== 'acknowledged') return 'acknowledged';
  return 'updated';
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
  /** a drill's token: the reports it posts belong to the exercise world */
  exercise?: boolean;
  /** refused from this instant on, like a revoked token */
  expiresAt?: string;
  /** when it was last let in, written at most once a minute (touch) */
  lastUsedAt?: string;
}

export interface TokenStore {
  create(token: TokenRecord): Promise<void>;
  /** Stores every token in one transaction: all of them, or (on any failure) none. */
  createMany(tokens: readonly TokenRecord[]): Promise<void>;
  findByHash(hash: string): Promise<TokenRecord | undefined>;
  /** A token by its id (what an admin names it by), revoked or not. */
  get(id: string): Promise<TokenRecord | undefined>;
  /** Every token in the order they were stored. Tokens number in the hundreds: callers filter in memory. */
  list(): Promise<TokenRecord[]>;
  /** Returns false when no such token exists. */
  revoke(id: string, at: string): Promise<boolean>;
  /**
   * Revokes every token named, in one transaction; when any id names no token, revokes none and
   * gives the missing ids. A token revoked before keeps its first revocation time.
   */
  revokeMany(ids: readonly string[], at: string): Promise<{ missing: string[] }>;
  /**
   * Sets the token's last use to `at` unless it is already at or after `staleBefore`: a coarse
   * stamp, so a busy token writes once a minute, not on every request, whichever instance it meets.
   */
  touch(id: string, at: string, staleBefore: string): Promise<void>;
  count(): Promise<number>;
}

/**
 * A phone registered to report by SMS for a reporter token's sites. The number itself is never
 * stored: `hash` is a keyed hash of its E.164 form (server/phones.ts), `masked` what screens show.
 */
export interface PhoneRecord {
  id: string;
  hash: string;
  /** `+9647•••••••12`: enough for a person to recognise, too little to call */
  masked: string;
  tokenId: string;
  label: string;
  createdAt: string;
}

export interface PhoneStore {
  /** Stores a phone; false (nothing stored) when its hash is registered already. */
  create(phone: PhoneRecord): Promise<boolean>;
  /** A phone by the hash of its number, with the token it reports under (revoked or not). */
  findByHash(hash: string): Promise<{ phone: PhoneRecord; token: TokenRecord } | undefined>;
  /** Every phone with its token, oldest registered first. */
  list(): Promise<{ phone: PhoneRecord; token: TokenRecord }[]>;
  /** Returns false when no such phone exists. */
  delete(id: string): Promise<boolean>;
}

// The audit entry's shape is shared: the admin screens parse the log with it too.
import type { AuditAction as AuditActionType, AuditEntry } from '../../shared/audit.ts';
export { AuditAction, AuditEntry } from '../../shared/audit.ts';

/** Which entries of the audit log to give; every condition given must hold. */
export interface AuditFilter {
  /** the actor's token id, or a part of its label in any case */
  actor?: string;
  /** any of these actions */
  actions?: readonly AuditActionType[];
  /** inclusive; an instant as entries are stamped (UTC, whole seconds: isoSeconds) */
  from?: string;
  /** exclusive; as `from` */
  to?: string;
}

export interface AuditStore {
  /** Appends one entry durably. Entries are never changed or deleted through the API. */
  append(entry: AuditEntry): Promise<void>;
  /**
   * One page: the latest `limit` entries that match, in the order they were appended, newest first;
   * with `before`, the id of the last entry of the previous page, those appended before it (a keyset
   * page: entries appended meanwhile never shift it). Undefined when `before` names no entry.
   */
  list(query: AuditFilter & { limit: number; before?: string }): Promise<AuditEntry[] | undefined>;
  /** Every entry that matches, newest first, read page by page: for exports of any length. */
  query(filter: AuditFilter): AsyncIterable<AuditEntry>;
}

/** Where a reader stands in the report log: opaque outside the adapter that made it. */
export interface LogPosition {
  readonly opaque: unknown;
}

/**
 * The report log in storage order, as a live picture reads it. Positions make reading exact: each
 * stored report is given once, none is skipped however commits interleave (with several instances,
 * sequence numbers become visible out of order; see the PostgreSQL adapter).
 */
export interface ReportLog {
  /** Replays every stored report of both worlds in storage order and returns the position after them. */
  replay(onReport: (report: StoredReport) => void): Promise<LogPosition>;
  /**
   * The reports that became visible since `position`, each given exactly once across calls, and the
   * next position; `rewritten` when reports were deleted since (exercise data cleared): replay instead.
   */
  readAfter(position: LogPosition): Promise<{ reports: StoredReport[]; position: LogPosition; rewritten: boolean }>;
}

/** What another instance may have changed, as a shared store's notifications say. */
export type SharedChange = 'reports' | 'alerts' | 'settings' | 'tokens' | 'reset';

/** Notifications between instances that share a store: a hint that can be lost, so followers poll too. */
export interface ChangeFeed {
  /** Calls `onChange` soon after any instance writes (and once after each reconnection). */
  subscribe(onChange: (change: SharedChange, payload: string) => void): void;
}

/** A key's hits in its current window, and when that window ends. */
export interface WindowHits {
  hits: number;
  resetAtMs: number;
}

/**
 * Hit counters in fixed windows (rate limits), kept where every instance sees them: with several
 * instances on one database, a client's budget is one budget, not one per instance.
 */
export interface HitCounters {
  /** Counts one hit; a key whose window has ended starts a new one of `windowMs`. */
  increment(key: string, windowMs: number): Promise<WindowHits>;
  get(key: string): Promise<WindowHits | undefined>;
  decrement(key: string): Promise<void>;
  reset(key: string): Promise<void>;
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
  /** Resolves when the store answers a trivial query; StoreUnavailableError when it cannot. */
  ping(): Promise<void>;
  readonly reports: ReportStore;
  readonly log: ReportLog;
  readonly sites: SiteStore;
  readonly thresholds: ThresholdStore;
  readonly alerts: AlertStore;
  readonly tokens: TokenStore;
  readonly phones: PhoneStore;
  readonly audit: AuditStore;
  /** Present when several server instances share the store (PostgreSQL). */
  readonly changes?: ChangeFeed;
  /** Shared rate-limit counters, present when several instances share the store (PostgreSQL). */
  readonly counters?: HitCounters;
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
