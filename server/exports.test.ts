// Exchange formats end to end: HXL CSV, the CAP feed, a drill through the real API, and clearing it.
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { HXL_HASHTAG_ROW, HXL_HEADER_ROW } from '../shared/hxl.ts';
import { isoSeconds } from '../shared/time.ts';
import { capProblems, child, children, parseXml, textOf, type XmlElement } from '../shared/testing/capCheck.ts';
import { runDrill } from '../scripts/drill.ts';
import { parseCsv } from '../scripts/sitesImport.ts';
import { checkAnswer } from './testing/apiConformance.ts';
import { ADMIN_TOKEN, startServer, tempDataDir, type Running, type Answer } from './testing/harness.ts';
import { SHORT_DRILL } from './testing/shortDrill.ts';

const root = path.resolve(import.meta.dirname, '..');
let running: Running[] = [];

async function start() {
  // The real clock: a drill stamps reports with the time it posts them.
  const server = await startServer();
  running.push(server);
  return server;
}

afterEach(async () => {
  for (const server of running) await server.stop();
  running = [];
});

const minutesAgo = (m: number) => isoSeconds(Date.now() - m * 60_000);

async function getText(server: Running, urlPath: string, token: string) {
  const response = await fetch(server.url + urlPath, { headers: { Authorization: `Bearer ${token}` } });
  const text = await response.text();
  checkAnswer({ method: 'GET', url: response.url, status: response.status, headers: response.headers, text });
  return { status: response.status, headers: response.headers, text };
}

/** The CSV's data rows as objects keyed by HXL hashtag. */
function csvRecords(text: string): Record<string, string>[] {
  const rows = parseCsv(text);
  expect(rows[0]).toEqual(HXL_HEADER_ROW);
  expect(rows[1]).toEqual(HXL_HASHTAG_ROW);
  return rows.slice(2).map((r: Answer) => Object.fromEntries(HXL_HASHTAG_ROW.map((tag, i) => [tag, r[i]])));
}

function capMessages(feedXml: string): XmlElement[] {
  const feed = parseXml(feedXml);
  expect(feed.name).toBe('feed');
  return children(feed, 'entry').map((e: Answer) => child(child(e, 'content')!, 'alert')!);
}

const param = (alert: XmlElement, name: string) =>
  children(children(alert, 'info')[0]!, 'parameter').find((p: Answer) => textOf(p, 'valueName') === name)?.children[1]!.text;

describe('GET /api/export/reports.csv', () => {
  it('streams every report in the range as RFC 4180 CSV with an HXL row, Arabic intact', async () => {
    const server = await start();
    const reporter = await server.tokenFor('reporter', ['ibrahim-khalil', 'domiz-1-clinic']);
    const viewer = await server.tokenFor('viewer');
    // 2,400 reports: more than two of the store's pages, so paging and order are exercised.
    const reports = Array.from({ length: 2400 }, (_, i) => ({
      id: randomUUID(),
      siteId: 'ibrahim-khalil',
      observedAt: isoSeconds(Date.now() - (2400 - i) * 30_000),
      kind: 'arrivals',
      arrivals: i,
      periodMinutes: 1,
    }));
    for (let i = 0; i < reports.length; i += 500) {
      expect((await server.request('POST', '/api/reports', reporter, { reports: reports.slice(i, i + 500) })).status).toBe(201);
    }
    const note = 'لا يوجد أنسولين, "urgent"\nsecond line';
    await server.request('POST', '/api/reports', reporter, {
      id: randomUUID(), siteId: 'domiz-1-clinic', observedAt: minutesAgo(0), kind: 'health', status: 'limited', note,
    });

    const all = await getText(server, '/api/export/reports.csv', viewer);
    expect(all.status).toBe(200);
    expect(all.headers.get('content-type')).toMatch(/^text\/csv; charset=utf-8/);
    expect(all.headers.get('content-disposition')).toMatch(/^attachment; filename="?amina-reports-start-\d{8}T\d{4}Z\.csv"?$/);
    expect(all.text).toContain('\r\n');
    // streamed in chunks, so the size is not known (nor held) before the last row
    expect(all.headers.get('transfer-encoding')).toBe('chunked');
    const records = csvRecords(all.text);
    expect(records).toHaveLength(2401);
    expect(records.slice(0, 2400).map((r: Answer) => Number(r['#affected+arrivals+ind']))).toEqual(reports.map((_, i) => i));
    expect(records[0]).toMatchObject({
      '#loc+code': 'ibrahim-khalil',
      '#loc+name+i_ar': 'إبراهيم الخليل',
      '#adm1+code': 'IQG09',
      '#adm1+name+i_ar': 'دهوك',
      '#loc+type': 'checkpoint',
      '#meta+exercise': 'false',
    });
    expect(records[2400]).toMatchObject({ '#status+code': 'limited', '#description': note, '#loc+name+i_ar': 'عيادة مخيم دوميز 1' });

    const from = reports[1000]!.observedAt;
    const to = reports[1100]!.observedAt;
    const ranged = await getText(server, `/api/export/reports.csv?from=${from}&to=${to}`, viewer);
    expect(csvRecords(ranged.text).map((r: Answer) => r['#meta+id'])).toEqual(reports.slice(1000, 1100).map((r: Answer) => r.id));
  });

  it('names a bad range field, and lets no reporter or stranger read', async () => {
    const server = await start();
    const viewer = await server.tokenFor('viewer');
    const bad = await server.request('GET', '/api/export/reports.csv?from=yesterday', viewer);
    expect(bad.status).toBe(400);
    expect(bad.body.error.details).toEqual([expect.objectContaining({ field: 'from' })]);
    const backwards = await server.request('GET', '/api/export/reports.csv?from=2026-11-28T12:00:00Z&to=2026-11-28T11:00:00Z', viewer);
    expect(backwards.status).toBe(400);
    expect(backwards.body.error.details[0].field).toBe('to');
    const badTo = await server.request('GET', '/api/export/reports.csv?to=2026-02-30T00:00:00Z', viewer);
    expect(badTo.body.error.details[0].field).toBe('to');
    const reporter = await server.tokenFor('reporter', ['domiz-1']);
    expect((await server.request('GET', '/api/export/reports.csv', reporter)).status).toBe(403);
    expect((await server.request('GET', '/api/export/alerts.cap', reporter)).status).toBe(403);
    expect((await server.request('GET', '/api/export/alerts.cap', null)).status).toBe(401);
  });
});

describe('GET /api/export/alerts.cap', () => {
  it('gives every open alert, an acknowledgement and a resolution as valid CAP 1.2 messages', async () => {
    const server = await start();
    const reporter = await server.tokenFor('reporter', ['sheeb-health', 'domiz-1', 'kawergosk-clinic']);
    const analyst = await server.tokenFor('analyst');
    const post = (body: object) => server.request('POST', '/api/reports', reporter, { id: randomUUID(), observedAt: minutesAgo(1), ...body });
    await post({ siteId: 'sheeb-health', kind: 'health', status: 'closed' });
    await post({ siteId: 'domiz-1', kind: 'occupancy', occupancy: 25_000 });
    await post({ siteId: 'kawergosk-clinic', kind: 'health', status: 'limited' });
    const alerts = (await server.request('GET', '/api/alerts?state=active', analyst)).body;
    const shelter = alerts.find((a: Answer) => a.rule === 'shelter_capacity');
    expect((await server.request('POST', `/api/alerts/${shelter.id}/ack`, analyst, { note: 'tents & water sent' })).status).toBe(200);
    await server.request('POST', '/api/reports', reporter, { id: randomUUID(), observedAt: minutesAgo(0), siteId: 'kawergosk-clinic', kind: 'health', status: 'operational' });

    const feed = await getText(server, '/api/export/alerts.cap', analyst);
    expect(feed.status).toBe(200);
    expect(feed.headers.get('content-type')).toBe('application/atom+xml; charset=utf-8');
    const messages = capMessages(feed.text);
    expect(messages).toHaveLength(3);
    for (const m of messages) {
      expect(capProblems(m)).toEqual([]);
      expect(textOf(m, 'status')).toBe('Actual');
      expect(children(m, 'info').map((i: Answer) => textOf(i, 'language'))).toEqual(['en', 'ar', 'ckb']);
      expect(textOf(m, 'sender')).toBe('amina@127.0.0.1');
    }
    const bySite = new Map(messages.map((m: Answer) => [param(m, 'siteId'), m]));
    const closed = bySite.get('sheeb-health')!;
    expect(param(closed, 'rule')).toBe('health_post_down');
    expect(textOf(closed, 'msgType')).toBe('Alert');
    expect(textOf(children(closed, 'info')[0]!, 'severity')).toBe('Severe');
    expect(textOf(children(closed, 'info')[1]!, 'headline')).toBe('النقطة الصحية في منفذ الشيب: النقطة الصحية مغلقة');
    // Al-Sheeb has no coordinate: the area is its governorate's p-code alone.
    const area = child(children(closed, 'info')[0]!, 'area')!;
    expect(child(area, 'circle')).toBeUndefined();
    expect(textOf(child(area, 'geocode')!, 'value')).toBe('IQG14');

    const ack = bySite.get('domiz-1')!;
    // an acknowledgement publishes new values: an Update, never CAP's Ack (receipt of a message)
    expect(textOf(ack, 'msgType')).toBe('Update');
    expect(textOf(ack, 'references')).toMatch(new RegExp(`^amina@127\\.0\\.0\\.1,amina-${shelter.id}-\\d{8}T\\d{6}Z,\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d-00:00$`));
    expect(textOf(children(ack, 'info')[0]!, 'description')).toContain('tents & water sent');
    expect(textOf(child(children(ack, 'info')[0]!, 'area')!, 'circle')).toBe('36.782322,42.891424 1');

    const cancel = bySite.get('kawergosk-clinic')!;
    expect(textOf(cancel, 'msgType')).toBe('Cancel');
    expect(textOf(children(cancel, 'info')[0]!, 'urgency')).toBe('Past');
  });
});

const SHORT = SHORT_DRILL;

describe('a preparedness drill', () => {
  it('replays a scenario into the exercise world, which leaves the real picture, CSV and CAP feed unchanged and is cleared alone', async () => {
    const server = await start();
    const viewer = await server.tokenFor('viewer');
    const realReporter = await server.tokenFor('reporter', ['ibrahim-khalil', 'kawergosk-clinic', 'domiz-1']);
    const real = { id: randomUUID(), siteId: 'ibrahim-khalil', observedAt: minutesAgo(5), kind: 'arrivals', arrivals: 321, periodMinutes: 60 };
    await server.request('POST', '/api/reports', realReporter, real);
    await server.request('POST', '/api/reports', realReporter, { id: randomUUID(), siteId: 'kawergosk-clinic', observedAt: minutesAgo(5), kind: 'health', status: 'closed' });
    // A real shelter over capacity: a drill's lower figure for it must never resolve this alert.
    await server.request('POST', '/api/reports', realReporter, { id: randomUUID(), siteId: 'domiz-1', observedAt: minutesAgo(5), kind: 'occupancy', occupancy: 28_000 });

    const realBefore = {
      snapshot: (await server.request('GET', '/api/snapshot', viewer)).body,
      csv: (await getText(server, '/api/export/reports.csv', viewer)).text,
      cap: (await getText(server, '/api/export/alerts.cap', viewer)).text,
    };
    const onReal = await server.connect(viewer);
    const onExercise = await server.connect(viewer, 'exercise');

    const lines: string[] = [];
    // 120 scenario minutes at 7,200× take one second.
    const result = await runDrill({ url: server.url, adminToken: ADMIN_TOKEN, scenario: SHORT, speed: 7200, log: (l) => lines.push(l) });
    expect(result).toEqual({ posted: 5, duplicate: 0, failed: 0, tokensRevoked: 3 });
    expect(lines.some((l: Answer) => l.includes('+1h00 domiz-1-clinic: limited'))).toBe(true);

    // The real world did not move: same picture (but for its clock), same CSV, same CAP feed, no update sent.
    const realDuring = (await server.request('GET', '/api/snapshot', viewer)).body;
    expect({ ...realDuring, at: undefined }).toEqual({ ...realBefore.snapshot, at: undefined });
    expect((await getText(server, '/api/export/reports.csv', viewer)).text).toBe(realBefore.csv);
    expect((await getText(server, '/api/export/alerts.cap', viewer)).text).toBe(realBefore.cap);
    expect(onReal.updates).toEqual([]);
    expect(realDuring.alerts.find((a: Answer) => a.siteId === 'domiz-1')).toMatchObject({ rule: 'shelter_capacity', severity: 'critical', state: 'active' });

    // The exercise world holds the drill and only the drill.
    const csv = csvRecords((await getText(server, '/api/export/reports.csv?exercise=only', viewer)).text);
    expect(csv.map((r: Answer) => r['#loc+code']).sort()).toEqual(['domiz-1', 'domiz-1', 'domiz-1-clinic', 'peshkhabour', 'peshkhabour']);
    expect(csv.every((r: Answer) => r['#meta+exercise'] === 'true')).toBe(true);
    for (const r of csv) expect(Date.parse(r['#date+occurred']!)).toBeLessThanOrEqual(Date.now());
    // An hour of scenario played in half a second is stamped as a one-minute period.
    expect(csv.filter((r: Answer) => r['#meta+type'] === 'arrivals').map((r: Answer) => r['#meta+period_minutes'])).toEqual(['1', '1']);
    const exercise = (await server.request('GET', '/api/snapshot?exercise=only', viewer)).body;
    expect(exercise.world).toBe('exercise');
    expect(exercise.sites.find((s: Answer) => s.id === 'domiz-1').occupancy).toBe(26_000);
    expect(exercise.national.arrivals24h).toBe(1100);
    expect(exercise.sites.find((s: Answer) => s.id === 'ibrahim-khalil').lastReportAt).toBeNull();
    expect(onExercise.updates.length).toBeGreaterThan(0);
    expect(onExercise.updates.every((u: Answer) => u.world === 'exercise')).toBe(true);

    const messages = capMessages((await getText(server, '/api/export/alerts.cap?exercise=only', viewer)).text);
    expect(new Set(messages.map((m: Answer) => textOf(m, 'status')))).toEqual(new Set(['Exercise']));
    // Peshkhabour's 1,100 in the drill's hour pass its line of 1,000: a surge in the exercise world only
    expect(messages.map((m: Answer) => param(m, 'siteId')).sort()).toEqual(['domiz-1', 'domiz-1-clinic', 'peshkhabour']);
    for (const m of messages) expect(capProblems(m)).toEqual([]);
    const exerciseHeadline = textOf(children(messages.find((m: Answer) => param(m, 'siteId') === 'domiz-1-clinic')!, 'info')[0]!, 'headline');
    expect(exerciseHeadline).toMatch(/^EXERCISE: /);
    const realFeed = capMessages(realBefore.cap);
    expect(new Set(realFeed.map((m: Answer) => textOf(m, 'status')))).toEqual(new Set(['Actual']));

    // The drill revoked each token it made.
    const audit = (await server.request('GET', '/api/audit?limit=100', ADMIN_TOKEN)).body as Answer[];
    expect(audit.filter((e: Answer) => e.action === 'token.revoke')).toHaveLength(3);

    const analyst = await server.tokenFor('analyst');
    const exerciseViewer = await server.request('POST', '/api/tokens', ADMIN_TOKEN, { role: 'viewer', label: 'x', exercise: true });
    expect(exerciseViewer.status).toBe(400);
    expect(exerciseViewer.body.error.details[0].field).toBe('exercise');
    expect((await server.request('DELETE', '/api/exercise', analyst)).status).toBe(403);
    expect((await server.request('GET', '/api/snapshot?exercise=maybe', viewer)).body.error.details[0].field).toBe('exercise');
    const cleared = await server.request('DELETE', '/api/exercise', ADMIN_TOKEN);
    expect(cleared.status).toBe(200);
    expect(cleared.body).toEqual({ deleted: 5 });

    expect(csvRecords((await getText(server, '/api/export/reports.csv?exercise=only', viewer)).text)).toEqual([]);
    expect((await getText(server, '/api/export/reports.csv', viewer)).text).toBe(realBefore.csv);
    const rebuilt = (await server.request('GET', '/api/snapshot', viewer)).body;
    expect({ ...rebuilt, at: undefined }).toEqual({ ...realBefore.snapshot, at: undefined });
    const emptied = (await server.request('GET', '/api/snapshot?exercise=only', viewer)).body;
    expect(emptied.national.arrivals24h).toBe(0);
    expect(emptied.alerts).toEqual([]);
    // the exercise alerts were resolved, and say so in the exercise feed only
    const afterFeed = capMessages((await getText(server, '/api/export/alerts.cap?exercise=only', viewer)).text);
    expect(afterFeed.map((m: Answer) => [textOf(m, 'msgType'), textOf(m, 'status')])).toEqual([
      ['Cancel', 'Exercise'],
      ['Cancel', 'Exercise'],
      ['Cancel', 'Exercise'],
    ]);
    expect((await getText(server, '/api/export/alerts.cap', viewer)).text).toBe(realBefore.cap);
    const clearedEntry = ((await server.request('GET', '/api/audit?limit=1', ADMIN_TOKEN)).body as Answer[])[0];
    expect(clearedEntry).toMatchObject({ action: 'exercise.clear', details: { deleted: 5 } });
  });

  it('runs from the command line with the shipped scenario format', async () => {
    const server = await start();
    const dir = tempDataDir();
    const file = path.join(dir, 'scenario.json');
    fs.writeFileSync(file, JSON.stringify({ ...SHORT, events: SHORT.events.slice(0, 2) }));
    const { stdout } = await promisify(execFile)(
      path.join(root, 'node_modules', '.bin', 'tsx'),
      ['scripts/drill.ts', file, '--speed', '100000', '--url', server.url, '--admin-token', ADMIN_TOKEN],
      { cwd: root },
    );
    expect(stdout).toContain('Done: 2 reports stored, 0 failed; 2 drill tokens revoked.');
    const bad = await promisify(execFile)(path.join(root, 'node_modules', '.bin', 'tsx'), ['scripts/drill.ts', file, '--speed', 'fast', '--url', server.url, '--admin-token', ADMIN_TOKEN], { cwd: root }).catch((e) => e);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--speed must be a positive number');
  });
});
