// POST /api/sites/import on SQLite and PostgreSQL: a dry run lists every change and changes nothing;
// applying writes all or, with any refused row, none; each write is audited.
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { bothStores } from './testing/bothStores.ts';
import { ADMIN_TOKEN, manualClock, startServer, type Answer } from './testing/harness.ts';

const NOW = '2026-11-28T12:00:00Z';
const { STORES, running } = bothStores();

const HEADER = 'id,kind,nameEn,nameAr,governorate,lon,lat,capacity';

for (const [kind, open] of Object.entries(STORES)) {
  describe(`importing sites on ${kind}`, () => {
    it('previews every change, refuses a file with a bad row whole, and applies a good one at once', async () => {
      const server = await startServer({ clock: manualClock(NOW), store: await open() });
      running.push(server);
      const reporter = await server.tokenFor('reporter', ['domiz-1-clinic']);
      await server.request('POST', '/api/reports', reporter, { id: randomUUID(), siteId: 'domiz-1-clinic', observedAt: NOW, kind: 'health', status: 'limited' });
      const before = (await server.request('GET', '/api/sites', ADMIN_TOKEN)).body;
      const domiz = before.find((s: Answer) => s.id === 'domiz-1');
      const row = (s: Answer, capacity = s.capacity) => [s.id, s.kind, s.nameEn, s.nameAr, s.governorate, s.lon, s.lat, capacity ?? ''].join(',');
      const good = [HEADER, 'erbil-new,shelter,Erbil new,مخيم,IQG11,44.05,36.2,1500', row(domiz, 30_000), row(before.find((s: Answer) => s.id === 'arbat'))].join('\n');
      // the clinic has reports: it cannot become a shelter
      const bad = `${good}\ndomiz-1-clinic,shelter,Domiz clinic,عيادة,IQG09,42.89,36.78,100\nbroken,shelter,,,IQG99,,,`;

      const preview = await server.request('POST', '/api/sites/import', ADMIN_TOKEN, { csv: bad });
      expect(preview.status).toBe(200);
      expect(preview.body.applied).toBe(false);
      expect(preview.body.changes.map((c: Answer) => [c.id, c.change])).toEqual([
        ['erbil-new', 'new'],
        ['domiz-1', 'changed'],
        ['arbat', 'unchanged'],
        ['domiz-1-clinic', 'refused'],
      ]);
      expect(preview.body.changes[1].fields).toEqual([{ field: 'capacity', from: domiz.capacity, to: 30_000 }]);
      expect(preview.body.changes[3].reason).toMatch(/has reports as a health_post/);
      expect(preview.body.problems.map((p: Answer) => p.line)).toContain(6);

      const refused = await server.request('POST', '/api/sites/import', ADMIN_TOKEN, { csv: bad, apply: true });
      expect(refused.status).toBe(422);
      expect((await server.request('GET', '/api/sites', ADMIN_TOKEN)).body).toEqual(before);

      const applied = await server.request('POST', '/api/sites/import', ADMIN_TOKEN, { csv: good, apply: true });
      expect(applied.status).toBe(200);
      expect(applied.body.applied).toBe(true);
      const after = (await server.request('GET', '/api/sites', ADMIN_TOKEN)).body;
      expect(after.find((s: Answer) => s.id === 'erbil-new')).toMatchObject({ governorate: 'IQG11', lon: 44.05, capacity: 1500 });
      expect(after.find((s: Answer) => s.id === 'domiz-1').capacity).toBe(30_000);
      const audit = (await server.request('GET', '/api/audit?limit=5', ADMIN_TOKEN)).body.map((e: Answer) => `${e.action} ${e.subject}`);
      expect(audit.slice(0, 2).sort()).toEqual(['site.put domiz-1', 'site.put erbil-new']);

      const reporterTry = await server.request('POST', '/api/sites/import', reporter, { csv: good });
      expect(reporterTry.status).toBe(403);
      expect((await server.request('POST', '/api/sites/import', ADMIN_TOKEN, { csv: 'id\n"open' })).status).toBe(400);
    });
  });
}
