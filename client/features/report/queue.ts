// The offline queue's rules, pure: time and randomness are arguments, storage and the network live elsewhere.
import { z } from 'zod';
import { ErrorBody, MAX_BATCH, PostReportsAnswer, Report } from '../../../shared/schemas.ts';

/** First retry after about this long; each failure doubles it. */
export const BACKOFF_BASE_MS = 2_000;
/** No wait between tries grows beyond this: a lead who walks back into coverage should not wait long. */
export const BACKOFF_CAP_MS = 5 * 60_000;
/** A Retry-After longer than this is read as this: a broken header must not park the queue for days. */
export const RETRY_AFTER_CAP_MS = 60 * 60_000;
/** Sent reports kept on the device: the lead's history and the guard rails' memory of recent values. */
export const SENT_HISTORY_LIMIT = 200;
export const SENT_HISTORY_MS = 30 * 24 * 60 * 60_000;

export const ItemState = z.enum(['queued', 'sent', 'needs_attention']);
export type ItemState = z.infer<typeof ItemState>;

/** One report on the device, with where it stands. Times are epoch milliseconds. */
export const QueueItem = z.object({
  report: Report,
  state: ItemState,
  queuedAt: z.number(),
  attempts: z.number().int().min(0),
  /** the server's or the network's last word on this report */
  lastError: z.string().optional(),
  sentAt: z.number().optional(),
  /** the server already had it: an earlier answer was lost on the way back */
  duplicate: z.boolean().optional(),
  /** send alone: a batch it was in was refused without saying which report was at fault */
  solo: z.boolean().optional(),
  /** stored, but the server warned that its period overlaps an earlier report of the site */
  serverOverlap: z.boolean().optional(),
});
export type QueueItem = z.infer<typeof QueueItem>;

/** The sender's memory across reloads: backoff, the server's Retry-After, and the last success. */
export const SenderState = z.object({
  failures: z.number().int().min(0),
  /** no automatic try before this (backoff); coming back online clears it */
  nextAttemptAt: z.number(),
  /** no try at all before this: the server's Retry-After, which coming online does not clear */
  notBefore: z.number(),
  lastSuccessAt: z.number().optional(),
  lastAttemptAt: z.number().optional(),
  lastError: z.string().optional(),
  /** the server refuses the device's token itself: reports wait, queued, for a new link */
  blocked: z.string().optional(),
});
export type SenderState = z.infer<typeof SenderState>;

export const INITIAL_SENDER: SenderState = { failures: 0, nextAttemptAt: 0, notBefore: 0 };

export function newItem(report: Report, now: number): QueueItem {
  return { report: Report.parse(report), state: 'queued', queuedAt: now, attempts: 0 };
}

/**
 * Exponential backoff with "equal jitter": half the window fixed, half random, so that phones that
 * lost the network together do not all come back in the same second, yet none retries at once.
 */
export function backoffDelay(failures: number, random: () => number, baseMs = BACKOFF_BASE_MS, capMs = BACKOFF_CAP_MS): number {
  if (failures <= 0) return 0;
  const window = Math.min(capMs, baseMs * 2 ** Math.min(failures - 1, 30));
  return Math.round(window / 2 + random() * (window / 2));
}

/** Retry-After in seconds or as an HTTP date, as milliseconds from `now`; undefined when absent or unreadable. */
export function parseRetryAfter(header: string | null | undefined, now: number): number | undefined {
  if (!header) return undefined;
  const trimmed = header.trim();
  let ms: number;
  if (/^\d+$/.test(trimmed)) ms = Number(trimmed) * 1000;
  else {
    const at = Date.parse(trimmed);
    if (!Number.isFinite(at)) return undefined;
    ms = at - now;
  }
  return Math.min(Math.max(ms, 0), RETRY_AFTER_CAP_MS);
}

/** The reports to send now, oldest first; none while waiting out a backoff or Retry-After. */
export function pickBatch(items: readonly QueueItem[], sender: SenderState, now: number, max = MAX_BATCH): Report[] {
  if (now < sender.notBefore || now < sender.nextAttemptAt) return [];
  const queued = items.filter((i) => i.state === 'queued').sort((a, b) => a.queuedAt - b.queuedAt);
  const solo = queued.find((i) => i.solo);
  if (solo) return [solo.report];
  return queued.slice(0, max).map((i) => i.report);
}

/** What came back from one POST, before interpretation. */
export type Answer = { status: number; body: unknown; retryAfter?: string | null } | { networkError: string };

/** What an answer means for the batch that was sent. */
export type Outcome =
  | { kind: 'stored'; accepted: string[]; duplicate: string[]; overlapping?: string[] }
  | { kind: 'retry'; message: string; retryAfterMs?: number }
  | { kind: 'blocked'; message: string }
  | { kind: 'refused'; problems: Record<string, string>; isolate: boolean };

/**
 * The server may add `warnings: [{ reportId, code: 'overlap', … }]` to a 201: stored, but its period
 * overlaps an earlier report of the site. Read loosely: an answer without them, or with other codes,
 * is as good as before.
 */
const ServerWarnings = z.array(z.object({ reportId: z.string(), code: z.string() }).loose());
const FieldDetails = z.array(z.object({ field: z.string(), message: z.string() }));
const ConflictDetails = z.object({ ids: z.array(z.string()) });

/** Reads the server's answer to a batch of `batchIds` (sent as `{ reports: [...] }`, in that order). */
export function classifyAnswer(answer: Answer, batchIds: readonly string[], now: number): Outcome {
  if ('networkError' in answer) return { kind: 'retry', message: answer.networkError };
  const { status } = answer;
  const error = ErrorBody.safeParse(answer.body);
  const message = error.success ? error.data.error.message : `The server answered ${status}.`;
  if (status === 201 || status === 200) {
    // warnings are read on their own below: one the form cannot read must not hide that the reports are stored
    const stored = PostReportsAnswer.omit({ warnings: true }).safeParse(answer.body);
    // A 2xx we cannot read may still mean stored: sending again is safe, the server answers duplicate.
    if (!stored.success) return { kind: 'retry', message: 'The server’s answer could not be read.' };
    const warnings = ServerWarnings.safeParse((answer.body as { warnings?: unknown }).warnings);
    const overlapping = warnings.success ? warnings.data.filter((w) => w.code === 'overlap').map((w) => w.reportId) : [];
    return { kind: 'stored', accepted: stored.data.accepted, duplicate: stored.data.duplicate, ...(overlapping.length ? { overlapping } : {}) };
  }
  if (status === 408 || status === 429 || status >= 500 || status < 400) {
    return { kind: 'retry', message, retryAfterMs: parseRetryAfter(answer.retryAfter, now) };
  }
  const problems = error.success ? problemsByReport(error.data.error.details, batchIds) : {};
  const named = Object.keys(problems).length > 0;
  // 401, or 403 naming no report: the token is the problem, not the reports; they wait for a new link.
  if (status === 401 || (status === 403 && !named)) return { kind: 'blocked', message };
  if (named) return { kind: 'refused', problems, isolate: false };
  if (batchIds.length === 1) return { kind: 'refused', problems: { [batchIds[0]!]: message }, isolate: false };
  // Refused without naming a report: send each alone so the faulty one is found and the rest go through.
  return { kind: 'refused', problems: {}, isolate: true };
}

/** Maps `reports[3].observedAt: is in the future` and 409's `{ ids }` to the reports they name. */
function problemsByReport(details: unknown, batchIds: readonly string[]): Record<string, string> {
  const problems: Record<string, string> = {};
  const add = (id: string | undefined, text: string) => {
    if (!id || !batchIds.includes(id)) return;
    problems[id] = problems[id] ? `${problems[id]}; ${text}` : text;
  };
  const fields = FieldDetails.safeParse(details);
  if (fields.success) {
    for (const { field, message } of fields.data) {
      const match = /^reports\[(\d+)\]\.?(.*)$/.exec(field);
      if (match) add(batchIds[Number(match[1])], match[2] ? `${match[2]}: ${message}` : message);
    }
  }
  const conflict = ConflictDetails.safeParse(details);
  if (conflict.success) {
    for (const id of conflict.data.ids) add(id, 'this id was used before with different content');
  }
  return problems;
}

export interface Applied {
  /** the items whose record changed, to be written back */
  changed: QueueItem[];
  sender: SenderState;
}

/** The new state of the batch's items and of the sender after an outcome. Nothing leaves the queue here. */
export function applyOutcome(
  items: readonly QueueItem[],
  sender: SenderState,
  batchIds: readonly string[],
  outcome: Outcome,
  now: number,
  random: () => number,
): Applied {
  const inBatch = new Set(batchIds);
  const batch = items.filter((i) => inBatch.has(i.report.id) && i.state === 'queued');
  const attempted = { ...sender, lastAttemptAt: now };
  switch (outcome.kind) {
    case 'stored': {
      const accepted = new Set(outcome.accepted);
      const duplicate = new Set(outcome.duplicate);
      const overlapping = new Set(outcome.overlapping);
      const changed = batch.map((item): QueueItem => {
        const id = item.report.id;
        if (accepted.has(id) || duplicate.has(id)) {
          const sent: QueueItem = { ...item, state: 'sent', sentAt: now, attempts: item.attempts + 1, duplicate: duplicate.has(id), lastError: undefined, solo: undefined };
          return overlapping.has(id) ? { ...sent, serverOverlap: true } : sent;
        }
        // The server did not mention it: keep it queued and send it again; a repeat is answered as duplicate.
        return { ...item, attempts: item.attempts + 1, lastError: 'The server did not confirm this report; it will be sent again.' };
      });
      // Reports the answer left out are retried after a backoff, never in a tight loop.
      const unconfirmed = changed.some((i) => i.state === 'queued');
      const failures = unconfirmed ? sender.failures + 1 : 0;
      return {
        changed,
        sender: {
          ...attempted,
          failures,
          nextAttemptAt: now + backoffDelay(failures, random),
          notBefore: 0,
          lastSuccessAt: now,
          lastError: undefined,
          blocked: undefined,
        },
      };
    }
    case 'retry':
    case 'blocked': {
      const failures = sender.failures + 1;
      const retryAfter = outcome.kind === 'retry' ? outcome.retryAfterMs : undefined;
      const wait = Math.max(backoffDelay(failures, random), retryAfter ?? 0);
      const changed = batch.map((item) => ({ ...item, attempts: item.attempts + 1, lastError: outcome.message }));
      return {
        changed,
        sender: {
          ...attempted,
          failures,
          nextAttemptAt: now + wait,
          notBefore: retryAfter !== undefined ? now + retryAfter : sender.notBefore,
          lastError: outcome.message,
          blocked: outcome.kind === 'blocked' ? outcome.message : undefined,
        },
      };
    }
    case 'refused': {
      const changed = batch.map((item): QueueItem => {
        const problem = outcome.problems[item.report.id];
        if (problem !== undefined) {
          return { ...item, state: 'needs_attention', attempts: item.attempts + 1, lastError: problem, solo: undefined };
        }
        return outcome.isolate ? { ...item, solo: true } : item;
      });
      // A refusal is an answer: the network works, so the rest go out at once.
      return { changed, sender: { ...attempted, failures: 0, nextAttemptAt: now, lastError: undefined, blocked: undefined } };
    }
  }
}

/** Coming back online (or the lead pressing "send now") ends the backoff, but not the server's Retry-After. */
export function wakeUp(sender: SenderState, now: number): SenderState {
  return { ...sender, nextAttemptAt: Math.min(sender.nextAttemptAt, now) };
}

/** A report the lead sends again after reading the server's message: alone, so it cannot hold back others. */
export function requeue(item: QueueItem): QueueItem {
  return { ...item, state: 'queued', solo: true };
}

/** Sent reports beyond the history the device keeps; queued and refused ones are never pruned. */
export function prunableIds(items: readonly QueueItem[], now: number): string[] {
  const sent = items.filter((i) => i.state === 'sent').sort((a, b) => (b.sentAt ?? 0) - (a.sentAt ?? 0));
  return sent.filter((item, index) => index >= SENT_HISTORY_LIMIT || now - (item.sentAt ?? 0) > SENT_HISTORY_MS).map((i) => i.report.id);
}

export interface QueueCounts {
  queued: number;
  sent: number;
  needsAttention: number;
}

export function countByState(items: readonly QueueItem[]): QueueCounts {
  const counts: QueueCounts = { queued: 0, sent: 0, needsAttention: 0 };
  for (const item of items) {
    if (item.state === 'queued') counts.queued++;
    else if (item.state === 'sent') counts.sent++;
    else counts.needsAttention++;
  }
  return counts;
}
