// The queue's rules, table by table: backoff, Retry-After, batches, answers and what they do to each report.
import { describe, expect, it } from 'vitest';
import type { Report } from '../../../shared/schemas.ts';
import {
  applyOutcome,
  backoffDelay,
  BACKOFF_CAP_MS,
  classifyAnswer,
  countByState,
  INITIAL_SENDER,
  newItem,
  parseRetryAfter,
  pickBatch,
  prunableIds,
  requeue,
  RETRY_AFTER_CAP_MS,
  SENT_HISTORY_LIMIT,
  SENT_HISTORY_MS,
  wakeUp,
  type Answer,
  type Outcome,
  type QueueItem,
  type SenderState,
} from './queue.ts';

const NOW = Date.parse('2026-11-28T12:00:00Z');
const ID = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

function report(n: number, arrivals = 100): Report {
  return { id: ID(n), siteId: 'ibrahim-khalil', observedAt: '2026-11-28T11:00:00Z', kind: 'arrivals', arrivals, periodMinutes: 60 };
}

function item(n: number, patch: Partial<QueueItem> = {}): QueueItem {
  return { ...newItem(report(n), NOW - 1000 * (100 - n)), ...patch };
}

const fixed = (value: number) => () => value;

describe('backoffDelay', () => {
  it.each([
    // failures, random, expected ms: half the window fixed, half jittered, doubling up to the cap
    [0, 0.5, 0],
    [1, 0, 1_000],
    [1, 1, 2_000],
    [2, 0, 2_000],
    [2, 0.5, 3_000],
    [3, 1, 8_000],
    [8, 1, 256_000],
    [9, 0, BACKOFF_CAP_MS / 2],
    [9, 1, BACKOFF_CAP_MS],
    [60, 1, BACKOFF_CAP_MS],
  ])('after %i failures with random %f waits %i ms', (failures, random, expected) => {
    expect(backoffDelay(failures, fixed(random))).toBe(expected);
  });
});

describe('parseRetryAfter', () => {
  it.each([
    [null, undefined],
    ['', undefined],
    ['soon', undefined],
    ['5', 5_000],
    [' 120 ', 120_000],
    ['0', 0],
    ['999999', RETRY_AFTER_CAP_MS],
    ['Sat, 28 Nov 2026 12:00:30 GMT', 30_000],
    ['Sat, 28 Nov 2026 11:00:00 GMT', 0],
  ])('reads %j as %j ms', (header, expected) => {
    expect(parseRetryAfter(header, NOW)).toBe(expected);
  });
});

describe('pickBatch', () => {
  const queued = [item(3), item(1), item(2)];
  it.each<[string, QueueItem[], SenderState, number, string[]]>([
    ['the queued reports, oldest first', queued, INITIAL_SENDER, 500, [ID(1), ID(2), ID(3)]],
    ['at most the batch size', queued, INITIAL_SENDER, 2, [ID(1), ID(2)]],
    ['nothing during a backoff', queued, { ...INITIAL_SENDER, nextAttemptAt: NOW + 1 }, 500, []],
    ['nothing before Retry-After', queued, { ...INITIAL_SENDER, notBefore: NOW + 1 }, 500, []],
    ['again once the backoff is over', queued, { ...INITIAL_SENDER, nextAttemptAt: NOW, notBefore: NOW - 5 }, 500, [ID(1), ID(2), ID(3)]],
    ['neither sent nor refused reports', [item(1, { state: 'sent' }), item(2, { state: 'needs_attention' }), item(3)], INITIAL_SENDER, 500, [ID(3)]],
    ['a report marked solo alone', [item(1), item(2, { solo: true }), item(3, { solo: true })], INITIAL_SENDER, 500, [ID(2)]],
    ['nothing from an empty queue', [], INITIAL_SENDER, 500, []],
  ])('sends %s', (_name, items, sender, max, expected) => {
    expect(pickBatch(items, sender, NOW, max).map((r) => r.id)).toEqual(expected);
  });
});

describe('classifyAnswer', () => {
  const batch = [ID(1), ID(2), ID(3)];
  const error = (status: number, code: string, message: string, details?: unknown, retryAfter?: string): Answer => ({
    status,
    body: { error: { code, message, ...(details !== undefined ? { details } : {}) } },
    retryAfter,
  });
  it.each<[string, Answer, readonly string[], Outcome]>([
    ['201 as stored', { status: 201, body: { accepted: [ID(1)], duplicate: [ID(2), ID(3)] } }, batch, { kind: 'stored', accepted: [ID(1)], duplicate: [ID(2), ID(3)] }],
    [
      "201 with the server's overlap warnings",
      { status: 201, body: { accepted: [ID(1), ID(2)], duplicate: [], warnings: [{ reportId: ID(2), code: 'overlap', earlier: { arrivals: 250 } }, { reportId: ID(1), code: 'other' }] } },
      batch,
      { kind: 'stored', accepted: [ID(1), ID(2)], duplicate: [], overlapping: [ID(2)] },
    ],
    ['201 with unreadable warnings as stored', { status: 201, body: { accepted: [ID(1)], duplicate: [], warnings: 'x' } }, batch, { kind: 'stored', accepted: [ID(1)], duplicate: [] }],
    ['an unreadable 201 as a lost answer', { status: 201, body: 'ok' }, batch, { kind: 'retry', message: 'The server’s answer could not be read.' }],
    ['no connection as retry', { networkError: 'No connection to the server.' }, batch, { kind: 'retry', message: 'No connection to the server.' }],
    ['408 as retry', error(408, 'timeout', 'Too slow.'), batch, { kind: 'retry', message: 'Too slow.', retryAfterMs: undefined }],
    ['429 as retry after its Retry-After', error(429, 'rate_limited', 'Slow down.', undefined, '30'), batch, { kind: 'retry', message: 'Slow down.', retryAfterMs: 30_000 }],
    ['503 as retry', error(503, 'unavailable', 'Database down.', undefined, '5'), batch, { kind: 'retry', message: 'Database down.', retryAfterMs: 5_000 }],
    ['a 502 from a proxy, not JSON, as retry', { status: 502, body: undefined }, batch, { kind: 'retry', message: 'The server answered 502.', retryAfterMs: undefined }],
    ['401 as a blocked token', error(401, 'unauthorized', 'This token is unknown or has been revoked.'), batch, { kind: 'blocked', message: 'This token is unknown or has been revoked.' }],
    ['403 naming no report as a blocked token', error(403, 'forbidden', 'The viewer role may not do this.'), batch, { kind: 'blocked', message: 'The viewer role may not do this.' }],
    [
      '403 naming a report as that report refused',
      error(403, 'forbidden', 'Not allowed.', [{ field: 'reports[1].siteId', message: 'this token may not report for site "x"' }]),
      batch,
      { kind: 'refused', problems: { [ID(2)]: 'siteId: this token may not report for site "x"' }, isolate: false },
    ],
    [
      '422 naming two reports, one twice',
      error(422, 'unprocessable', 'Cannot accept.', [
        { field: 'reports[0].observedAt', message: 'is more than 5 minutes in the future' },
        { field: 'reports[2].kind', message: 'wrong kind' },
        { field: 'reports[2].observedAt', message: 'is more than 5 minutes in the future' },
      ]),
      batch,
      {
        kind: 'refused',
        problems: { [ID(1)]: 'observedAt: is more than 5 minutes in the future', [ID(3)]: 'kind: wrong kind; observedAt: is more than 5 minutes in the future' },
        isolate: false,
      },
    ],
    ['409 by its ids', error(409, 'conflict', 'Reused id.', { ids: [ID(3)] }), batch, { kind: 'refused', problems: { [ID(3)]: 'this id was used before with different content' }, isolate: false }],
    ['a 400 naming no report in a batch: send each alone', error(400, 'invalid', 'Bad batch.', [{ field: 'reports', message: 'too big' }]), batch, { kind: 'refused', problems: {}, isolate: true }],
    ['a 413 for a lone report as that report refused', error(413, 'too_large', 'Too large.'), [ID(2)], { kind: 'refused', problems: { [ID(2)]: 'Too large.' }, isolate: false }],
    ['details naming an index outside the batch as naming nothing', error(422, 'unprocessable', 'Cannot accept.', [{ field: 'reports[7].kind', message: 'x' }]), batch, { kind: 'refused', problems: {}, isolate: true }],
  ])('reads %s', (_name, answer, ids, expected) => {
    expect(classifyAnswer(answer, ids, NOW)).toEqual(expected);
  });
});

describe('applyOutcome', () => {
  const items = [item(1), item(2), item(3, { solo: true }), item(4, { state: 'sent', sentAt: NOW - 5 })];
  const batch = [ID(1), ID(2), ID(3)];
  const stateOf = (changed: QueueItem[]) => Object.fromEntries(changed.map((i) => [i.report.id, i.state]));

  it('marks accepted and duplicate reports sent, keeps unmentioned ones queued, and records the success', () => {
    const { changed, sender } = applyOutcome(items, { ...INITIAL_SENDER, failures: 4, nextAttemptAt: NOW - 1 }, batch, { kind: 'stored', accepted: [ID(1)], duplicate: [ID(3)] }, NOW, fixed(0.5));
    expect(stateOf(changed)).toEqual({ [ID(1)]: 'sent', [ID(2)]: 'queued', [ID(3)]: 'sent' });
    expect(changed.find((i) => i.report.id === ID(3))).toMatchObject({ duplicate: true, sentAt: NOW, solo: undefined });
    expect(changed.find((i) => i.report.id === ID(1))).toMatchObject({ duplicate: false, attempts: 1 });
    expect(changed.find((i) => i.report.id === ID(2))?.lastError).toMatch(/not confirm/);
    // The one left out is retried after a backoff, not at once: a server that keeps leaving it out cannot spin the phone.
    expect(sender).toEqual({ failures: 5, nextAttemptAt: NOW + 24_000, notBefore: 0, lastSuccessAt: NOW, lastAttemptAt: NOW, lastError: undefined, blocked: undefined });
  });

  it("marks a report the server warned about as sent, with the warning", () => {
    const { changed } = applyOutcome(items, INITIAL_SENDER, batch, { kind: 'stored', accepted: [ID(1), ID(2)], duplicate: [ID(3)], overlapping: [ID(2)] }, NOW, fixed(0.5));
    expect(changed.find((i) => i.report.id === ID(2))).toMatchObject({ state: 'sent', serverOverlap: true });
    expect(changed.find((i) => i.report.id === ID(1))?.serverOverlap).toBeUndefined();
  });

  it('clears the backoff when every report of the batch is confirmed', () => {
    const { changed, sender } = applyOutcome(items, { ...INITIAL_SENDER, failures: 4, notBefore: NOW - 9 }, batch, { kind: 'stored', accepted: [ID(1), ID(2)], duplicate: [ID(3)] }, NOW, fixed(0.5));
    expect(changed.every((i) => i.state === 'sent')).toBe(true);
    expect(sender).toEqual({ failures: 0, nextAttemptAt: NOW, notBefore: 0, lastSuccessAt: NOW, lastAttemptAt: NOW, lastError: undefined, blocked: undefined });
  });

  it.each<[string, Outcome, SenderState, Partial<SenderState>]>([
    ['the first failure waits 1 to 2 s', { kind: 'retry', message: 'offline' }, INITIAL_SENDER, { failures: 1, nextAttemptAt: NOW + 1_500, notBefore: 0 }],
    ['the fourth waits 8 to 16 s', { kind: 'retry', message: 'offline' }, { ...INITIAL_SENDER, failures: 3 }, { failures: 4, nextAttemptAt: NOW + 12_000 }],
    ['Retry-After longer than the backoff wins', { kind: 'retry', message: 'busy', retryAfterMs: 60_000 }, INITIAL_SENDER, { nextAttemptAt: NOW + 60_000, notBefore: NOW + 60_000 }],
    ['a backoff longer than Retry-After wins', { kind: 'retry', message: 'busy', retryAfterMs: 1_000 }, { ...INITIAL_SENDER, failures: 5 }, { nextAttemptAt: NOW + 48_000, notBefore: NOW + 1_000 }],
    ['a blocked token backs off and says why', { kind: 'blocked', message: 'revoked' }, INITIAL_SENDER, { failures: 1, nextAttemptAt: NOW + 1_500, blocked: 'revoked', lastError: 'revoked' }],
  ])('on failure: %s, and keeps every report queued', (_name, outcome, before, expected) => {
    const { changed, sender } = applyOutcome(items, before, batch, outcome, NOW, fixed(0.5));
    expect(sender).toMatchObject({ ...expected, lastAttemptAt: NOW });
    expect(stateOf(changed)).toEqual({ [ID(1)]: 'queued', [ID(2)]: 'queued', [ID(3)]: 'queued' });
    expect(changed.every((i) => i.attempts === 1 && i.lastError === (outcome as { message: string }).message)).toBe(true);
  });

  it('moves only the named report to needs attention, and the rest go out at once', () => {
    const { changed, sender } = applyOutcome(items, { ...INITIAL_SENDER, failures: 2, nextAttemptAt: NOW + 9 }, batch, { kind: 'refused', problems: { [ID(2)]: 'kind: wrong' }, isolate: false }, NOW, fixed(0.5));
    expect(stateOf(changed)).toEqual({ [ID(1)]: 'queued', [ID(2)]: 'needs_attention', [ID(3)]: 'queued' });
    expect(changed.find((i) => i.report.id === ID(2))?.lastError).toBe('kind: wrong');
    expect(sender).toMatchObject({ failures: 0, nextAttemptAt: NOW });
    expect(pickBatch([...changed!, items[3]!], sender, NOW).map((r) => r.id)).toEqual([ID(3)]);
  });

  it('isolates every report of a batch refused without a name', () => {
    const { changed } = applyOutcome(items, INITIAL_SENDER, batch, { kind: 'refused', problems: {}, isolate: true }, NOW, fixed(0.5));
    expect(changed.every((i) => i.state === 'queued' && i.solo)).toBe(true);
  });

  it('never touches a report outside the batch or one no longer queued', () => {
    const { changed } = applyOutcome(items, INITIAL_SENDER, [ID(1), ID(4)], { kind: 'stored', accepted: [ID(1), ID(4)], duplicate: [] }, NOW, fixed(0.5));
    expect(changed.map((i) => i.report.id)).toEqual([ID(1)]);
  });
});

describe('small transitions', () => {
  it('wakeUp ends a backoff but not a Retry-After', () => {
    expect(wakeUp({ ...INITIAL_SENDER, nextAttemptAt: NOW + 60_000, notBefore: NOW + 30_000 }, NOW)).toMatchObject({ nextAttemptAt: NOW, notBefore: NOW + 30_000 });
  });

  it('requeue sends a refused report again, alone', () => {
    expect(requeue(item(1, { state: 'needs_attention', lastError: 'x' }))).toMatchObject({ state: 'queued', solo: true, lastError: 'x' });
  });

  it('prunes only sent reports beyond the limit or too old', () => {
    const sent = Array.from({ length: SENT_HISTORY_LIMIT + 2 }, (_, n) => item(n + 10, { state: 'sent', sentAt: NOW - n * 1000 }));
    const old = item(1, { state: 'sent', sentAt: NOW - SENT_HISTORY_MS - 1 });
    const waiting = item(2, { queuedAt: NOW - 2 * SENT_HISTORY_MS });
    const refused = item(3, { state: 'needs_attention', queuedAt: NOW - 2 * SENT_HISTORY_MS });
    const pruned = prunableIds([...sent, old, waiting, refused], NOW);
    expect(pruned.sort()).toEqual([ID(1), sent[SENT_HISTORY_LIMIT]!.report.id, sent[SENT_HISTORY_LIMIT + 1]!.report.id].sort());
  });

  it('counts reports by state', () => {
    expect(countByState([item(1), item(2), item(3, { state: 'sent' }), item(4, { state: 'needs_attention' })])).toEqual({ queued: 2, sent: 1, needsAttention: 1 });
  });

  it('newItem refuses a report the server would refuse', () => {
    expect(() => newItem({ ...report(1), arrivals: -1 } as Report, NOW)).toThrow();
  });
});
