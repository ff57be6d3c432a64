// Hostile input, property by property: whatever arrives over HTTP or Socket.IO, the answer is never a
// 5xx nor a stack trace, and a refused request stores nothing.
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { io as connectSocket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canonicalReport, ErrorBody, ReportPost, type Report, type StoredReport } from '../shared/schemas.ts';
import { openSqliteStore } from './storage/sqlite/sqliteStore.ts';
import type { Store } from './storage/store.ts';
import { EVENT_BUDGET } from './realtime.ts';
import { checkAnswer } from './testing/apiConformance.ts';
import { ADMIN_TOKEN, manualClock, startServer, tempDataDir, type Running } from './testing/harness.ts';

const NOW = '2026-11-28T12:00:00Z';
const RUNS = 120;

let server: Running;
let store: Store;
let reporter: string;
let analyst: string;
let alertId: string;
let thresholds: Record<string, unknown>;

beforeAll(async () => {
  const dataDir = tempDataDir();
  store = openSqliteStore(dataDir);
  server = await startServer({
    dataDir,
    store,
    clock: manualClock(NOW),
    // Thousands of requests from one address and one token, on purpose.
    config: { authFailureLimit: 1_000_000, writeLimitPerToken: 1_000_000 },
  });
  reporter = await server.tokenFor('reporter', ['ibrahim-khalil', 'domiz-1', 'domiz-1-clinic']);
  analyst = await server.tokenFor('analyst');
  const closed = { id: randomUUID(), siteId: 'domiz-1-clinic', observedAt: NOW, kind: 'health', status: 'closed' };
  expect((await server.request('POST', '/api/reports', reporter, closed)).status).toBe(201);
  alertId = (await server.request('GET', '/api/alerts?state=active', ADMIN_TOKEN)).body[0].id;
  thresholds = (await server.request('GET', '/api/thresholds', ADMIN_TOKEN)).body;
});

afterAll(async () => {
  await server.stop();
});

// ---- JSON text with what JSON.stringify cannot write: 1e999, duplicate and prototype keys -------

/** A JSON document as text pieces, so that numbers like 1e999 and keys like __proto__ arrive verbatim. */
type Json = { raw: string } | { array: Json[] } | { object: [string, Json][] };

function text(json: Json): string {
  if ('raw' in json) return json.raw;
  if ('array' in json) return `[${json.array.map(text).join(',')}]`;
  return `{${json.object.map(([k, v]) => `${JSON.stringify(k)}:${text(v)}`).join(',')}}`;
}

const raw = (value: unknown): Json => ({ raw: JSON.stringify(value) });

const hostileKey = fc.oneof(
  fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'id', 'kind', 'reports', 'siteId', 'arrivals', 'note', ''),
  fc.string({ maxLength: 12 }),
);

const hostileString = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.constantFrom(
    '',
    ' ',
    '\u0000',
    '\u202e',
    '\ud800',
    '<script>alert(1)</script>',
    "' OR 1=1 --",
    '../../etc/passwd',
    '__proto__',
    'constructor',
    'NaN',
    'Infinity',
    '1e999',
    '-1',
    '12',
    '0x10',
    'true',
    '2026-02-30T11:00:00Z',
    '2026-13-01T00:00:00Z',
    '2026-11-28T24:00:00Z',
    '2026-11-28T11:00:00+25:00',
    '2026-11-28T11:00:00',
    '+275760-09-13T00:00:00Z',
    '0000-00-00T00:00:00Z',
  ),
  // Huge strings: 1 kB to 100 kB.
  fc.integer({ min: 3, max: 5 }).map((n) => 'x'.repeat(10 ** n)),
);

/** Number text JSON.stringify would never write, and edge numbers. */
const hostileNumber = fc.oneof(
  fc.constantFrom('1e999', '-1e999', '-0', '1.5', '1e-400', '9007199254740993', '1e21', '-1', '0', '1000001', '4294967296', '0.1e1'),
  fc.double().filter(Number.isFinite).map((n) => JSON.stringify(n)),
  fc.integer().map(String),
);

const hostileValue: fc.Arbitrary<Json> = fc.letrec<{ value: Json }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    hostileString.map(raw),
    hostileNumber.map((n) => ({ raw: n })),
    fc.constantFrom<Json>({ raw: 'true' }, { raw: 'false' }, { raw: 'null' }),
    fc.array(tie('value'), { maxLength: 4 }).map((array) => ({ array })),
    fc.array(fc.tuple(hostileKey, tie('value')), { maxLength: 4 }).map((object) => ({ object })),
  ),
})).value;

/** Replaces, adds or removes one field of a valid object, nested anywhere one level down. */
function mutate(valid: Record<string, unknown>): fc.Arbitrary<string> {
  const keys = Object.keys(valid);
  const fields = (o: Record<string, unknown>): [string, Json][] => Object.entries(o).map(([k, v]) => [k, raw(v)]);
  return fc.oneof(
    fc.tuple(fc.constantFrom(...keys), hostileValue).map(([key, value]) => text({ object: fields(valid).map(([k, v]) => [k, k === key ? value : v]) })),
    fc.tuple(hostileKey, hostileValue).map(([key, value]) => text({ object: [...fields(valid), [key, value]] })),
    fc.constantFrom(...keys).map((key) => text({ object: fields(valid).filter(([k]) => k !== key) })),
    // The same key twice: JSON.parse keeps the last one.
    fc.tuple(fc.constantFrom(...keys), hostileValue).map(([key, value]) => text({ object: [...fields(valid), [key, value]] })),
  );
}

// ---- Requests and what must hold for every answer -------------------------------------------------

interface Answer {
  status: number;
  text: string;
  contentType: string;
}

async function send(method: string, path: string, token: string | null, body?: string, headers: Record<string, string> = {}): Promise<Answer> {
  const response = await fetch(server.url + path, {
    method,
    headers: {
      ...(token !== null ? { Authorization: `Bearer ${token}` } : {}),
      ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}),
      ...headers,
    },
    body,
  });
  const text = await response.text();
  // Hostile or not, every answer is one the OpenAPI document describes.
  checkAnswer({ method, url: response.url, status: response.status, headers: response.headers, text });
  return { status: response.status, text, contentType: response.headers.get('content-type') ?? '' };
}

/** Neither a server error nor a trace of the code: a file path, a line number, a stack frame. */
function expectSafe(answer: Answer, what: string): void {
  expect(answer.status, `${what} → ${answer.text.slice(0, 300)}`).toBeLessThan(500);
  expect(answer.text).not.toMatch(/\n\s+at |node_modules|\/work\/|\.ts:\d+|Error:/);
  if (answer.status >= 400) {
    expect(answer.contentType).toMatch(/application\/json/);
    const parsed = ErrorBody.safeParse(JSON.parse(answer.text));
    expect(parsed.success, answer.text.slice(0, 300)).toBe(true);
  }
}

/** Everything a write could change, as one comparable string. */
async function state(): Promise<string> {
  return JSON.stringify({
    snapshot: server.app.live.snapshot('real'),
    thresholds: server.app.live.thresholds(),
    sites: server.app.live.sites(),
    alerts: await store.alerts.list('real'),
    audit: await store.audit.list({ limit: 1_000_000 }),
    tokens: await store.tokens.count(),
    reports: await store.reports.count(),
  });
}

/** Sends one hostile request; a refusal must leave every stored thing as it was. */
async function attempt(method: string, path: string, token: string | null, body?: string, headers?: Record<string, string>) {
  const before = await state();
  const answer = await send(method, path, token, body, headers);
  expectSafe(answer, `${method} ${path} ${body?.slice(0, 200) ?? ''}`);
  if (answer.status >= 400) expect(await state()).toBe(before);
  return answer;
}

const byId = (a: { id: string }, b: { id: string }) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

function jsonOrUndefined(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

const validReports = () => [
  { id: randomUUID(), siteId: 'ibrahim-khalil', observedAt: '2026-11-28T11:00:00Z', kind: 'arrivals', arrivals: 3, periodMinutes: 60 },
  { id: randomUUID(), siteId: 'domiz-1', observedAt: '2026-11-28T11:00:00Z', kind: 'occupancy', occupancy: 40 },
  { id: randomUUID(), siteId: 'domiz-1-clinic', observedAt: '2026-11-28T11:00:00Z', kind: 'health', status: 'limited', note: 'no insulin' },
];

const SITE = {
  id: 'hostile-post',
  kind: 'health_post',
  nameEn: 'Post',
  nameAr: 'نقطة',
  governorate: 'IQG09',
  lon: 43,
  lat: 36.9,
};

describe('reports', () => {
  it('a report with one field made hostile is refused whole, or stored as the valid report it still is', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 2 }).chain((kind) => mutate(validReports()[kind]!)), fc.boolean(), async (body, inBatch) => {
        const payload = inBatch ? `{"reports":[${JSON.stringify(validReports()[0])},${body}]}` : body;
        const answer = await attempt('POST', '/api/reports', reporter, payload);
        const parsed = ReportPost.safeParse(jsonOrUndefined(payload));
        if (!parsed.success) {
          expect(answer.status, answer.text).toBe(400);
          return;
        }
        // Still a valid report: stored (201) or refused for what only the server knows (site, time, id).
        expect([201, 403, 409, 422], answer.text).toContain(answer.status);
        if (answer.status !== 201) return;
        // as JSON carries it: -0 is 0 once written
        const sent = ('reports' in parsed.data ? parsed.data.reports : [parsed.data]).map((r) => JSON.parse(JSON.stringify(canonicalReport(r))) as Report);
        const ids = new Set(sent.map((r) => r.id));
        const stored: StoredReport[] = [];
        for await (const r of store.reports.query({ world: 'real' })) if (ids.has(r.id)) stored.push(r);
        // exactly what was sent, field for field, plus the time the server received it
        expect(stored.map(({ receivedAt: _at, ...r }) => r).sort(byId)).toEqual([...new Map(sent.map((r) => [r.id, r])).values()].sort(byId));
      }),
      { numRuns: RUNS * 3 },
    );
  });

  it('any JSON document as a report or a batch is answered safely', async () => {
    await fc.assert(
      fc.asyncProperty(hostileValue, fc.boolean(), async (value, wrap) => {
        await attempt('POST', '/api/reports', reporter, wrap ? text({ object: [['reports', value]] }) : text(value));
      }),
      { numRuns: RUNS },
    );
  });
});

describe('every other write', () => {
  const endpoints = () => [
    { method: 'PUT', path: '/api/thresholds', valid: thresholds, token: ADMIN_TOKEN },
    { method: 'PUT', path: `/api/sites/${SITE.id}`, valid: SITE, token: ADMIN_TOKEN },
    { method: 'POST', path: '/api/tokens', valid: { role: 'reporter', sites: ['domiz-1'], label: 'field' }, token: ADMIN_TOKEN },
    { method: 'POST', path: `/api/alerts/${alertId}/ack`, valid: { note: 'team sent' }, token: analyst },
  ];

  it('a body with one field made hostile is answered safely, and refused without a trace', async () => {
    for (const e of endpoints()) {
      await fc.assert(
        fc.asyncProperty(mutate(e.valid), async (body) => {
          await attempt(e.method, e.path, e.token, body);
        }),
        { numRuns: RUNS },
      );
    }
  });

  it('any JSON document is answered safely', async () => {
    for (const e of endpoints()) {
      await fc.assert(
        fc.asyncProperty(hostileValue, async (value) => {
          await attempt(e.method, e.path, e.token, text(value));
        }),
        { numRuns: RUNS / 2 },
      );
    }
  });
});

describe('bodies no parser should choke on', () => {
  const bombs: [string, string][] = [
    ['100 000 nested arrays', '['.repeat(100_000) + ']'.repeat(100_000)],
    ['50 000 nested objects', '{"a":'.repeat(50_000) + '1' + '}'.repeat(50_000)],
    ['a batch nested 100 000 deep', '{"reports":' + '['.repeat(100_000) + ']'.repeat(100_000) + '}'],
    ['200 000 keys', `{${Array.from({ length: 200_000 }, (_, i) => `"k${i}":0`).join(',')}}`.slice(0, 1_000_000)],
    ['a 900 kB string', JSON.stringify({ note: 'x'.repeat(900_000) })],
    ['a number of 100 000 digits', `{"arrivals":${'9'.repeat(100_000)}}`],
    ['invalid UTF-8', Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d]).toString('latin1')],
    ['unpaired surrogates', '{"id":"\\ud800\\udc00\\ud800"}'],
    ['NaN and Infinity literals', '{"arrivals":NaN,"periodMinutes":Infinity}'],
    ['a truncated document', '{"reports":[{"id":"'],
    ['an empty body', ''],
    ['a byte order mark', '\ufeff{}'],
  ];
  it.each(bombs)('%s', async (_name, body) => {
    for (const path of ['/api/reports', '/api/thresholds', '/api/tokens', `/api/alerts/${alertId}/ack`, `/api/sites/${SITE.id}`]) {
      const method = path.startsWith('/api/reports') || path.startsWith('/api/tokens') || path.includes('/ack') ? 'POST' : 'PUT';
      await attempt(method, path, path.includes('/ack') ? analyst : path === '/api/reports' ? reporter : ADMIN_TOKEN, body);
    }
  });

  it('other content types and encodings', async () => {
    const cases: Record<string, string>[] = [
      { 'Content-Type': 'text/plain' },
      { 'Content-Type': 'application/x-www-form-urlencoded' },
      { 'Content-Type': 'multipart/form-data; boundary=x' },
      { 'Content-Type': 'application/json; charset=utf-16' },
      { 'Content-Type': 'application/json; charset=klingon' },
      { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' },
      { 'Content-Type': 'application/json', 'Content-Encoding': 'br' },
      { 'Content-Type': 'application/json', 'Content-Encoding': 'zstd' },
    ];
    for (const headers of cases) {
      await attempt('POST', '/api/reports', reporter, JSON.stringify(validReports()[0]), headers);
    }
  });
});

describe('addresses, query strings and headers', () => {
  const segment = fc.oneof(
    fc.string({ maxLength: 30 }).map(encodeURIComponent),
    fc.constantFrom('outline', 'toString', 'hasOwnProperty', 'IQG09', '%', '%E0%A4%A', '%00', '%2F..%2F', '..', '__proto__', 'constructor', '%ZZ', 'a'.repeat(5000), '%F0%9F%98%80', '.%2e'),
  );
  const query = fc.array(
    fc.tuple(
      fc.constantFrom('hours', 'state', 'limit', 'from', 'to', 'hours[]', 'state[a]', '__proto__', 'constructor[prototype]', 'x'),
      fc.oneof(segment, fc.constantFrom('1e999', 'NaN', '-1', '0', '721', '24.5', 'Infinity', '2026-02-30T00:00:00Z', 'active,,', 'active,open')),
    ),
    { maxLength: 4 },
  );
  const paths = [
    (s: string) => `/api/governorates/${s}/series`,
    (s: string) => `/api/context/${s}`,
    () => '/api/governorates/IQG09/series',
    () => '/api/alerts',
    () => '/api/audit',
    () => '/api/export/reports.csv',
    () => '/api/export/alerts.cap',
    () => '/api/snapshot',
    (s: string) => `/api/${s}`,
  ];

  it('odd reads are answered safely', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: paths.length - 1 }), segment, query, async (i, s, q) => {
        const qs = q.map(([k, v]) => `${k}=${v}`).join('&');
        const answer = await attempt('GET', paths[i]!(s) + (qs ? `?${qs}` : ''), ADMIN_TOKEN);
        // A map layer is found by its own name only, never through the prototype (__proto__, constructor).
        if (i === 1 && answer.status === 200) expect(['outline', 'neighbours', 'physical']).toContain(decodeURIComponent(s));
      }),
      { numRuns: RUNS * 2 },
    );
  });

  it('odd ids in write addresses are refused safely', async () => {
    await fc.assert(
      fc.asyncProperty(segment, async (s) => {
        await attempt('POST', `/api/alerts/${s}/ack`, analyst, '{}');
        await attempt('DELETE', `/api/tokens/${s}`, ADMIN_TOKEN);
        await attempt('PUT', `/api/sites/${s}`, ADMIN_TOKEN, JSON.stringify(SITE));
      }),
      { numRuns: RUNS },
    );
  });

  it('odd Authorization headers are 401, never more', async () => {
    const header = fc.oneof(
      fc.string({ maxLength: 60 }).map((s) => `Bearer ${s}`),
      fc.string({ maxLength: 60 }),
      fc.constantFrom('Bearer', 'Bearer ', 'bearer x', 'Basic YWRtaW46YWRtaW4=', `Bearer ${ADMIN_TOKEN} extra`, `Bearer ${'a'.repeat(10_000)}`, `Bearer\t${ADMIN_TOKEN}x`),
    );
    await fc.assert(
      fc.asyncProperty(header, async (authorization) => {
        // Header values must be bytes a client can send: leave out what fetch itself refuses.
        fc.pre(/^[\t\x20-\x7e]*$/.test(authorization));
        const answer = await attempt('POST', '/api/reports', null, JSON.stringify(validReports()[0]), { Authorization: authorization });
        expect(answer.status).toBe(401);
      }),
      { numRuns: RUNS },
    );
  });
});

describe('Socket.IO', () => {
  function handshake(auth: unknown): Promise<{ connected: boolean; message?: string }> {
    return new Promise((resolve) => {
      const socket = connectSocket(server.url, { auth: auth as object, transports: ['websocket'], reconnection: false });
      socket.once('snapshot', () => {
        socket.disconnect();
        resolve({ connected: true });
      });
      socket.once('connect_error', (err) => {
        socket.disconnect();
        resolve({ connected: false, message: err.message });
      });
    });
  }

  it('any handshake auth but a valid token is refused with a plain message', async () => {
    const auth = fc.oneof(
      fc.anything({ maxDepth: 3 }).map((token) => ({ token })),
      fc.dictionary(fc.string({ maxLength: 10 }), fc.anything({ maxDepth: 2 }), { maxKeys: 4 }),
      fc.constantFrom({ token: '' }, { token: ADMIN_TOKEN + ' ' }, { token: 'x'.repeat(100_000) }, { token: ['a'] }, { token: { toString: 'x' } }),
    );
    await fc.assert(
      fc.asyncProperty(auth, async (a) => {
        const before = await state();
        const result = await handshake(a);
        expect(result.connected).toBe(false);
        expect(result.message).toMatch(/^unauthorized: send a valid token/);
        expect(await state()).toBe(before);
      }),
      { numRuns: RUNS / 2 },
    );
  });

  it('events a client may not send, with any payload, change nothing and break nothing', async () => {
    const { socket } = await server.connect(ADMIN_TOKEN);
    const refused: string[] = [];
    socket.on('refused', (reason) => refused.push(reason.code));
    const before = await state();
    const event = fc.oneof(fc.constantFrom('resync', 'update', 'snapshot', 'report', 'ack', '__proto__', 'constructor', 'disconnect', 'error'), fc.string({ maxLength: 20 }));
    await fc.assert(
      fc.asyncProperty(event, fc.array(fc.anything({ maxDepth: 3 }), { maxLength: 3 }), async (name, args) => {
        fc.pre(!['connect', 'connect_error', 'disconnect', 'disconnecting', 'newListener', 'removeListener'].includes(name));
        (socket.emit as (event: string, ...args: unknown[]) => void)(name, ...args);
      }),
      { numRuns: RUNS },
    );
    // Malformed Socket.IO packets straight onto the wire: the server drops that connection, nothing more.
    const wire = await server.connect(ADMIN_TOKEN);
    const dropped = new Promise<string>((resolve) => wire.socket.once('disconnect', resolve));
    (wire.socket.io.engine as unknown as { write(data: string): void }).write('2{"not":"a packet"');
    expect(await dropped).toMatch(/transport close|server disconnect/);

    // So many events spend the socket's budget: it was told why and closed, and a new one works.
    expect(RUNS).toBeGreaterThan(EVENT_BUDGET.events);
    await expect.poll(() => refused).toEqual(['too_many_events']);
    expect(socket.connected).toBe(false);
    const again = await server.connect(ADMIN_TOKEN);
    const fresh = new Promise((resolve) => again.socket.once('snapshot', resolve));
    await new Promise((r) => setTimeout(r, 1100));
    again.socket.emit('resync');
    await fresh;
    expect(await state()).toBe(before);
    expect((await send('GET', '/api/health', null)).status).toBe(200);
    socket.disconnect();
  });
});
