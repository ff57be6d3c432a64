// The picture at a past moment against the reference model, on SQLite and PostgreSQL: a simulated day
// of reports is posted to the real server and to the model side by side, an analyst acknowledges an
// alert at a known time, and at five instants the model's picture and open alerts are written down.
// After the day, `GET /api/snapshot?at=` for each instant must give exactly what the model said then:
// sites, rollups, forecasts, and every open alert with its acknowledgement as it stood.
import fs from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { Thresholds, type Alert, type Report, type Snapshot } from '../shared/schemas.ts';
import { isoSeconds } from '../shared/time.ts';
import { loadFixtures } from './fixtures.ts';
import { openPostgresStore } from './storage/postgres/postgresStore.ts';
import { createTestDatabase } from './storage/postgresTestDatabase.ts';
import { ADMIN_TOKEN, manualClock, startServer, tempDataDir, type Running } from './testing/harness.ts';
import { pastDayBatch } from './testing/pastDay.ts';
import { alertKey, ReferenceModel, type ModelAlert, type ModelPicture } from './testing/referenceModel.ts';

const fixtures = loadFixtures(path.resolve(import.meta.dirname, '..', 'fixtures'));
const START = Date.parse('2026-11-27T06:00:00Z');
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
/** The acknowledgement's known time: 19:41 on the simulated day. */
const ACK_AT = START + 13 * HOUR + 41 * MINUTE;
/** The five instants, each between posts: before the surge, during it, just after the ack, late, the end. */
const INSTANTS = [1, 5, 13.75, 17.5, 23.9].map((h) => START + h * HOUR);

const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
});

/** The fields of an alert the model knows (ids are random, messages are wording), keyed by rule and subject. */
function alertsByKey(alerts: readonly (Alert | ModelAlert)[]) {
  return Object.fromEntries(
    alerts.map((a) => [
      alertKey({ world: 'real', rule: a.rule, siteId: a.siteId, governorate: a.governorate }),
      {
        rule: a.rule,
        severity: a.severity,
        value: a.value,
        threshold: a.threshold,
        state: a.state,
        raisedAt: a.raisedAt,
        acknowledgedAt: a.acknowledgedAt,
        acknowledgedBy: a.acknowledgedBy,
        note: a.note,
      },
    ]),
  );
}

const byId = <T extends { id: string }>(xs: readonly T[]) => Object.fromEntries(xs.map((x) => [x.id, x]));
const byPcode = <T extends { pcode: string }>(xs: readonly T[]) => Object.fromEntries(xs.map((x) => [x.pcode, x]));

async function start(backend: 'sqlite' | 'postgres', clock: ReturnType<typeof manualClock>): Promise<Running> {
  if (backend === 'postgres') {
    const db = await createTestDatabase();
    const server = await startServer({ clock, store: openPostgresStore(db.url, { poolSize: 3, applicationName: 'amina-past-model' }) });
    cleanups.push(async () => {
      await server.stop();
      await db.drop();
    });
    return server;
  }
  const dataDir = tempDataDir();
  const server = await startServer({ clock, dataDir });
  cleanups.push(async () => {
    await server.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });
  return server;
}

describe.each(['sqlite', 'postgres'] as const)('GET /api/snapshot?at= against the reference model on %s', (backend) => {
  it('gives at five instants of a simulated day the model’s picture then, alert states and the acknowledgement included', { timeout: 120_000 }, async () => {
    const clock = manualClock(new Date(START).toISOString());
    const server = await start(backend, clock);
    const model = new ReferenceModel(fixtures.sites, fixtures.governorates.map((g) => g.pcode), Thresholds.parse(fixtures.thresholds));
    const analyst = await server.tokenFor('analyst');
    const expected = new Map<number, { picture: ModelPicture; alerts: ModelAlert[] }>();

    /** Moves both clocks to `ms` and lets both judge the picture there. */
    const judgeAt = async (ms: number) => {
      clock.set(new Date(ms).toISOString());
      await server.app.live.tick();
      model.reconcile(ms);
    };
    const post = async (reports: Report[]) => {
      const answer = await server.request('POST', '/api/reports', ADMIN_TOKEN, { reports });
      expect(answer.status, JSON.stringify(answer.body)).toBe(201);
      expect(model.post(reports, { world: 'real', sites: 'any' }, clock.now()).status).toBe(201);
      model.reconcile(clock.now());
    };
    const report = (siteId: string, fields: Record<string, unknown>, observedMs = clock.now()) =>
      ({ id: randomUUID(), siteId, observedAt: isoSeconds(observedMs), ...fields }) as Report;

    // the day of server/testing/pastDay.ts, an hour at a time
    const events: { atMs: number; run: () => Promise<void> }[] = [];
    for (let hour = 0; hour < 24; hour++) {
      events.push({
        atMs: START + hour * HOUR + 17 * MINUTE,
        run: async () => {
          await post(pastDayBatch(hour, START, report));
        },
      });
    }
    events.push({
      atMs: ACK_AT,
      run: async () => {
        const surge = ((await server.request('GET', '/api/alerts?state=active', ADMIN_TOKEN)).body as Alert[]).find((a) => a.rule === 'checkpoint_surge');
        expect(surge, 'a surge alert to acknowledge').toBeDefined();
        const answer = await server.request('POST', `/api/alerts/${surge!.id}/ack`, analyst, { note: 'buses sent' });
        expect(answer.status).toBe(200);
        model.acknowledge(alertKey({ world: 'real', ...surge! }), 'analyst for tests', 'buses sent', clock.now());
        model.reconcile(clock.now());
      },
    });
    for (const atMs of INSTANTS) {
      events.push({
        atMs,
        run: async () => {
          expected.set(atMs, { picture: model.picture('real', atMs), alerts: structuredClone(model.openAlerts('real')) });
        },
      });
    }
    events.sort((a, b) => a.atMs - b.atMs);
    for (const event of events) {
      await judgeAt(event.atMs);
      await event.run();
    }

    // the day is over: ask for each instant now, after everything that came later
    await judgeAt(START + 24 * HOUR);
    const states: string[] = [];
    for (const [atMs, then] of expected) {
      const where = isoSeconds(atMs);
      const answer = await server.request('GET', `/api/snapshot?at=${where}`, ADMIN_TOKEN);
      expect(answer.status).toBe(200);
      const past = answer.body as Snapshot;
      expect(past).toMatchObject({ historic: true, at: where, world: 'real' });
      expect(byId(past.sites), `${where}: sites`).toEqual(byId(then.picture.sites));
      expect(byPcode(past.governorates), `${where}: governorate rollups`).toEqual(byPcode(then.picture.governorates));
      expect(past.national, `${where}: national rollup`).toEqual(then.picture.national);
      expect(alertsByKey(past.alerts), `${where}: open alerts`).toEqual(alertsByKey(then.alerts));
      states.push(past.alerts.map((a) => `${a.rule}:${a.state}`).sort().join(' '));
    }
    // so that the comparisons above compared something: the acknowledgement shows after its time,
    // not before, and the other rules were open at some instant
    expect(states[2]).toContain('checkpoint_surge:acknowledged');
    expect(states[1]).not.toContain('acknowledged');
    expect(states.join(' ')).toContain('health_post_down:active');
    expect(states.join(' ')).toContain('site_silent:active');
    expect(states.join(' ')).toContain('governorate_influx');
  });
});
