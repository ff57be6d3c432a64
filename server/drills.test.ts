// Drills started over HTTP: a scenario from the fixtures played by the server into the exercise world
// through the ingest path, as `npm run drill` plays it; progress, stop, one at a time, clear; bad input.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterEach, describe, expect, it } from 'vitest';
import { runDrill } from '../scripts/drill.ts';
import { ADMIN_TOKEN, startServer, type Answer, type Running } from './testing/harness.ts';
import { SHORT_DRILL } from './testing/shortDrill.ts';

const root = path.resolve(import.meta.dirname, '..');
let running: Running[] = [];

afterEach(async () => {
  for (const server of running) await server.stop();
  running = [];
});

const SHORT = SHORT_DRILL;

/** The repository's fixtures, with a short scenario, one naming a site nobody has, and a file that is no scenario. */
function fixturesWithScenarios(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'amina-fixtures-'));
  fs.cpSync(path.join(root, 'fixtures'), dir, { recursive: true });
  const scenarios = path.join(dir, 'scenarios');
  fs.writeFileSync(path.join(scenarios, 'test-short.json'), JSON.stringify(SHORT));
  const lost = { ...SHORT, name: 'test-lost', events: [{ atMinute: 0, siteId: 'atlantis', kind: 'health', status: 'closed' }] };
  fs.writeFileSync(path.join(scenarios, 'test-lost.json'), JSON.stringify(lost));
  fs.writeFileSync(path.join(scenarios, 'broken.json'), JSON.stringify({ name: 'broken' }));
  return dir;
}

async function start() {
  // The real clock: a drill stamps reports with the time it posts them.
  const server = await startServer({ config: { fixturesDir: fixturesWithScenarios() } });
  running.push(server);
  return server;
}

/** Polls GET /api/drills/current until the drill is as `wanted` says. */
async function until(server: Running, wanted: (drill: Answer) => boolean, timeoutMs = 10_000): Promise<Answer> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const drill = (await server.request('GET', '/api/drills/current', ADMIN_TOKEN)).body.drill;
    if (drill && wanted(drill)) return drill;
    if (Date.now() > deadline) throw new Error(`the drill never got there: ${JSON.stringify(drill)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const exerciseRows = async (server: Running) => {
  const answer = await server.request('GET', '/api/export/reports.csv?exercise=only', ADMIN_TOKEN);
  return (parse(answer.body as string, { columns: true, from_line: 2 }) as Record<string, string>[]).map((r) => ({
    site: r['#loc+code'],
    kind: r['#meta+type'],
    arrivals: r['#affected+arrivals+ind'],
    households: r['#affected+arrivals+hh'],
    occupancy: r['#population+ind'],
    status: r['#status+code'],
    period: r['#meta+period_minutes'],
    note: r['#description'],
  }));
};

describe('drills from the server', () => {
  it('lists the valid scenarios, plays one to its end as the CLI would, and records who started it', async () => {
    const server = await start();
    const scenarios = (await server.request('GET', '/api/drills/scenarios', ADMIN_TOKEN)).body;
    expect(scenarios.map((s: Answer) => s.name)).toEqual(['mass-crossing-duhok-erbil-72h', 'test-lost', 'test-short']);
    expect(scenarios.find((s: Answer) => s.name === 'test-short')).toEqual({
      name: 'test-short',
      title: SHORT.title,
      synthetic: true,
      description: SHORT.description,
      durationMinutes: 120,
      reports: 5,
      sites: 3,
    });
    expect((await server.request('GET', '/api/drills/current', ADMIN_TOKEN)).body).toEqual({ drill: null });
    const onExercise = await server.connect(ADMIN_TOKEN, 'exercise');
    const onReal = await server.connect(ADMIN_TOKEN);

    // 120 scenario minutes at 7,200× take one second.
    const started = await server.request('POST', '/api/drills', ADMIN_TOKEN, { scenario: 'test-short', speed: 7200 });
    expect(started.status).toBe(201);
    expect(started.body).toMatchObject({ scenario: 'test-short', speed: 7200, state: 'running', reports: 5, startedBy: 'admin (HBM_ADMIN_TOKEN)' });
    const drill = await until(server, (d) => d.state === 'finished');
    expect(drill).toMatchObject({ state: 'finished', posted: 5, duplicate: 0, failed: 0, reachedMinute: 120 });
    expect(drill.endedAt).toBeDefined();

    // Into the exercise world only, live, stamped and compressed as the CLI's drill is.
    expect(onExercise.updates.length).toBeGreaterThan(0);
    expect(onReal.updates).toEqual([]);
    const fromServer = await exerciseRows(server);
    expect(fromServer).toHaveLength(5);

    const actions = (await server.request('GET', '/api/audit?action=drill.start,drill.stop', ADMIN_TOKEN)).body;
    expect(actions.map((e: Answer) => [e.action, e.actor.label, e.subject])).toEqual([
      ['drill.stop', 'admin (HBM_ADMIN_TOKEN)', started.body.id],
      ['drill.start', 'admin (HBM_ADMIN_TOKEN)', started.body.id],
    ]);
    expect(actions[0].details).toMatchObject({ state: 'finished', posted: 5 });
    expect(actions[1].details).toEqual({ scenario: 'test-short', speed: 7200 });

    // The CLI's drill of the same scenario posts the same reports (ids and times aside).
    expect((await server.request('DELETE', '/api/exercise', ADMIN_TOKEN)).body).toEqual({ deleted: 5 });
    expect(await runDrill({ url: server.url, adminToken: ADMIN_TOKEN, scenario: SHORT, speed: 7200 })).toMatchObject({ posted: 5, failed: 0 });
    expect(await exerciseRows(server)).toEqual(fromServer);
  });

  it('shows progress, refuses a second start and a clear while one plays, stops, then clears', async () => {
    const server = await start();
    // 72 hours at 10,000×: about 26 seconds, stopped long before.
    const started = await server.request('POST', '/api/drills', ADMIN_TOKEN, { scenario: 'mass-crossing-duhok-erbil-72h', speed: 10_000 });
    expect(started.status).toBe(201);
    const drill = await until(server, (d) => d.posted > 10 && d.reachedMinute > 0);
    expect(drill.state).toBe('running');

    const second = await server.request('POST', '/api/drills', ADMIN_TOKEN, { scenario: 'test-short', speed: 60 });
    expect(second.status).toBe(409);
    expect(second.body.error.message).toMatch(/running already.*mass-crossing-duhok-erbil-72h/);
    const clear = await server.request('DELETE', '/api/exercise', ADMIN_TOKEN);
    expect(clear.status).toBe(409);

    const stopped = await server.request('DELETE', '/api/drills/current', ADMIN_TOKEN);
    expect(stopped.status).toBe(200);
    expect(stopped.body).toMatchObject({ state: 'stopped', stoppedBy: 'admin (HBM_ADMIN_TOKEN)' });
    expect(stopped.body.posted).toBeLessThan(stopped.body.reports);
    const posted = stopped.body.posted;
    await new Promise((r) => setTimeout(r, 300));
    expect((await server.request('GET', '/api/drills/current', ADMIN_TOKEN)).body.drill).toMatchObject({ state: 'stopped', posted });
    expect((await server.request('DELETE', '/api/drills/current', ADMIN_TOKEN)).status).toBe(409);

    const exercise = (await server.request('GET', '/api/snapshot?exercise=only', ADMIN_TOKEN)).body;
    const reported = (snapshot: Answer) => snapshot.sites.filter((site: Answer) => site.lastReportAt !== null).length;
    expect(reported(exercise)).toBeGreaterThan(0);
    expect((await server.request('DELETE', '/api/exercise', ADMIN_TOKEN)).body).toEqual({ deleted: posted });
    expect(reported((await server.request('GET', '/api/snapshot?exercise=only', ADMIN_TOKEN)).body)).toBe(0);
    const stops = (await server.request('GET', '/api/audit?action=drill.stop,exercise.clear', ADMIN_TOKEN)).body;
    expect(stops.map((e: Answer) => e.action)).toEqual(['exercise.clear', 'drill.stop']);
  });

  it('refuses bad input and other roles, starting nothing and recording nothing', async () => {
    const server = await start();
    const coordinator = await server.tokenFor('coordinator');
    const auditBefore = (await server.request('GET', '/api/audit', ADMIN_TOKEN)).body;
    const refused = async (body: unknown, status: number, field?: string) => {
      const answer = await server.request('POST', '/api/drills', ADMIN_TOKEN, body);
      expect(answer.status, JSON.stringify(body)).toBe(status);
      if (field) expect(answer.body.error.details.map((d: Answer) => d.field)).toContain(field);
      return answer;
    };
    await refused({ scenario: 'test-short', speed: 0 }, 400, 'speed');
    await refused({ scenario: 'test-short', speed: 20_000 }, 400, 'speed');
    await refused({ scenario: 'test-short', speed: '60' }, 400, 'speed');
    await refused({ scenario: 'test-short' }, 400, 'speed');
    await refused({ scenario: 'test-short', speed: 60, loop: true }, 400);
    await refused({ scenario: '../etc/passwd', speed: 60 }, 400, 'scenario');
    const unknown = await refused({ scenario: 'no-such-drill', speed: 60 }, 422, 'scenario');
    expect(unknown.body.error.message).toMatch(/No scenario "no-such-drill".*"test-short"/);
    const lost = await refused({ scenario: 'test-lost', speed: 60 }, 422, 'scenario');
    expect(lost.body.error.message).toMatch(/atlantis/);
    await refused({ scenario: 'broken', speed: 60 }, 422, 'scenario');

    for (const [method, url, body] of [
      ['GET', '/api/drills/scenarios'],
      ['GET', '/api/drills/current'],
      ['POST', '/api/drills', { scenario: 'test-short', speed: 60 }],
      ['DELETE', '/api/drills/current'],
    ] as const) {
      expect((await server.request(method, url, coordinator, body)).status, `${method} ${url}`).toBe(403);
    }
    expect((await server.request('GET', '/api/drills/current', ADMIN_TOKEN)).body).toEqual({ drill: null });
    expect((await server.request('GET', '/api/audit', ADMIN_TOKEN)).body).toEqual(auditBefore);
    expect((await server.request('GET', '/api/snapshot?exercise=only', ADMIN_TOKEN)).body.national.arrivals24h).toBe(0);
  });
});
