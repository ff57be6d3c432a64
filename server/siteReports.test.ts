// A site's recent reports, as the field form reads them before it asks "send this as well?".
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, manualClock, startServer, type Running } from './testing/harness.ts';

const NOW = '2026-11-28T12:00:00Z';
let server: Running;
let reporter: string;
let drill: string;
let viewer: string;

const arrivals = (siteId: string, observedAt: string, count: number) => ({
  id: randomUUID(),
  siteId,
  observedAt,
  kind: 'arrivals',
  arrivals: count,
  periodMinutes: 60,
});

beforeAll(async () => {
  server = await startServer({ clock: manualClock(NOW) });
  reporter = await server.tokenFor('reporter', ['ibrahim-khalil']);
  viewer = await server.tokenFor('viewer');
  const answer = await server.request('POST', '/api/tokens', ADMIN_TOKEN, {
    role: 'reporter',
    sites: ['ibrahim-khalil'],
    label: 'drill',
    exercise: true,
  });
  drill = answer.body.token;
  const reports = [
    arrivals('ibrahim-khalil', '2026-11-27T10:00:00Z', 1),
    arrivals('ibrahim-khalil', '2026-11-28T07:30:00Z', 250),
    arrivals('ibrahim-khalil', '2026-11-28T11:00:00Z', 40),
  ];
  expect((await server.request('POST', '/api/reports', reporter, { reports })).status).toBe(201);
  expect((await server.request('POST', '/api/reports', drill, arrivals('ibrahim-khalil', '2026-11-28T11:30:00Z', 7))).status).toBe(201);
});
afterAll(async () => {
  await server?.stop();
});

describe('GET /api/sites/:id/reports', () => {
  it("gives a reporter its site's reports of the last 24 h, newest first, as posted", async () => {
    const answer = await server.request('GET', '/api/sites/ibrahim-khalil/reports', reporter);
    expect(answer.status).toBe(200);
    expect(answer.body.map((r: { arrivals: number }) => r.arrivals)).toEqual([40, 250]);
    expect(answer.body[0]).not.toHaveProperty('receivedAt');
    const hour = await server.request('GET', '/api/sites/ibrahim-khalil/reports?hours=2', reporter);
    expect(hour.body.map((r: { arrivals: number }) => r.arrivals)).toEqual([40]);
  });

  it("gives a drill token the exercise world's, and a viewer either world", async () => {
    expect((await server.request('GET', '/api/sites/ibrahim-khalil/reports', drill)).body.map((r: { arrivals: number }) => r.arrivals)).toEqual([7]);
    expect((await server.request('GET', '/api/sites/ibrahim-khalil/reports', viewer)).body).toHaveLength(2);
    expect((await server.request('GET', '/api/sites/ibrahim-khalil/reports?exercise=only', viewer)).body).toHaveLength(1);
  });

  it('refuses a site not on the reporter token, an unknown site and a bad hours, naming the field', async () => {
    expect((await server.request('GET', '/api/sites/zakho/reports', reporter)).status).toBe(403);
    expect((await server.request('GET', '/api/sites/atlantis/reports', viewer)).status).toBe(404);
    const bad = await server.request('GET', '/api/sites/ibrahim-khalil/reports?hours=49', reporter);
    expect(bad.status).toBe(400);
    expect(bad.body.error.details[0].field).toBe('hours');
  });
});
