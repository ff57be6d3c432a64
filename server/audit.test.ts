// The audit log end to end: every kind of write leaves one entry naming who, when and what; never a token.
import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { hashToken } from './auth.ts';
import { ADMIN_TOKEN, manualClock, startServer, tempDataDir, type Running, type Answer } from './testing/harness.ts';

const NOW = '2026-11-28T12:00:00Z';
let running: Running[] = [];

afterEach(async () => {
  for (const server of running) await server.stop();
  running = [];
});

async function start(dataDir = tempDataDir()) {
  const server = await startServer({ clock: manualClock(NOW), dataDir });
  running.push(server);
  return server;
}

describe('the audit log', () => {
  it('records every write with its actor, time and change, newest first, and no token', async () => {
    const server = await start();
    const issued = await server.request('POST', '/api/tokens', ADMIN_TOKEN, { role: 'reporter', sites: ['domiz-1-clinic'], label: 'Domiz clinic' });
    const reporter: string = issued.body.token;
    const coordinator = await server.request('POST', '/api/tokens', ADMIN_TOKEN, { role: 'coordinator', label: 'Erbil desk' });

    const report = { id: randomUUID(), siteId: 'domiz-1-clinic', observedAt: NOW, kind: 'health', status: 'closed' };
    expect((await server.request('POST', '/api/reports', reporter, { reports: [report] })).status).toBe(201);
    // A repost changes nothing and leaves no entry.
    expect((await server.request('POST', '/api/reports', reporter, report)).body.duplicate).toEqual([report.id]);

    const [alert] = (await server.request('GET', '/api/alerts?state=active', ADMIN_TOKEN)).body;
    expect((await server.request('POST', `/api/alerts/${alert.id}/ack`, coordinator.body.token, { note: 'mobile clinic sent' })).status).toBe(200);

    const thresholds = (await server.request('GET', '/api/thresholds', ADMIN_TOKEN)).body;
    const raised = { ...thresholds, checkpointSurge: { ...thresholds.checkpointSurge, arrivals1h: thresholds.checkpointSurge.arrivals1h + 100 } };
    expect((await server.request('PUT', '/api/thresholds', coordinator.body.token, raised)).status).toBe(200);

    const site = { id: 'new-post', kind: 'health_post', nameEn: 'New post', nameAr: 'نقطة جديدة', governorate: 'IQG09', lon: 43.0, lat: 36.9 };
    expect((await server.request('PUT', '/api/sites/new-post', ADMIN_TOKEN, site)).status).toBe(201);
    expect((await server.request('DELETE', `/api/tokens/${issued.body.id}`, ADMIN_TOKEN)).status).toBe(204);

    const answer = await server.request('GET', '/api/audit', ADMIN_TOKEN);
    expect(answer.status).toBe(200);
    const entries = answer.body;
    expect(entries.map((e: Answer) => e.action)).toEqual([
      'token.revoke',
      'site.put',
      'thresholds.change',
      'alert.acknowledge',
      'reports.post',
      'token.create',
      'token.create',
    ]);
    const admin = { tokenId: 'env-admin', label: 'admin (HBM_ADMIN_TOKEN)', role: 'admin' };
    const desk = { tokenId: coordinator.body.id, label: 'Erbil desk', role: 'coordinator' };
    expect(entries[0]).toMatchObject({ actor: admin, subject: issued.body.id, at: NOW });
    expect(entries[1]).toMatchObject({ actor: admin, subject: 'new-post', details: { created: true, site } });
    expect(entries[2]).toMatchObject({ actor: desk, details: { previous: thresholds, thresholds: raised } });
    expect(entries[3]).toMatchObject({ actor: desk, subject: alert.id, details: { rule: 'health_post_down', note: 'mobile clinic sent' } });
    expect(entries[4]).toMatchObject({
      actor: { tokenId: issued.body.id, label: 'Domiz clinic', role: 'reporter' },
      details: { accepted: 1, duplicate: 0, ids: [report.id] },
    });
    expect(entries[5]).toMatchObject({ subject: coordinator.body.id, details: { role: 'coordinator', label: 'Erbil desk', sites: [] } });
    expect(entries[6]).toMatchObject({ subject: issued.body.id, details: { role: 'reporter', sites: ['domiz-1-clinic'] } });
    for (const entry of entries) {
      expect(entry.id).toMatch(/^[0-9a-f-]{36}$/);
      expect(entry.requestId).toMatch(/^[0-9a-f-]{36}$/);
    }

    // Never a token, nor its hash.
    const text = JSON.stringify(entries);
    for (const secret of [reporter, coordinator.body.token, ADMIN_TOKEN]) {
      expect(text).not.toContain(secret);
      expect(text).not.toContain(hashToken(secret));
    }

    expect((await server.request('GET', '/api/audit?limit=2', ADMIN_TOKEN)).body.map((e: Answer) => e.action)).toEqual(['token.revoke', 'site.put']);
    expect((await server.request('GET', '/api/audit?limit=0', ADMIN_TOKEN)).status).toBe(400);
    expect((await server.request('GET', '/api/audit?limit=abc', ADMIN_TOKEN)).status).toBe(400);
    expect((await server.request('GET', '/api/audit', coordinator.body.token)).status).toBe(403);
  });

  it('records nothing for a refused write, and survives a restart', async () => {
    const first = await start();
    const reporter = await first.tokenFor('reporter', ['ibrahim-khalil']);
    const bad = { id: randomUUID(), siteId: 'ibrahim-khalil', observedAt: NOW, kind: 'arrivals', arrivals: -5, periodMinutes: 60 };
    expect((await first.request('POST', '/api/reports', reporter, bad)).status).toBe(400);
    expect((await first.request('PUT', '/api/thresholds', ADMIN_TOKEN, { checkpointSurge: 1 })).status).toBe(400);
    expect((await first.request('DELETE', `/api/tokens/${randomUUID()}`, ADMIN_TOKEN)).status).toBe(404);
    const before = (await first.request('GET', '/api/audit', ADMIN_TOKEN)).body;
    expect(before.map((e: Answer) => e.action)).toEqual(['token.create']);
    await first.stop();
    running = [];

    const second = await start(first.dataDir);
    expect((await second.request('GET', '/api/audit', ADMIN_TOKEN)).body).toEqual(before);
  });
});
