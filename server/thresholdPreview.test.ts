// POST /api/thresholds/preview over real HTTP: what it says new thresholds would do, held against what
// the alert lifecycle then does when the same thresholds are saved; and bad input changes nothing.
import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import type { Alert, Thresholds } from '../shared/schemas.ts';
import type { PreviewOutcome, ThresholdPreview } from '../shared/thresholdPreview.ts';
import { ADMIN_TOKEN, manualClock, startServer, waitFor, type Running } from './testing/harness.ts';

const NOW = '2026-11-28T12:00:00Z';
let running: Running | undefined;

afterEach(async () => {
  await running?.stop();
  running = undefined;
});

const arrivals = (siteId: string, n: number) => ({ id: randomUUID(), siteId, observedAt: NOW, kind: 'arrivals', arrivals: n, periodMinutes: 60 });

/** A picture with an alert of each kind of fate: Peshkhabour warning, Ibrahim Khalil critical, Domiz 1 at 93 %, a closed clinic. */
async function busyServer() {
  running = await startServer({ clock: manualClock(NOW) });
  const reports = [
    arrivals('peshkhabour', 1200), // line 1000: warning
    arrivals('ibrahim-khalil', 4500), // line 2000: critical at 4000
    arrivals('kalak', 400), // national line 500: nothing yet
    { id: randomUUID(), siteId: 'domiz-1', observedAt: NOW, kind: 'occupancy', occupancy: 25_000 }, // 93 % of 27,000: warning at 90 %
    { id: randomUUID(), siteId: 'domiz-1-clinic', observedAt: NOW, kind: 'health', status: 'closed' },
  ];
  expect((await running.request('POST', '/api/reports', ADMIN_TOKEN, { reports })).status).toBe(201);
  return running;
}

function proposal(current: Thresholds): Thresholds {
  return {
    ...current,
    // Peshkhabour's line halved: 1,200 is now twice it (escalate); Ibrahim Khalil's raised: 4,500 under 6,000 (de-escalate);
    // the national line under Kalak's 400 (open).
    checkpointSurge: { arrivals1h: 300, perSite: { ...current.checkpointSurge.perSite, peshkhabour: 500, 'ibrahim-khalil': 3000 } },
    // 93 % is under a 95 % warning line (resolve).
    shelterCapacity: { warningRatio: 0.95, criticalRatio: 1.1 },
  };
}

const key = (o: { rule: string; siteId?: string; governorate: string }) => `${o.rule}|${o.siteId ?? o.governorate}`;

describe('threshold preview', () => {
  it('says exactly what saving then does to the open alerts', async () => {
    const server = await busyServer();
    const coordinator = await server.tokenFor('coordinator');
    const current: Thresholds = (await server.request('GET', '/api/thresholds', ADMIN_TOKEN)).body;
    const before: Alert[] = (await server.request('GET', '/api/alerts?state=active', ADMIN_TOKEN)).body;
    const auditBefore = (await server.request('GET', '/api/audit', ADMIN_TOKEN)).body;

    const answer = await server.request('POST', '/api/thresholds/preview', coordinator, proposal(current));
    expect(answer.status).toBe(200);
    const preview: ThresholdPreview = answer.body;
    expect(preview.world).toBe('real');
    const byKey = new Map(preview.outcomes.map((o) => [key(o), o]));
    expect(byKey.get('checkpoint_surge|kalak')).toMatchObject({ change: 'open', after: { severity: 'warning', value: 400, threshold: 300 } });
    expect(byKey.get('checkpoint_surge|peshkhabour')).toMatchObject({
      change: 'escalate',
      before: { severity: 'warning', threshold: 1000 },
      after: { severity: 'critical', threshold: 1000 },
    });
    expect(byKey.get('checkpoint_surge|ibrahim-khalil')).toMatchObject({ change: 'deescalate', before: { severity: 'critical' }, after: { severity: 'warning', threshold: 3000 } });
    expect(byKey.get('shelter_capacity|domiz-1')).toMatchObject({ change: 'resolve', before: { severity: 'warning' } });
    expect(byKey.has('health_post_down|domiz-1-clinic')).toBe(false);
    expect(preview.outcomes.map((o) => o.change)).toEqual([...preview.outcomes.map((o) => o.change)].sort((a, b) => ORDER.indexOf(a) - ORDER.indexOf(b)));
    expect(preview.unchanged).toBe(before.length - preview.outcomes.filter((o) => o.change !== 'open').length);

    // The preview changed nothing: same alerts, same thresholds, no audit entry.
    expect((await server.request('GET', '/api/alerts?state=active', ADMIN_TOKEN)).body).toEqual(before);
    expect((await server.request('GET', '/api/thresholds', ADMIN_TOKEN)).body).toEqual(current);
    expect((await server.request('GET', '/api/audit', ADMIN_TOKEN)).body).toEqual(auditBefore);

    // Saving: the update a dashboard receives carries exactly the previewed changes.
    const { updates } = await server.connect(ADMIN_TOKEN);
    expect((await server.request('PUT', '/api/thresholds', coordinator, proposal(current))).status).toBe(200);
    const update = await waitFor('the update with the new thresholds', () => updates.find((u) => u.thresholds));
    expect(update.alerts).toHaveLength(preview.outcomes.length);
    const changed = new Map(update.alerts.map((a) => [key(a), a]));
    for (const outcome of preview.outcomes) expectOutcome(outcome, changed.get(key(outcome)));
    const after: Alert[] = (await server.request('GET', '/api/alerts?state=active,acknowledged', ADMIN_TOKEN)).body;
    expect(after.map(key).sort()).toEqual(
      [...before.filter((a) => byKey.get(key(a))?.change !== 'resolve').map(key), ...preview.outcomes.filter((o) => o.change === 'open').map(key)].sort(),
    );

    // Previewing what is now in force changes nothing.
    const again: ThresholdPreview = (await server.request('POST', '/api/thresholds/preview', coordinator, proposal(current))).body;
    expect(again.outcomes).toEqual([]);
    expect(again.unchanged).toBe(after.length);
  });

  it('judges the exercise world when asked, apart from the real one', async () => {
    const server = await busyServer();
    const current: Thresholds = (await server.request('GET', '/api/thresholds', ADMIN_TOKEN)).body;
    const exercise: ThresholdPreview = (await server.request('POST', '/api/thresholds/preview?exercise=only', ADMIN_TOKEN, proposal(current))).body;
    expect(exercise).toMatchObject({ world: 'exercise', outcomes: [], unchanged: 0 });
  });

  it('refuses bad thresholds and other roles as PUT does, changing nothing', async () => {
    const server = await busyServer();
    const current: Thresholds = (await server.request('GET', '/api/thresholds', ADMIN_TOKEN)).body;
    const analyst = await server.tokenFor('analyst');
    const auditBefore = (await server.request('GET', '/api/audit', ADMIN_TOKEN)).body;

    const forbidden = await server.request('POST', '/api/thresholds/preview', analyst, current);
    expect(forbidden.status).toBe(403);

    const reversed = { ...current, shelterCapacity: { warningRatio: 1, criticalRatio: 0.9 } };
    const bad = await server.request('POST', '/api/thresholds/preview', ADMIN_TOKEN, reversed);
    expect(bad.status).toBe(400);
    expect(bad.body.error.details).toContainEqual(expect.objectContaining({ field: 'shelterCapacity.criticalRatio' }));

    const typo = { ...current, checkpointSurge: { ...current.checkpointSurge, perSite: { 'kalak-x': 100 } } };
    const unknown = await server.request('POST', '/api/thresholds/preview', ADMIN_TOKEN, typo);
    expect(unknown.status).toBe(422);
    expect(unknown.body.error.details).toEqual([{ field: 'checkpointSurge.perSite.kalak-x', message: 'names no site in the registry' }]);

    expect((await server.request('POST', '/api/thresholds/preview?exercise=maybe', ADMIN_TOKEN, current)).status).toBe(400);
    expect((await server.request('GET', '/api/audit', ADMIN_TOKEN)).body).toEqual(auditBefore);
    expect((await server.request('GET', '/api/thresholds', ADMIN_TOKEN)).body).toEqual(current);
  });
});

const ORDER = ['open', 'escalate', 'deescalate', 'update', 'resolve'];

function expectOutcome(outcome: PreviewOutcome, alert: Alert | undefined) {
  expect(alert, `${outcome.change} ${key(outcome)}`).toBeDefined();
  if (outcome.change === 'resolve') {
    expect(alert).toMatchObject({ id: outcome.alertId, state: 'resolved' });
    return;
  }
  expect(alert).toMatchObject({ ...outcome.after, message: outcome.message, state: 'active' });
  if (outcome.alertId) expect(alert!.id).toBe(outcome.alertId);
}
