// Rows as both adapters store them, turned back into domain values with the shared schemas.
import { Alert, canonicalReport, Report, Role, type StoredReport } from '../../shared/schemas.ts';
import type { PhoneRecord, TokenRecord } from './store.ts';
import { z } from 'zod';

/**
 * A report's content as stored and compared for duplicates: the fields the client sent (canonical:
 * lower-case id, one spelling per instant) in a fixed key order, without what the server added.
 * Two posts of the same report from a retrying client give the same string.
 */
export function reportContent(report: StoredReport): string {
  const { receivedAt: _received, exercise: _exercise, ...content } = canonicalReport(report);
  return JSON.stringify(sortedKeys(content));
}

/**
 * The same value with every object's keys in order, at every depth. A replacer array in
 * JSON.stringify would not do: it filters the keys of nested objects too, so the `to` and
 * `persons` of a report's destinations would be stored as `{}`. Arrays keep their order.
 */
function sortedKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortedKeys);
  if (value === null || typeof value !== 'object') return value;
  const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return Object.fromEntries(entries.map(([k, v]) => [k, sortedKeys(v)]));
}

/**
 * Whether stored content and new content are the same report. Rows written before reports were
 * made canonical may spell an instant differently: those are compared after parsing.
 */
export function sameContent(stored: string, content: string): boolean {
  if (stored === content) return true;
  const parsed = Report.safeParse(JSON.parse(stored));
  return parsed.success && reportContent({ ...parsed.data, receivedAt: '' }) === content;
}

/**
 * A report as the log holds it: the content, parsed with the shared schema (a row that does not
 * parse is a bug or a tampered database, and fails loudly), plus what the server added.
 */
export function storedReport(content: string, receivedAt: string, exercise: boolean): StoredReport {
  const report: StoredReport = { ...Report.parse(JSON.parse(content)), receivedAt };
  if (exercise) report.exercise = true;
  return report;
}

/**
 * A report as a replay of the whole log reads it, at start-up: the same as storedReport but without
 * the schema. Every row was parsed with the schema before it was written, and parsing a million of
 * them again costs 3.2 s (3.2 µs each, against 0.8 µs for JSON.parse alone; measured with zod 4.6 on
 * the development machine), which would double the time to start. Every other read parses.
 */
export function replayedReport(content: string, receivedAt: string, exercise: boolean): StoredReport {
  const report = JSON.parse(content) as StoredReport;
  report.receivedAt = receivedAt;
  if (exercise) report.exercise = true;
  return report;
}

/** An alert row's body. */
export function alertFromBody(body: string): Alert {
  return Alert.parse(JSON.parse(body));
}

/** A tokens table row, as both adapters store it (sites as JSON text). */
export interface TokenRow {
  id: string;
  hash: string;
  role: string;
  sites: string;
  label: string;
  created_at: string;
  revoked_at: string | null;
  exercise: boolean | number;
  expires_at: string | null;
  last_used_at: string | null;
}

const TokenSites = z.array(z.string());

export function tokenFromRow(row: TokenRow): TokenRecord {
  return {
    id: row.id,
    hash: row.hash,
    role: Role.parse(row.role),
    sites: TokenSites.parse(JSON.parse(row.sites)),
    label: row.label,
    createdAt: row.created_at,
    ...(row.revoked_at ? { revokedAt: row.revoked_at } : {}),
    ...(row.exercise ? { exercise: true } : {}),
    ...(row.expires_at ? { expiresAt: row.expires_at } : {}),
    ...(row.last_used_at ? { lastUsedAt: row.last_used_at } : {}),
  };
}

export interface PhoneJoinRow extends TokenRow {
  phone_id: string;
  phone_hash: string;
  masked: string;
  phone_label: string;
  phone_created_at: string;
}

/** Phones are read joined with their token: the columns of both, the phone's prefixed. */
export const PHONE_JOIN_SQL = `SELECT p.id AS phone_id, p.hash AS phone_hash, p.masked, p.label AS phone_label,
  p.created_at AS phone_created_at, t.* FROM phones p JOIN tokens t ON t.id = p.token_id`;

export function phoneFromRow(row: PhoneJoinRow): { phone: PhoneRecord; token: TokenRecord } {
  return {
    phone: { id: row.phone_id, hash: row.phone_hash, masked: row.masked, tokenId: row.id, label: row.phone_label, createdAt: row.phone_created_at },
    token: tokenFromRow(row),
  };
}
