// What the bench sends: the sites, the tokens each system needs, and fresh arrivals reports.
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { loadFixtures, type Fixtures } from '../server/fixtures.ts';
import { isoSeconds } from '../shared/time.ts';
import { BENCH_ADMIN_TOKEN } from './protocol.ts';
import type { RunningSystem } from './system.ts';

export const fixtures: Fixtures = loadFixtures(path.join(import.meta.dirname, '..', 'fixtures'));

/** Every checkpoint: arrivals reports go to these, in turn. */
export const checkpointIds: string[] = fixtures.sites.filter((s) => s.kind === 'checkpoint').map((s) => s.id);

export interface Tokens {
  /** may post for every checkpoint */
  reporter: string;
  /** a wall display's token, for dashboards */
  viewer: string;
}

/** A token from Amina's admin API. */
export async function issueToken(system: RunningSystem, request: { role: string; sites?: string[]; label: string }): Promise<string> {
  const response = await fetch(`${system.url}/api/tokens`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${BENCH_ADMIN_TOKEN}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(request),
  });
  if (response.status !== 201) throw new Error(`token not issued (${response.status}): ${await response.text()}`);
  return ((await response.json()) as { token: string }).token;
}

/** Amina checks tokens; the bare baseline takes any. */
export async function tokensFor(system: RunningSystem): Promise<Tokens> {
  if (system.name === 'baseline') return { reporter: 'any', viewer: 'any' };
  return {
    reporter: await issueToken(system, { role: 'reporter', sites: checkpointIds, label: 'bench reporter' }),
    viewer: await issueToken(system, { role: 'viewer', label: 'bench dashboards' }),
  };
}

let nextSite = 0;

/** One arrivals report with a fresh id, observed now, at the next checkpoint in turn. */
export function freshArrivalsReport(): string {
  const siteId = checkpointIds[nextSite++ % checkpointIds.length];
  return JSON.stringify({
    id: randomUUID(),
    siteId,
    kind: 'arrivals',
    observedAt: isoSeconds(Date.now()),
    arrivals: 1,
    periodMinutes: 15,
  });
}

/** Posts one report and fails loudly on anything but 201: a bench of errors measures nothing. */
export async function postReport(system: RunningSystem, token: string): Promise<void> {
  const response = await fetch(`${system.url}/api/reports`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
    body: freshArrivalsReport(),
  });
  const text = await response.text();
  if (response.status !== 201) throw new Error(`POST /api/reports answered ${response.status}: ${text}`);
}
