// Reports for browser tests and screenshots: built here, posted through the real API.
import fs from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { Scenario } from '../../shared/scenario.ts';
import { ADMIN_TOKEN, type Running } from '../../server/testing/harness.ts';

export const HOUR = 3_600_000;
export const ago = (ms: number) => new Date(Date.now() - ms).toISOString();

export const arrivals = (siteId: string, n: number, msAgo: number) => ({
  id: randomUUID(),
  siteId,
  kind: 'arrivals',
  arrivals: n,
  periodMinutes: 60,
  observedAt: ago(msAgo),
});
export const occupancy = (siteId: string, n: number, msAgo: number) => ({ id: randomUUID(), siteId, kind: 'occupancy', occupancy: n, observedAt: ago(msAgo) });
export const health = (siteId: string, status: string, msAgo: number) => ({ id: randomUUID(), siteId, kind: 'health', status, observedAt: ago(msAgo) });

/** Posts reports in batches the API takes; `token` is the admin's unless a reporter's is given. */
export async function post(server: Running, reports: object[], token = ADMIN_TOKEN): Promise<void> {
  for (let i = 0; i < reports.length; i += 500) {
    const answer = await server.request('POST', '/api/reports', token, { reports: reports.slice(i, i + 500) });
    if (answer.status !== 201) throw new Error(`reports refused: ${JSON.stringify(answer.body)}`);
  }
}

/** A drill's token: every report it posts belongs to the exercise world. */
export async function exerciseToken(server: Running, sites: string[]): Promise<string> {
  const answer = await server.request('POST', '/api/tokens', ADMIN_TOKEN, { role: 'reporter', sites, label: 'drill for tests', exercise: true });
  if (answer.status !== 201) throw new Error(`exercise token not issued: ${JSON.stringify(answer.body)}`);
  return answer.body.token as string;
}

/** A plausible real week: steady arrivals at the big crossings, shelters filling, a clinic closed. */
export async function seedRealWeek(server: Running): Promise<void> {
  const history: object[] = [];
  for (let h = 1; h < 7 * 24; h += 3) {
    history.push(arrivals('ibrahim-khalil', 150 + ((h * 37) % 200), h * HOUR + 10 * 60_000));
    history.push(arrivals('zurbatiyah', 80 + ((h * 53) % 150), h * HOUR + 20 * 60_000));
  }
  for (let d = 6; d >= 0; d--) {
    history.push(occupancy('gawilan', 19_000 + (6 - d) * 450, d * 24 * HOUR + 2 * HOUR));
    history.push(occupancy('domiz-1', 23_000 + (6 - d) * 350, d * 24 * HOUR + 3 * HOUR));
  }
  await post(server, history);
  await post(server, [
    arrivals('mandali', 1_150, 10 * 60_000),
    arrivals('al-qaim', 620, 20 * 60_000),
    arrivals('safwan', 430, 30 * 60_000),
    arrivals('ibrahim-khalil', 900, 15 * 60_000),
    occupancy('kawergosk', 6_100, 40 * 60_000),
    occupancy('basirma', 2_900, 50 * 60_000),
    occupancy('arbat', 4_700, 35 * 60_000),
    health('ibrahim-khalil-health', 'operational', 45 * 60_000),
    health('al-qaim-health', 'limited', 25 * 60_000),
    health('gawilan-clinic', 'closed', 15 * 60_000),
    health('kawergosk-clinic', 'operational', 55 * 60_000),
  ]);
}

export const MASS_CROSSING = path.resolve(import.meta.dirname, '..', '..', 'fixtures', 'scenarios', 'mass-crossing-duhok-erbil-72h.json');

/**
 * Plays a scenario into the exercise world at once, as if it had run until now: each event is
 * stamped at its own minute before the end (`endMinute`, the scenario's end unless given), so the
 * windows and the forecast see the scenario's real rates. Events after `endMinute` are left out.
 */
export async function playScenarioUntilNow(server: Running, file = MASS_CROSSING, endMinute?: number): Promise<{ posted: number }> {
  const scenario = Scenario.parse(JSON.parse(fs.readFileSync(file, 'utf8')));
  const end = endMinute ?? scenario.durationMinutes;
  const events = scenario.events.filter((e) => e.atMinute <= end);
  const token = await exerciseToken(server, [...new Set(events.map((e) => e.siteId))]);
  const reports = events.map(({ atMinute, ...fields }) => ({ ...fields, id: randomUUID(), observedAt: ago((end - atMinute) * 60_000) }));
  await post(server, reports, token);
  return { posted: reports.length };
}
