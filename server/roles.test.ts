// Every endpoint and the socket handshake against every role, no token, an unknown and a revoked token:
// allowed, or 401/403 exactly as the contract says. Refused writes change nothing.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../shared/schemas.ts';
import { openSqliteStore } from './storage/sqlite/sqliteStore.ts';
import type { Store } from './storage/store.ts';
import { ADMIN_TOKEN, manualClock, startServer, tempDataDir, waitFor, type Running } from './testing/harness.ts';

const NOW = '2026-11-28T12:00:00Z';
const ROLES: Role[] = ['viewer', 'analyst', 'reporter', 'coordinator', 'admin'];
type Who = Role | 'no token' | 'unknown token' | 'revoked token';
const WHO: Who[] = [...ROLES, 'no token', 'unknown token', 'revoked token'];
const NOT_AUTHENTICATED: Who[] = ['no token', 'unknown token', 'revoked token'];

/** The contract's role column: the least role, and who else may. */
const READERS: Who[] = ['viewer', 'analyst', 'coordinator', 'admin'];
const ANALYSTS: Who[] = ['analyst', 'coordinator', 'admin'];
const COORDINATORS: Who[] = ['coordinator', 'admin'];
const ADMINS: Who[] = ['admin'];
const TOKEN_HOLDERS: Who[] = [...ROLES];

let server: Running;
const tokens = new Map<Who, string | null>();
let alertId: string;
let thresholds: unknown;
let site: unknown;

interface Case {
  name: string;
  method: string;
  allowed: Who[];
  /** the status when allowed */
  ok: number;
  /** the request to make; called once per attempt, so it may create what the request consumes */
  request(): Promise<{ path: string; body?: unknown }>;
  /** true when a refused attempt must leave the audit log as it was */
  write?: boolean;
}

function arrivals(siteId: string) {
  return { id: randomUUID(), siteId, observedAt: '2026-11-28T11:30:00Z', kind: 'arrivals', arrivals: 3, periodMinutes: 60 };
}

const CASES: Case[] = [
  { name: 'GET /api/health', method: 'GET', allowed: WHO, ok: 200, request: async () => ({ path: '/api/health' }) },
  { name: 'GET /api/me', method: 'GET', allowed: TOKEN_HOLDERS, ok: 200, request: async () => ({ path: '/api/me' }) },
  { name: 'GET /api/sites', method: 'GET', allowed: TOKEN_HOLDERS, ok: 200, request: async () => ({ path: '/api/sites' }) },
  {
    name: 'GET /api/sites/:id/reports',
    method: 'GET',
    allowed: TOKEN_HOLDERS,
    ok: 200,
    request: async () => ({ path: '/api/sites/ibrahim-khalil/reports?hours=6' }),
  },
  { name: 'GET /api/governorates', method: 'GET', allowed: READERS, ok: 200, request: async () => ({ path: '/api/governorates' }) },
  { name: 'GET /api/context/:layer', method: 'GET', allowed: READERS, ok: 200, request: async () => ({ path: '/api/context/outline' }) },
  { name: 'GET /api/snapshot', method: 'GET', allowed: READERS, ok: 200, request: async () => ({ path: '/api/snapshot' }) },
  {
    name: 'GET /api/governorates/:pcode/series',
    method: 'GET',
    allowed: READERS,
    ok: 200,
    request: async () => ({ path: '/api/governorates/IQG09/series?hours=6' }),
  },
  { name: 'GET /api/thresholds', method: 'GET', allowed: READERS, ok: 200, request: async () => ({ path: '/api/thresholds' }) },
  { name: 'GET /api/alerts', method: 'GET', allowed: READERS, ok: 200, request: async () => ({ path: '/api/alerts?state=active,acknowledged' }) },
  { name: 'GET /api/export/reports.csv', method: 'GET', allowed: READERS, ok: 200, request: async () => ({ path: '/api/export/reports.csv' }) },
  { name: 'GET /api/export/alerts.cap', method: 'GET', allowed: READERS, ok: 200, request: async () => ({ path: '/api/export/alerts.cap' }) },
  { name: 'GET /api/audit', method: 'GET', allowed: ADMINS, ok: 200, request: async () => ({ path: '/api/audit' }) },
  {
    name: 'POST /api/reports',
    method: 'POST',
    allowed: ['reporter', 'admin'],
    ok: 201,
    write: true,
    request: async () => ({ path: '/api/reports', body: arrivals('ibrahim-khalil') }),
  },
  {
    name: 'POST /api/alerts/:id/ack',
    method: 'POST',
    allowed: ANALYSTS,
    ok: 200,
    write: true,
    request: async () => ({ path: `/api/alerts/${alertId}/ack`, body: { note: 'seen' } }),
  },
  {
    name: 'PUT /api/thresholds',
    method: 'PUT',
    allowed: COORDINATORS,
    ok: 200,
    write: true,
    request: async () => ({ path: '/api/thresholds', body: thresholds }),
  },
  {
    name: 'PUT /api/sites/:id',
    method: 'PUT',
    allowed: ADMINS,
    ok: 200,
    write: true,
    request: async () => ({ path: '/api/sites/ibrahim-khalil', body: site }),
  },
  {
    name: 'POST /api/tokens',
    method: 'POST',
    allowed: ADMINS,
    ok: 201,
    write: true,
    request: async () => ({ path: '/api/tokens', body: { role: 'viewer', label: 'wall' } }),
  },
  {
    name: 'DELETE /api/tokens/:id',
    method: 'DELETE',
    allowed: ADMINS,
    ok: 204,
    write: true,
    request: async () => {
      const issued = await server.request('POST', '/api/tokens', ADMIN_TOKEN, { role: 'viewer', label: 'to revoke' });
      return { path: `/api/tokens/${issued.body.id}` };
    },
  },
  { name: 'DELETE /api/exercise', method: 'DELETE', allowed: ADMINS, ok: 200, write: true, request: async () => ({ path: '/api/exercise' }) },
];

beforeAll(async () => {
  // Many deliberate 401s from one address: lift the guessing limit, which security.test.ts covers.
  server = await startServer({ clock: manualClock(NOW), config: { authFailureLimit: 100_000 } });
  tokens.set('admin', ADMIN_TOKEN);
  for (const role of ROLES.filter((r) => r !== 'admin')) {
    tokens.set(role, await server.tokenFor(role, role === 'reporter' ? ['ibrahim-khalil', 'domiz-1-clinic'] : undefined));
  }
  tokens.set('no token', null);
  tokens.set('unknown token', 'a-token-nobody-issued-0123456789abcdef');
  // A revoked admin token: what it could do before counts for nothing now.
  const revoked = await server.request('POST', '/api/tokens', ADMIN_TOKEN, { role: 'admin', label: 'former admin' });
  expect((await server.request('DELETE', `/api/tokens/${revoked.body.id}`, ADMIN_TOKEN)).status).toBe(204);
  tokens.set('revoked token', revoked.body.token);

  const closed = { id: randomUUID(), siteId: 'domiz-1-clinic', observedAt: NOW, kind: 'health', status: 'closed' };
  expect((await server.request('POST', '/api/reports', tokens.get('reporter')!, closed)).status).toBe(201);
  alertId = (await server.request('GET', '/api/alerts?state=active', ADMIN_TOKEN)).body[0].id;
  thresholds = (await server.request('GET', '/api/thresholds', ADMIN_TOKEN)).body;
  site = (await server.request('GET', '/api/sites', ADMIN_TOKEN)).body.find((s: { id: string }) => s.id === 'ibrahim-khalil');
});

afterAll(async () => {
  await server.stop();
});

describe.each(CASES)('$name', (c) => {
  it.each(WHO)('as %s', async (who) => {
    const expected = c.allowed.includes(who) ? c.ok : NOT_AUTHENTICATED.includes(who) ? 401 : 403;
    const { path, body } = await c.request();
    const auditBefore = (await server.request('GET', '/api/audit?limit=1000', ADMIN_TOKEN)).body.length;
    const answer = await server.request(c.method, path, tokens.get(who)!, body);
    expect(answer.status, JSON.stringify(answer.body)).toBe(expected);
    if (expected >= 400) {
      expect(answer.body.error).toMatchObject({ code: expected === 401 ? 'unauthorized' : 'forbidden', message: expect.any(String) });
      const auditAfter = (await server.request('GET', '/api/audit?limit=1000', ADMIN_TOKEN)).body.length;
      expect(auditAfter).toBe(auditBefore);
    } else if (c.write) {
      const [latest] = (await server.request('GET', '/api/audit?limit=1', ADMIN_TOKEN)).body;
      expect(latest.actor.role).toBe(who);
    }
  });
});

describe('the socket handshake', () => {
  it.each(WHO)('as %s', async (who) => {
    const expected = READERS.includes(who) ? 'snapshot' : NOT_AUTHENTICATED.includes(who) ? 'unauthorized' : 'forbidden';
    const token = tokens.get(who);
    if (expected === 'snapshot') {
      const { snapshot, socket } = await server.connect(token!);
      expect(snapshot.seq).toEqual(expect.any(Number));
      socket.disconnect();
    } else {
      await expect(server.connect(token as string)).rejects.toThrow(new RegExp(`^${expected}`));
    }
  });
});

describe('a reporter', () => {
  it('never posts for a site not on its token, alone or hidden in a batch, and nothing of the batch is stored', async () => {
    const reporter = tokens.get('reporter')!;
    const before = (await server.request('GET', '/api/snapshot', ADMIN_TOKEN)).body.national.arrivals24h;
    const alone = await server.request('POST', '/api/reports', reporter, arrivals('peshkhabour'));
    expect(alone.status).toBe(403);
    const hidden = await server.request('POST', '/api/reports', reporter, { reports: [arrivals('ibrahim-khalil'), arrivals('peshkhabour')] });
    expect(hidden.status).toBe(403);
    expect(hidden.body.error.details).toEqual([{ field: 'reports[1].siteId', message: expect.stringContaining('peshkhabour') }]);
    // An unknown site is refused as forbidden too: a reporter learns nothing about other sites.
    expect((await server.request('POST', '/api/reports', reporter, arrivals('atlantis'))).status).toBe(403);
    expect((await server.request('GET', '/api/snapshot', ADMIN_TOKEN)).body.national.arrivals24h).toBe(before);
    const sites = (await server.request('GET', '/api/sites', reporter)).body.map((s: { id: string }) => s.id);
    expect(sites.sort()).toEqual(['domiz-1-clinic', 'ibrahim-khalil']);
  });
});

describe('revoking a token', () => {
  it('takes effect at once for requests and for every open socket of that token, and only that token', async () => {
    const issued = await server.request('POST', '/api/tokens', ADMIN_TOKEN, { role: 'analyst', label: 'night desk' });
    const analyst: string = issued.body.token;
    const other = await server.tokenFor('viewer');
    const first = await server.connect(analyst);
    const second = await server.connect(analyst);
    const bystander = await server.connect(other);
    const reasons: string[] = [];
    first.socket.on('disconnect', (reason) => reasons.push(reason));
    second.socket.on('disconnect', (reason) => reasons.push(reason));

    expect((await server.request('DELETE', `/api/tokens/${issued.body.id}`, ADMIN_TOKEN)).status).toBe(204);
    // The very next request is refused: no cache stands between revocation and authentication.
    expect((await server.request('POST', `/api/alerts/${alertId}/ack`, analyst, {})).status).toBe(401);
    await waitFor('both sockets closed', () => reasons.length === 2);
    expect(reasons).toEqual(['io server disconnect', 'io server disconnect']);
    expect(bystander.socket.connected).toBe(true);
    await expect(server.connect(analyst)).rejects.toThrow(/^unauthorized/);
    bystander.socket.disconnect();
  });

  it('also closes a handshake that the revocation overtakes between its token lookup and joining its room', async () => {
    const dataDir = tempDataDir();
    const sqlite = openSqliteStore(dataDir);
    let duringLookup: (() => Promise<void>) | undefined;
    // The real store, with a hook that runs the revocation while the handshake's lookup is under way.
    const tokens = sqlite.tokens;
    const store: Store = {
      ...sqlite,
      close: () => sqlite.close(),
      init: (seed) => sqlite.init(seed),
      tokens: {
        ...tokens,
        async findByHash(hash: string) {
          const record = await tokens.findByHash(hash);
          const hook = duringLookup;
          duringLookup = undefined;
          await hook?.();
          return record;
        },
      },
    };
    const raced = await startServer({ dataDir, store, clock: manualClock(NOW) });
    try {
      const issued = await raced.request('POST', '/api/tokens', ADMIN_TOKEN, { role: 'viewer', label: 'raced' });
      duringLookup = async () => {
        expect((await raced.request('DELETE', `/api/tokens/${issued.body.id}`, ADMIN_TOKEN)).status).toBe(204);
      };
      await expect(raced.connect(issued.body.token)).rejects.toThrow(/^unauthorized/);
      expect(duringLookup).toBeUndefined();
    } finally {
      await raced.stop();
    }
  });
});
