// GET /api/audit filtered and paged, and GET /api/export/audit.csv, over real HTTP: what an admin asks
// of the log, what a bad question gets, and that a label typed as a formula stays text.
import { parse } from 'csv-parse/sync';
import { afterEach, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, manualClock, startServer, type Answer, type Running } from './testing/harness.ts';

const START = '2026-11-28T12:00:00Z';
let running: Running | undefined;

afterEach(async () => {
  await running?.stop();
  running = undefined;
});

/** 150 tokens issued over 150 minutes by the admin, then a coordinator changing thresholds twice. */
async function busyLog() {
  const clock = manualClock(START);
  running = await startServer({ clock });
  const server = running;
  const ids: string[] = [];
  for (let i = 0; i < 150; i++) {
    const label = i === 7 ? '=HYPERLINK("http://evil.example","click")' : `viewer ${i}, wall`;
    const issued = await server.request('POST', '/api/tokens', ADMIN_TOKEN, { role: 'viewer', label });
    ids.push(issued.body.id);
    clock.advance(60_000);
  }
  const desk = await server.request('POST', '/api/tokens', ADMIN_TOKEN, { role: 'coordinator', label: 'Erbil Desk' });
  const thresholds = (await server.request('GET', '/api/thresholds', ADMIN_TOKEN)).body;
  for (const arrivals1h of [600, 700]) {
    clock.advance(60_000);
    const changed = { ...thresholds, checkpointSurge: { ...thresholds.checkpointSurge, arrivals1h } };
    expect((await server.request('PUT', '/api/thresholds', desk.body.token, changed)).status).toBe(200);
  }
  return { server, clock, desk: desk.body as { id: string; token: string }, ids };
}

async function allPages(server: Running, query: string, limit: number): Promise<Answer[]> {
  const entries: Answer[] = [];
  let before = '';
  for (;;) {
    const page = await server.request('GET', `/api/audit?limit=${limit}${query}${before ? `&before=${before}` : ''}`, ADMIN_TOKEN);
    expect(page.status).toBe(200);
    entries.push(...page.body);
    if (page.body.length < limit) return entries;
    before = page.body[page.body.length - 1].id;
  }
}

describe('the audit log, filtered', () => {
  it('filters by actor, action and time, and pages past the first page', async () => {
    const { server, desk } = await busyLog();
    const everything = (await server.request('GET', '/api/audit?limit=1000', ADMIN_TOKEN)).body;
    expect(everything).toHaveLength(153);

    // Pages of 40 over 151 token entries: four pages, newest first, none lost or repeated.
    const tokens = await allPages(server, '&action=token.create', 40);
    expect(tokens).toHaveLength(151);
    expect(tokens).toEqual(everything.filter((e: Answer) => e.action === 'token.create'));

    const byDesk = (await server.request('GET', `/api/audit?actor=erbil%20DESK`, ADMIN_TOKEN)).body;
    expect(byDesk.map((e: Answer) => e.action)).toEqual(['thresholds.change', 'thresholds.change']);
    expect((await server.request('GET', `/api/audit?actor=${desk.id}`, ADMIN_TOKEN)).body).toEqual(byDesk);

    // [12:30, 13:00): the tokens issued at minutes 30 to 59.
    const window = (await server.request('GET', '/api/audit?from=2026-11-28T12:30:00Z&to=2026-11-28T15:00:00%2B02:00', ADMIN_TOKEN)).body;
    expect(window).toHaveLength(30);
    expect(window.every((e: Answer) => e.at >= '2026-11-28T12:30:00Z' && e.at < '2026-11-28T13:00:00Z')).toBe(true);
    // a bound with milliseconds: the same entries as its whole second rounded up
    const ms = (await server.request('GET', '/api/audit?from=2026-11-28T12:29:59.500Z&to=2026-11-28T12:59:59.001Z', ADMIN_TOKEN)).body;
    expect(ms).toEqual(window);

    const both = (await server.request('GET', '/api/audit?action=thresholds.change,site.put&actor=admin', ADMIN_TOKEN)).body;
    expect(both).toEqual([]);
  });

  it('refuses a bad question naming the field, for admins only', async () => {
    const { server, desk } = await busyLog();
    const refused = async (query: string, field: string) => {
      const answer = await server.request('GET', `/api/audit${query}`, ADMIN_TOKEN);
      expect(answer.status, query).toBe(400);
      expect(answer.body.error.details.map((d: Answer) => d.field)).toContain(field);
    };
    await refused('?from=2026-11-28T13:00:00Z&to=2026-11-28T12:00:00Z', 'to');
    await refused('?from=yesterday', 'from');
    await refused('?action=token.create,token.steal', 'action[1]');
    await refused('?before=not-an-id', 'before');
    await refused('?before=0b5c3f43-5c39-4a4f-9d3c-2b5c0d1d7f10', 'before');
    const csv = await server.request('GET', '/api/export/audit.csv?from=2026-11-28T13:00:00Z&to=2026-11-28T13:00:00Z', ADMIN_TOKEN);
    expect(csv.status).toBe(400);
    expect(csv.body.error.details).toEqual([{ field: 'to', message: 'must be later than from' }]);
    expect((await server.request('GET', '/api/audit', desk.token)).status).toBe(403);
    expect((await server.request('GET', '/api/export/audit.csv', desk.token)).status).toBe(403);
  });

  it('exports what the filters select as CSV, formulas made text', async () => {
    const { server } = await busyLog();
    const answer = await server.request('GET', '/api/export/audit.csv?action=token.create&to=2026-11-28T12:10:00Z', ADMIN_TOKEN);
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(answer.headers.get('content-disposition')).toBe('attachment; filename=amina-audit-start-20261128T1210Z.csv');
    const rows: string[][] = parse(answer.body as string);
    expect(rows[0]).toEqual(['At', 'Action', 'Actor', 'Actor role', 'Actor token id', 'Subject', 'Request id', 'Entry id', 'Details (JSON)']);
    expect(rows).toHaveLength(11);
    const page = (await server.request('GET', '/api/audit?action=token.create&to=2026-11-28T12:10:00Z', ADMIN_TOKEN)).body;
    expect(rows.slice(1).map((r) => r[7])).toEqual(page.map((e: Answer) => e.id));
    expect(rows[1]).toEqual(expect.arrayContaining(['2026-11-28T12:09:00Z', 'token.create', 'admin (HBM_ADMIN_TOKEN)', 'admin', 'env-admin']));
    // the label typed as a formula is in the details, made text; a comma inside a cell keeps the row whole
    const evil = rows.find((r) => r[8]!.includes('HYPERLINK'))!;
    expect(evil[8]!.startsWith('{')).toBe(true);
    expect(JSON.parse(evil[8]!).label).toBe('=HYPERLINK("http://evil.example","click")');
    expect(rows.every((r) => r.length === 9)).toBe(true);

    // An actor whose label is a formula: its cell starts with an apostrophe.
    const evilToken = (await server.request('GET', '/api/audit?limit=1000', ADMIN_TOKEN)).body.find((e: Answer) => e.details.label?.startsWith('='));
    const issued = await server.request('POST', '/api/tokens', ADMIN_TOKEN, { role: 'admin', label: '=1+2' });
    await server.request('DELETE', `/api/tokens/${evilToken.subject}`, issued.body.token);
    const byEvil: string[][] = parse((await server.request('GET', `/api/export/audit.csv?actor=${issued.body.id}`, ADMIN_TOKEN)).body as string);
    expect(byEvil).toHaveLength(2);
    expect(byEvil[1]![2]).toBe("'=1+2");
  });
});
