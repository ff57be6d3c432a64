// Reports by SMS over real HTTP, without a gateway: the phone registry and the Kannel endpoint as
// smsbox calls it. (server/sms.kannel.test.ts runs the same through a real Kannel.)
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from './app.ts';
import { ADMIN_TOKEN, manualClock, startServer, type Answer, type Running } from './testing/harness.ts';

const NOW = '2026-11-28T12:00:00Z'; // 15:00 in Baghdad
const PHONE_SECRET = 'phone-hash-secret-for-tests-0123456789abcdef';
const GATEWAY_SECRET = 'gateway-secret-for-tests-0123';
const NUMBER = '+9647501234512';

let server: Running | undefined;
afterEach(async () => {
  await server?.stop();
  server = undefined;
});

async function start(lines: string[] = []) {
  const sink = new Writable({
    write(chunk, _encoding, done) {
      lines.push(...String(chunk).split('\n').filter(Boolean));
      done();
    },
  });
  server = await startServer({
    clock: manualClock(NOW),
    config: { phoneHashSecret: PHONE_SECRET, smsGatewaySecret: GATEWAY_SECRET, logLevel: 'debug' },
    logger: createLogger('debug', sink),
  });
  return server;
}

function sms(s: Running, from: string, text: string, id: string, secret: string | null = GATEWAY_SECRET) {
  const query = new URLSearchParams({ ...(secret ? { secret } : {}), from, text, id });
  return s.request('GET', `/api/sms/kannel?${query}`, null);
}

async function reporterWithPhone(s: Running, sites: string[], number = NUMBER) {
  const issued = await s.request('POST', '/api/tokens', ADMIN_TOKEN, { role: 'reporter', sites, label: 'IK day shift' });
  const phone = await s.request('POST', '/api/phones', ADMIN_TOKEN, { number, tokenId: issued.body.id, label: 'IK lead' });
  expect(phone.status).toBe(201);
  return { tokenId: issued.body.id as string, phone: phone.body };
}

const arrivals1h = async (s: Running, siteId: string) =>
  (await s.request('GET', '/api/snapshot', ADMIN_TOKEN)).body.sites.find((x: Answer) => x.id === siteId).arrivals1h;

describe('the phone registry', () => {
  it('registers a number to a reporter token, shows it masked, refuses it twice, and deletes it', async () => {
    const lines: string[] = [];
    const s = await start(lines);
    const { tokenId, phone } = await reporterWithPhone(s, ['ibrahim-khalil']);
    expect(phone).toMatchObject({ masked: '+9647•••••••12', label: 'IK lead', tokenId, tokenLabel: 'IK day shift', sites: ['ibrahim-khalil'], revoked: false });
    expect(JSON.stringify(phone)).not.toContain('750123');

    const again = await s.request('POST', '/api/phones', ADMIN_TOKEN, { number: '+964 750 123 4512', tokenId, label: 'again' });
    expect(again.status).toBe(422);
    expect(again.body.error.details[0].field).toBe('number');

    const local = await s.request('POST', '/api/phones', ADMIN_TOKEN, { number: '07501234599', tokenId, label: 'x' });
    expect(local.status).toBe(400);
    expect(local.body.error.details[0].field).toBe('number');
    expect(JSON.stringify(local.body)).not.toContain('07501234599');

    const viewer = await s.request('POST', '/api/tokens', ADMIN_TOKEN, { role: 'viewer', label: 'wall' });
    const notReporter = await s.request('POST', '/api/phones', ADMIN_TOKEN, { number: '+9647509999999', tokenId: viewer.body.id, label: 'x' });
    expect(notReporter.status).toBe(422);
    expect(notReporter.body.error.details[0].field).toBe('tokenId');
    expect((await s.request('POST', '/api/phones', ADMIN_TOKEN, { number: '+9647509999999', tokenId: 'nope', label: 'x' })).status).toBe(422);
    expect((await s.request('GET', '/api/phones', viewer.body.token)).status).toBe(403);

    const list = await s.request('GET', '/api/phones', ADMIN_TOKEN);
    expect(list.body.map((p: Answer) => p.id)).toEqual([phone.id]);

    const audit = await s.request('GET', '/api/audit?limit=10', ADMIN_TOKEN);
    expect(audit.body.map((e: Answer) => e.action)).toContain('phone.register');
    expect((await s.request('DELETE', `/api/phones/${phone.id}`, ADMIN_TOKEN)).status).toBe(204);
    expect((await s.request('DELETE', `/api/phones/${phone.id}`, ADMIN_TOKEN)).status).toBe(404);
    expect((await s.request('GET', '/api/audit?limit=10', ADMIN_TOKEN)).body[0].action).toBe('phone.delete');
    expect(JSON.stringify((await s.request('GET', '/api/audit?limit=10', ADMIN_TOKEN)).body)).not.toContain('7501234512');
    expect(lines.join('\n')).not.toContain('7501234512');
  });

  it('refuses to register when no PHONE_HASH_SECRET is set', async () => {
    server = await startServer({ clock: manualClock(NOW) });
    const issued = await server.request('POST', '/api/tokens', ADMIN_TOKEN, { role: 'reporter', sites: ['ibrahim-khalil'], label: 'IK' });
    const answer = await server.request('POST', '/api/phones', ADMIN_TOKEN, { number: NUMBER, tokenId: issued.body.id, label: 'x' });
    expect(answer.status).toBe(422);
    expect(answer.body.error.message).toContain('PHONE_HASH_SECRET');
  });
});

describe('the Kannel endpoint', () => {
  it('needs the gateway secret, refuses unknown numbers, and stores a message once', async () => {
    const lines: string[] = [];
    const s = await start(lines);
    await reporterWithPhone(s, ['ibrahim-khalil', 'ibrahim-khalil-health']);

    expect((await sms(s, NUMBER, 'A IK 250 1h', 'm0', null)).status).toBe(401);
    expect((await sms(s, NUMBER, 'A IK 250 1h', 'm0', 'wrong-secret-0123456789')).status).toBe(401);
    expect(await arrivals1h(s, 'ibrahim-khalil')).toBe(0);

    const stranger = await sms(s, '+9647700000000', 'A IK 999 1h', 'm1');
    expect(stranger.status).toBe(200);
    expect(stranger.body).toBe('This phone number is not registered with Amina. Ask your coordinator to add it.');
    expect(await arrivals1h(s, 'ibrahim-khalil')).toBe(0);

    const first = await sms(s, NUMBER, 'A IK 250 1h', 'm2');
    expect(first.status).toBe(200);
    expect(first.headers.get('x-kannel-coding')).toBe('0');
    expect(first.body).toMatch(/^IK: 250 arrivals in the last 1 h, stored 15:00, ref [0-9A-F]{4}$/);
    expect(await arrivals1h(s, 'ibrahim-khalil')).toBe(250);

    // The gateway retries the same message: the same reply, nothing stored twice.
    const retry = await sms(s, NUMBER, 'A IK 250 1h', 'm2');
    expect(retry.body).toBe(first.body);
    expect(await arrivals1h(s, 'ibrahim-khalil')).toBe(250);

    // The lead sends the same text again: a question, nothing stored.
    const resend = await sms(s, '009647501234512', 'a ik 250 1H', 'm3');
    expect(resend.body).toBe('IK: 250 arrivals in the last 1 h was stored at 15:00. Is this a new count? Then send it again ending in +');
    expect(await arrivals1h(s, 'ibrahim-khalil')).toBe(250);

    // Confirmed with +: stored, and the reply says it overlaps.
    const confirmed = await sms(s, NUMBER, 'A IK 250 1h +', 'm4');
    expect(confirmed.body).toMatch(/^IK: 250 arrivals in the last 1 h, stored 15:00, ref [0-9A-F]{4} Overlaps the report of 15:00\.$/);
    expect(await arrivals1h(s, 'ibrahim-khalil')).toBe(500);

    const arabic = await sms(s, NUMBER, 'ص IKH مغلق لا يوجد انسولين', 'm5');
    expect(arabic.headers.get('x-kannel-coding')).toBe('2');
    expect(arabic.body).toMatch(/^IKH: مغلق، حُفظ ١٥:٠٠، المرجع [0-9A-F]{4}$/);
    const snapshot = await s.request('GET', '/api/snapshot', ADMIN_TOKEN);
    expect(snapshot.body.sites.find((x: Answer) => x.id === 'ibrahim-khalil-health').status).toBe('closed');

    const wrong = await sms(s, NUMBER, 'گ DOM1 ٢٥٠', 'm6');
    expect(wrong.body).toBe('DOM1 لە شوێنەکانی ئەم مۆبایلە نییە: IK، IKH');
    const garbled = await sms(s, NUMBER, 'A IK', 'm7');
    expect(garbled.body).toBe('Not understood: the count is missing. Example: A IK 250 1h');

    const audit = await s.request('GET', '/api/audit?limit=20', ADMIN_TOKEN);
    const posts = audit.body.filter((e: Answer) => e.action === 'reports.post');
    expect(posts).toHaveLength(3);
    expect(posts[0].details).toMatchObject({ via: 'sms', gateway: 'kannel' });
    expect(posts[0].actor.label).toBe('IK day shift · SMS IK lead');
    const log = lines.join('\n');
    expect(log).toContain('/sms/kannel');
    expect(log).not.toContain('7501234512');
    expect(log).not.toContain(GATEWAY_SECRET);
    expect(log).not.toContain(PHONE_SECRET);
  });

  it('refuses a revoked token\'s phone, and a deleted phone', async () => {
    const s = await start();
    const { tokenId, phone } = await reporterWithPhone(s, ['ibrahim-khalil']);
    expect((await sms(s, NUMBER, 'A IK 10', 'r1')).body).toMatch(/^IK: 10 arrivals/);
    expect((await s.request('DELETE', `/api/tokens/${tokenId}`, ADMIN_TOKEN)).status).toBe(204);
    expect((await sms(s, NUMBER, 'A IK 20', 'r2')).body).toContain('not registered');
    await s.request('DELETE', `/api/phones/${phone.id}`, ADMIN_TOKEN);
    expect((await sms(s, NUMBER, 'A IK 30', 'r3')).body).toContain('not registered');
    expect(await arrivals1h(s, 'ibrahim-khalil')).toBe(10);
  });
});
