// The picture at a past moment equals the live picture the server showed at that moment: reports
// received later (late ones included) are not in it, and every alert stands as it stood then.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Snapshot } from '../shared/schemas.ts';
import { ADMIN_TOKEN, manualClock, startServer, type Answer, type Running } from './testing/harness.ts';
import { pastDayBatch } from './testing/pastDay.ts';

const START = Date.parse('2026-11-27T06:00:00Z');
const HOUR = 3_600_000;
const clock = manualClock(new Date(START).toISOString());
let server: Running;
/** The live snapshot the server gave at each of these instants. */
const seen = new Map<string, Snapshot>();

const live = async (): Promise<Snapshot> => (await server.request('GET', '/api/snapshot', ADMIN_TOKEN)).body as Snapshot;
const past = async (at: string, query = ''): Promise<{ status: number; body: Answer }> => server.request('GET', `/api/snapshot?at=${at}${query}`, ADMIN_TOKEN);
const report = (siteId: string, fields: Record<string, unknown>, observedMs = clock.now()) => ({
  id: randomUUID(),
  siteId,
  observedAt: new Date(observedMs).toISOString(),
  ...fields,
});

beforeAll(async () => {
  server = await startServer({ clock });
  const analyst = await server.tokenFor('analyst');
  // A simulated day: a surge builds at Ibrahim Khalil, Domiz 1 fills, a clinic closes and reopens,
  // Rabia reports once and falls silent, and one report arrives three hours late.
  for (let hour = 0; hour < 24; hour++) {
    clock.set(new Date(START + hour * HOUR + 17 * 60_000).toISOString());
    const batch = pastDayBatch(hour, START, report);
    expect((await server.request('POST', '/api/reports', ADMIN_TOKEN, { reports: batch })).status).toBe(201);
    await server.app.live.tick();
    if (hour === 13) {
      const surge = (await live()).alerts.find((a) => a.rule === 'checkpoint_surge')!;
      expect((await server.request('POST', `/api/alerts/${surge.id}/ack`, analyst, { note: 'buses sent' })).status).toBe(200);
    }
    if ([1, 5, 9, 14, 23].includes(hour)) {
      const snapshot = await live();
      seen.set(snapshot.at, snapshot);
    }
  }
});
afterAll(async () => {
  await server.stop();
});

const comparable = ({ seq: _seq, historic: _historic, ...rest }: Snapshot) => rest;

describe('GET /api/snapshot?at=', () => {
  it('gives, at five instants of a day, exactly the picture the server showed live then, alerts and acknowledgements included', async () => {
    expect(seen.size).toBe(5);
    for (const [at, then] of seen) {
      const answer = await past(at);
      expect(answer.status).toBe(200);
      expect(answer.body.historic).toBe(true);
      expect(comparable(answer.body), at).toEqual(comparable(then));
    }
    // the states along the way, so that the comparison above compared something
    const states = [...seen.values()].map((s) => s.alerts.map((a) => `${a.rule}:${a.state}`).sort().join(' '));
    expect(states.some((s) => s.includes('checkpoint_surge:acknowledged'))).toBe(true);
    expect(states.some((s) => s.includes('health_post_down:active'))).toBe(true);
    expect(states.some((s) => s.includes('site_silent:active'))).toBe(true);
  });

  it('leaves out a report received after the moment, though it was observed before it', async () => {
    // 11:30: the late Peshkhabour report (observed 09:30) was not yet received
    const before = (await past('2026-11-27T11:30:00Z')).body as Snapshot;
    expect(before.sites.find((s) => s.id === 'peshkhabour')?.arrivals24h).toBe(0);
    const after = (await past('2026-11-27T12:30:00Z')).body as Snapshot;
    expect(after.sites.find((s) => s.id === 'peshkhabour')?.arrivals24h).toBe(900);
  });

  it('answers an empty picture before the first report, and the exercise world with ?exercise=only', async () => {
    const empty = (await past('2026-01-01T00:00:00Z')).body as Snapshot;
    expect(empty.national.arrivals24h).toBe(0);
    expect(empty.alerts).toEqual([]);
    expect(empty.sites.every((s) => s.lastReportAt === null)).toBe(true);
    const drill = await past('2026-11-27T12:30:00Z', '&exercise=only');
    expect(drill.body).toMatchObject({ world: 'exercise', alerts: [] });
  });

  it.each([
    ['yesterday', 'at'],
    ['2026-11-29T10:00:00Z', 'at'],
    ['2026-02-30T10:00:00Z', 'at'],
  ])('refuses at=%s with 400 naming %s, and writes nothing', async (at, field) => {
    const writes = async () => ((await server.request('GET', '/api/audit?limit=1000', ADMIN_TOKEN)).body as unknown[]).length;
    const before = await writes();
    const answer = await past(at);
    expect(answer.status).toBe(400);
    expect(answer.body.error.details[0].field).toBe(field);
    expect(await writes()).toBe(before);
  });
});
