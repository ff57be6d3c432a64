// Backup under write load, restore into a fresh folder, start Amina on it: every report acknowledged
// before the backup began is there.
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, startServer, tempDataDir, type Running } from '../server/testing/harness.ts';

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, '..');

function script(name: string, args: string[], dataDir: string) {
  return run(process.execPath, ['--import', 'tsx', path.join(root, 'scripts', `${name}.ts`), ...args], {
    cwd: root,
    env: { ...process.env, DATA_DIR: dataDir, DATABASE_URL: '' },
  });
}

let servers: Running[] = [];
afterEach(async () => {
  for (const s of servers) await s.stop().catch(() => undefined);
  servers = [];
});

const arrivals = () => ({ id: randomUUID(), siteId: 'ibrahim-khalil', observedAt: new Date(Date.now() - 60_000).toISOString(), kind: 'arrivals', arrivals: 1, periodMinutes: 60 });

describe('npm run backup and npm run restore', () => {
  it('copies a running store under write load, and the copy restored serves every report acknowledged before the backup began', async () => {
    const live = tempDataDir();
    const server = await startServer({ dataDir: live });
    servers.push(server);
    const acknowledged: { id: string; atMs: number }[] = [];
    let writing = true;
    const writers = Array.from({ length: 4 }, async () => {
      while (writing) {
        const batch = Array.from({ length: 20 }, arrivals);
        const answer = await server.request('POST', '/api/reports', ADMIN_TOKEN, { reports: batch });
        expect(answer.status).toBe(201);
        const atMs = Date.now();
        for (const r of batch) acknowledged.push({ id: r.id, atMs });
      }
    });
    // let the store grow under load, then back up while the writers go on
    while (acknowledged.length < 2000) await new Promise((r) => setTimeout(r, 20));
    const backupFile = path.join(tempDataDir(), 'amina-backup.sqlite');
    const beganMs = Date.now();
    const backedUp = await script('backup', ['--out', backupFile], live);
    const endedMs = Date.now();
    writing = false;
    await Promise.all(writers);
    expect(backedUp.stdout).toMatch(/^Backed up [\d,]+ reports .* integrity checked\./);
    const before = acknowledged.filter((a) => a.atMs < beganMs).map((a) => a.id);
    expect(before.length).toBeGreaterThanOrEqual(2000);
    // the writers never waited for the backup: some reports were acknowledged while it ran
    expect(acknowledged.some((a) => a.atMs > beganMs && a.atMs < endedMs)).toBe(true);

    // A second backup to the same file is refused, as is restoring over a store.
    await expect(script('backup', ['--out', backupFile], live)).rejects.toMatchObject({ stderr: expect.stringMatching(/exists already/) });
    await expect(script('restore', [backupFile], live)).rejects.toMatchObject({ stderr: expect.stringMatching(/holds a store already/) });

    const fresh = tempDataDir();
    const restored = await script('restore', [backupFile], fresh);
    expect(restored.stdout).toMatch(/^Restored [\d,]+ reports into /);
    const again = await startServer({ dataDir: fresh });
    servers.push(again);
    const csv = await fetch(`${again.url}/api/export/reports.csv`, { headers: { Authorization: `Bearer ${ADMIN_TOKEN}` } });
    const text = await csv.text();
    const ids = new Set(text.split('\r\n').slice(2).map((line) => line.split(',')[2]));
    const missing = before.filter((id) => !ids.has(id));
    expect(missing).toEqual([]);
    // and what it holds is exactly a prefix of what was acknowledged: nothing invented
    const all = new Set(acknowledged.map((a) => a.id));
    expect([...ids].filter((id) => id && !all.has(id))).toEqual([]);
  }, 60_000);

  it('refuses a file that is not an Amina store, and changes nothing', async () => {
    const bogus = path.join(tempDataDir(), 'not-a-store.sqlite');
    fs.writeFileSync(bogus, 'this is not SQLite');
    const fresh = tempDataDir();
    await expect(script('restore', [bogus], fresh)).rejects.toMatchObject({ code: 1 });
    expect(fs.readdirSync(fresh)).toEqual([]);
  });
});
