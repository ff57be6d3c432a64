// Short site codes over real HTTP: listed with the registry, and one code names one site only.
import { afterEach, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, startServer, type Answer, type Running } from './testing/harness.ts';

let server: Running | undefined;
afterEach(async () => {
  await server?.stop();
  server = undefined;
});

describe('site codes', () => {
  it('lists every site with a unique code, and refuses a PUT that would give a code twice', async () => {
    server = await startServer();
    const sites = await server.request('GET', '/api/sites', ADMIN_TOKEN);
    expect(sites.status).toBe(200);
    const codes = sites.body.map((s: Answer) => s.code);
    expect(codes.every((c: unknown) => typeof c === 'string')).toBe(true);
    expect(new Set(codes).size).toBe(codes.length);
    expect(sites.body.find((s: Answer) => s.id === 'ibrahim-khalil').code).toBe('IK');

    const newSite = { id: 'new-post', code: 'IK', kind: 'health_post', nameEn: 'New post', nameAr: 'نقطة جديدة', governorate: 'IQG09', lon: null, lat: null };
    const taken = await server.request('PUT', '/api/sites/new-post', ADMIN_TOKEN, newSite);
    expect(taken.status).toBe(422);
    expect(taken.body.error.details).toEqual([{ field: 'code', message: 'is already used by site "ibrahim-khalil"' }]);
    expect((await server.request('GET', '/api/sites', ADMIN_TOKEN)).body.some((s: Answer) => s.id === 'new-post')).toBe(false);

    const lower = await server.request('PUT', '/api/sites/new-post', ADMIN_TOKEN, { ...newSite, code: 'np1' });
    expect(lower.status).toBe(400);
    expect(lower.body.error.details[0].field).toBe('code');

    expect((await server.request('PUT', '/api/sites/new-post', ADMIN_TOKEN, { ...newSite, code: 'NP1' })).status).toBe(201);
    // A site keeps its own code when it is replaced.
    const ik = sites.body.find((s: Answer) => s.id === 'ibrahim-khalil');
    expect((await server.request('PUT', '/api/sites/ibrahim-khalil', ADMIN_TOKEN, { ...ik, nameEn: 'Ibrahim Khalil' })).status).toBe(200);
  });
});
