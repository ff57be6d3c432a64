// Tokens over HTTP, on SQLite and on PostgreSQL: expiry, coarse last use, listing without secrets,
// a governorate's batch (all or none), revoking many (all or none), and the audit of each.
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { hashToken } from './auth.ts';
import type { Store } from './storage/store.ts';
import { bothStores } from './testing/bothStores.ts';
import { ADMIN_TOKEN, manualClock, startServer, type Answer } from './testing/harness.ts';

const NOW = '2026-11-28T12:00:30Z';
const { STORES, running } = bothStores();

/** The store with its stamps of last use counted, to see that a busy token does not write per request. */
function countingTouches(store: Store): { store: Store; touches: () => number } {
  let touches = 0;
  const touch = store.tokens.touch.bind(store.tokens);
  store.tokens.touch = (...args) => {
    touches += 1;
    return touch(...args);
  };
  return { store, touches: () => touches };
}

const arrivals = (siteId: string) => ({ id: randomUUID(), siteId, observedAt: NOW, kind: 'arrivals', arrivals: 10, periodMinutes: 60 });

for (const [kind, open] of Object.entries(STORES)) {
  describe(`tokens on ${kind}`, () => {
    async function start() {
      const clock = manualClock(NOW);
      const counted = countingTouches(await open());
      const server = await startServer({ clock, store: counted.store });
      running.push(server);
      return { server, clock, touches: counted.touches };
    }

    it('refuses an expired token like a revoked one, saying it expired, and stamps last use once a minute', async () => {
      const { server, clock, touches } = await start();
      const issued = await server.request('POST', '/api/tokens', ADMIN_TOKEN, {
        role: 'reporter',
        sites: ['kalak'],
        label: 'Kalak night shift',
        expiresAt: '2026-11-28T16:00:00+03:00',
      });
      expect(issued.status).toBe(201);
      const token: string = issued.body.token;
      const before = touches();
      for (let i = 0; i < 5; i++) expect((await server.request('GET', '/api/me', token)).status).toBe(200);
      expect(touches() - before).toBe(1);
      let [listed] = (await server.request('GET', '/api/tokens?q=kalak', ADMIN_TOKEN)).body;
      expect(listed).toMatchObject({ id: issued.body.id, state: 'active', expiresAt: '2026-11-28T13:00:00Z', lastUsedAt: '2026-11-28T12:00:00Z' });

      clock.advance(61_000);
      const posted = await server.request('POST', '/api/reports', token, arrivals('kalak'));
      expect(posted.body).toMatchObject({ accepted: [expect.any(String)] });
      expect(touches() - before).toBe(2);
      [listed] = (await server.request('GET', '/api/tokens?q=kalak', ADMIN_TOKEN)).body;
      expect(listed.lastUsedAt).toBe('2026-11-28T12:01:00Z');

      // an expiry already past cannot be issued
      const past = await server.request('POST', '/api/tokens', ADMIN_TOKEN, { role: 'viewer', label: 'x', expiresAt: '2026-11-28T11:00:00Z' });
      expect(past.status).toBe(422);
      expect(past.body.error.details).toEqual([{ field: 'expiresAt', message: 'must be in the future' }]);

      clock.set('2026-11-28T13:00:00Z');
      const refused = await server.request('GET', '/api/me', token);
      expect(refused.status).toBe(401);
      expect(refused.body.error.message).toMatch(/expired at 2026-11-28T13:00:00Z/);
      expect((await server.request('GET', `/api/tokens?state=expired`, ADMIN_TOKEN)).body.map((t: Answer) => t.id)).toEqual([issued.body.id]);
      await expect(server.connect(token)).rejects.toThrow(/expired/);
    });

    it('lists tokens with filters, never the secret nor its hash, and only to admins', async () => {
      const { server } = await start();
      const reporter = await server.request('POST', '/api/tokens', ADMIN_TOKEN, { role: 'reporter', sites: ['peshkhabour'], label: 'Peshkhabour lead' });
      const viewer = await server.request('POST', '/api/tokens', ADMIN_TOKEN, { role: 'viewer', label: 'CCC wall' });
      const coordinator = await server.request('POST', '/api/tokens', ADMIN_TOKEN, { role: 'coordinator', label: 'Erbil desk' });
      const all = await server.request('GET', '/api/tokens', ADMIN_TOKEN);
      expect(all.status).toBe(200);
      expect(all.body.map((t: Answer) => t.label)).toEqual(['Erbil desk', 'CCC wall', 'Peshkhabour lead']);
      const text = JSON.stringify(all.body);
      for (const issued of [reporter, viewer, coordinator]) {
        expect(text).not.toContain(issued.body.token);
        expect(text).not.toContain(hashToken(issued.body.token));
      }
      expect((await server.request('GET', '/api/tokens?role=viewer', ADMIN_TOKEN)).body.map((t: Answer) => t.id)).toEqual([viewer.body.id]);
      expect((await server.request('GET', '/api/tokens?site=peshkhabour', ADMIN_TOKEN)).body.map((t: Answer) => t.id)).toEqual([reporter.body.id]);
      expect((await server.request('GET', '/api/tokens?q=ERBIL', ADMIN_TOKEN)).body.map((t: Answer) => t.id)).toEqual([coordinator.body.id]);
      expect((await server.request('GET', '/api/tokens?role=chief', ADMIN_TOKEN)).status).toBe(400);
      expect((await server.request('GET', '/api/tokens?colour=red', ADMIN_TOKEN)).status).toBe(400);
      // a coordinator sees the thresholds page, never the tokens: the server refuses it
      expect((await server.request('GET', '/api/tokens', coordinator.body.token)).status).toBe(403);
      expect((await server.request('POST', '/api/tokens/batch', coordinator.body.token, { governorate: 'IQG09', label: 'x' })).status).toBe(403);
      expect((await server.request('POST', '/api/tokens/revoke', coordinator.body.token, { ids: [viewer.body.id] })).status).toBe(403);
    });

    it("issues one token per site of a governorate, all or none, and revokes many at once, all or none", async () => {
      const { server } = await start();
      const before = (await server.request('GET', '/api/tokens', ADMIN_TOKEN)).body.length;
      const refused = await server.request('POST', '/api/tokens/batch', ADMIN_TOKEN, { governorate: 'IQG09', kinds: ['checkpoint'], label: '' });
      expect(refused.status).toBe(400);
      expect(refused.body.error.details[0].field).toBe('label');
      const none = await server.request('POST', '/api/tokens/batch', ADMIN_TOKEN, { governorate: 'IQG09', label: 'Duhok', expiresAt: '2026-11-01T00:00:00Z' });
      expect(none.status).toBe(422);
      expect((await server.request('GET', '/api/tokens', ADMIN_TOKEN)).body.length).toBe(before);

      const sites = (await server.request('GET', '/api/sites', ADMIN_TOKEN)).body.filter((s: Answer) => s.governorate === 'IQG09' && s.kind === 'checkpoint');
      const batch = await server.request('POST', '/api/tokens/batch', ADMIN_TOKEN, { governorate: 'IQG09', kinds: ['checkpoint'], label: 'Duhok Dec' });
      expect(batch.status).toBe(201);
      expect(batch.body.tokens.map((t: Answer) => t.siteId).sort()).toEqual(sites.map((s: Answer) => s.id).sort());
      for (const t of batch.body.tokens) {
        const me = await server.request('GET', '/api/me', t.token);
        expect(me.body).toEqual({ role: 'reporter', label: t.label, sites: [t.siteId] });
        expect(t.label).toMatch(/^Duhok Dec · /);
      }
      const ids: string[] = batch.body.tokens.map((t: Answer) => t.id);
      const unknown = randomUUID();
      const partly = await server.request('POST', '/api/tokens/revoke', ADMIN_TOKEN, { ids: [...ids, unknown] });
      expect(partly.status).toBe(422);
      expect(partly.body.error.details).toEqual([{ field: `ids[${ids.length}]`, message: `no token has the id "${unknown}"` }]);
      expect((await server.request('GET', '/api/me', batch.body.tokens[0].token)).status).toBe(200);

      const socket = await server.connect((await server.request('POST', '/api/tokens', ADMIN_TOKEN, { role: 'viewer', label: 'wall' })).body.token);
      const wall = (await server.request('GET', '/api/tokens?q=wall', ADMIN_TOKEN)).body[0].id;
      const closed = new Promise((resolve) => socket.socket.once('disconnect', resolve));
      const revoked = await server.request('POST', '/api/tokens/revoke', ADMIN_TOKEN, { ids: [...ids, wall] });
      expect(revoked.status).toBe(200);
      expect(revoked.body.revoked).toEqual([...ids, wall]);
      await closed;
      for (const t of batch.body.tokens) expect((await server.request('GET', '/api/me', t.token)).status).toBe(401);
      expect((await server.request('GET', '/api/tokens?state=revoked', ADMIN_TOKEN)).body.length).toBe(ids.length + 1);

      const audit = (await server.request('GET', '/api/audit?limit=1000', ADMIN_TOKEN)).body;
      expect(audit.filter((e: Answer) => e.action === 'token.revoke').map((e: Answer) => e.subject).sort()).toEqual([...ids, wall].sort());
      expect(audit.filter((e: Answer) => e.action === 'token.create' && e.details.batch === 'IQG09').length).toBe(ids.length);
    });
  });
}
