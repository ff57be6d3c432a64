// The reconnect storm: a governorate's network comes back, every phone flushes its queue at once,
// and the coordination centre's dashboards watch. How fast is it absorbed, is every report stored
// once, is any phone refused, and how stale do the screens get meanwhile?
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import path from 'node:path';
import Database from 'better-sqlite3';
import { MAX_BATCH } from '../shared/schemas.ts';
import { isoSeconds } from '../shared/time.ts';
import { connectDashboards, disconnectAll } from './dashboards.ts';
import { BENCH_ADMIN_TOKEN } from './protocol.ts';
import { percentile } from './stats.ts';
import type { RunningSystem } from './system.ts';
import { checkpointIds, fixtures, tokensFor } from './workload.ts';

export interface StormOptions {
  phones: number;
  /** reports each phone queued during the outage */
  queuedPerPhone: number;
  dashboards: number;
  /** a probe report is posted this often while the storm lasts */
  probeEveryMs: number;
}

export interface StormFigures {
  reportsPerSecond: number;
  /** from the first phone's post to the last phone's answer */
  absorbMs: number;
  /** from just before each probe's post to each dashboard's update carrying it */
  probeP50Ms: number;
  probeP99Ms: number;
  /** from just before each probe's post to its 201 */
  probeAnswerP50Ms: number;
  probeAnswerP99Ms: number;
  /**
   * The same for probes sent on a connection opened before the storm (kept alive): no wait in the
   * listening socket's accept queue behind the phones, so this is the time Amina itself takes.
   */
  openProbeP50Ms: number;
  openProbeP99Ms: number;
  /** the server's CPU time per phone report, from the first phone's post to the last answer, in µs */
  cpuPerReportUs: number;
  /** updates one dashboard received while the storm lasted */
  updatesPerDashboard: number;
  probes: number;
  /** probe updates that never came within the wait */
  probeMissed: number;
  /** probes never seen themselves because a later probe at their shelter was seen first (counted as delivered then) */
  overtaken: number;
  /** answers other than 201, by status; 429 among them is a phone refused */
  refused: Record<string, number>;
  /** of the phones' reports: how many the store holds, and how many it holds more than once */
  stored: number;
  storedTwice: number;
}

const shelterIds = fixtures.sites.filter((s) => s.kind === 'shelter').map((s) => s.id);
/**
 * A probe not seen by then counts as missed. Far beyond any latency measured (a probe on a new
 * connection waited up to 6.5 s to be accepted in a quiet run): late is what the p99 says, missed
 * must mean never delivered.
 */
const PROBE_WAIT_MS = 30_000;
/** kept-alive connections for the open-connection probes: more than are ever in flight at once */
const OPEN_PROBE_CONNECTIONS = 64;

async function issueToken(system: RunningSystem, sites: string[], label: string): Promise<string> {
  if (system.name === 'baseline') return 'any';
  const response = await fetch(`${system.url}/api/tokens`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${BENCH_ADMIN_TOKEN}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ role: 'reporter', sites, label }),
  });
  if (response.status !== 201) throw new Error(`token not issued (${response.status}): ${await response.text()}`);
  return ((await response.json()) as { token: string }).token;
}

/** What one phone queued while its network was down: arrivals at its checkpoint, a few minutes apart. */
function queuedReports(siteId: string, count: number, nowMs: number) {
  return Array.from({ length: count }, (_, j) => ({
    id: randomUUID(),
    siteId,
    kind: 'arrivals',
    observedAt: isoSeconds(nowMs - (count - j) * 4 * 60_000),
    arrivals: j % 3,
    periodMinutes: 15,
  }));
}

/**
 * One phone's flush, on a connection of its own as a phone has: each POST a batch, as the form sends.
 * With `agent`, on one of its kept-alive connections instead.
 */
function post(system: RunningSystem, token: string, body: string, agent: http.Agent | false = false): Promise<{ status: number; text: string }> {
  const url = new URL('/api/reports', system.url);
  return new Promise((resolve, reject) => {
    const request = http.request(
      url,
      {
        method: 'POST',
        agent,
        headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) },
      },
      (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (text += chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, text }));
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}

/**
 * `frontUrl`, when given, is the door the phones, probes and dashboards come through (nginx, as in
 * the field: bench/proxy.ts); tokens are issued and the store read straight from the system.
 */
export async function measureStorm(system: RunningSystem, options: StormOptions, frontUrl?: string): Promise<StormFigures> {
  const { viewer } = await tokensFor(system);
  const door: RunningSystem = frontUrl ? { ...system, url: frontUrl } : system;
  // Each phone has its own token, for its own checkpoint; issued a few at a time, before the clock starts.
  const phoneSites = Array.from({ length: options.phones }, (_, i) => checkpointIds[i % checkpointIds.length]!);
  const tokens: string[] = [];
  for (let i = 0; i < options.phones; i += 25) {
    tokens.push(...(await Promise.all(phoneSites.slice(i, i + 25).map((site, k) => issueToken(system, [site], `phone ${i + k}`)))));
  }
  const probeToken = await issueToken(system, shelterIds, 'probe');
  const nowMs = Date.now();
  const queues = phoneSites.map((site) => queuedReports(site, options.queuedPerPhone, nowMs));
  // In batches as the form sends them (client/features/report/queue.ts: up to MAX_BATCH per POST).
  const bodies = queues.map((queue) => {
    const batches: string[] = [];
    for (let i = 0; i < queue.length; i += MAX_BATCH) batches.push(JSON.stringify({ reports: queue.slice(i, i + MAX_BATCH) }));
    return batches;
  });

  // Connections opened before the storm and kept open, as a phone that stayed online has: their
  // probes never wait to be accepted. Opened by occupancy reports no probe's value repeats.
  const openConnections = new http.Agent({ keepAlive: true, maxSockets: OPEN_PROBE_CONNECTIONS });
  await Promise.all(
    Array.from({ length: OPEN_PROBE_CONNECTIONS }, (_, i) =>
      post(door, probeToken, JSON.stringify({ id: randomUUID(), siteId: shelterIds[i % shelterIds.length], kind: 'occupancy', observedAt: isoSeconds(Date.now()), occupancy: i }), openConnections),
    ),
  );
  const sockets = await connectDashboards(door, viewer, options.dashboards);
  const samples: number[] = [];
  const openSamples: number[] = [];
  let probeMissed = 0;
  let overtaken = 0;
  const refused: Record<string, number> = {};
  try {
    // A probe is seen when a dashboard's update carries it: Amina's as the shelter's new occupancy,
    // the baseline's as the report itself.
    interface Probe {
      siteId: string;
      n: number;
      postedAt: number;
      seen: Set<number>;
      done: () => void;
      samples: number[];
    }
    const waiting = new Map<string, Probe>();
    /**
     * A probe whose shelter's later probe every dashboard has seen first will never be seen itself:
     * the shelter shows its latest report by observedAt, and the later one is newer. (Behind nginx a
     * probe can be overtaken: it may wait for a new connection to the server while the next one finds
     * an open one.) Its dashboards now show what it said or newer, so it counts as delivered then.
     */
    const overtake = (by: Probe) => {
      for (const [key, probe] of waiting) {
        if (probe.siteId !== by.siteId || probe.n >= by.n) continue;
        const late = performance.now() - probe.postedAt;
        for (let i = probe.seen.size; i < sockets.length; i++) probe.samples.push(late);
        overtaken += 1;
        waiting.delete(key);
        probe.done();
      }
    };
    const probeKey = (siteId: string, occupancy: number) => `${siteId}:${occupancy}`;
    const answerMs: number[] = [];
    const openAnswerMs: number[] = [];
    let updates = 0;
    sockets[0]!.on('update', () => updates++);
    sockets.forEach((socket, index) => {
      socket.on('update', (update: { id?: string; siteId?: string; occupancy?: number; sites?: { id: string; occupancy?: number }[] }) => {
        const keys =
          system.name === 'baseline'
            ? update.siteId && update.occupancy !== undefined
              ? [probeKey(update.siteId, update.occupancy)]
              : []
            : (update.sites ?? []).filter((s) => s.occupancy !== undefined).map((s) => probeKey(s.id, s.occupancy!));
        for (const key of keys) {
          const probe = waiting.get(key);
          if (!probe || probe.seen.has(index)) continue;
          probe.seen.add(index);
          probe.samples.push(performance.now() - probe.postedAt);
          if (probe.seen.size === sockets.length) {
            waiting.delete(key);
            probe.done();
            overtake(probe);
          }
        }
      });
    });

    let storming = true;
    const probes: Promise<void>[] = [];
    let probeCount = 0;
    const probeLoop = (async () => {
      while (storming) {
        await new Promise((resolve) => setTimeout(resolve, options.probeEveryMs));
        if (!storming) break;
        // In turn, a probe on a new connection (as a phone that just came back) and one on a
        // connection kept open since before the storm; each a value no other report gives its shelter.
        {
          const n = probeCount++;
          const open = n % 2 === 1;
          // Each kind has shelters of its own: a shelter shows its latest report by observedAt, so a
          // slow probe overtaken by a fast one at the same shelter would never be seen.
          const own = shelterIds.filter((_, i) => i % 2 === (open ? 1 : 0));
          const siteId = own[Math.floor(n / 2) % own.length]!;
          const occupancy = 1_000 + n;
          const seen = new Set<number>();
          const everyone = new Promise<boolean>((resolve) => {
            waiting.set(probeKey(siteId, occupancy), { siteId, n, postedAt: performance.now(), seen, done: () => resolve(true), samples: open ? openSamples : samples });
            setTimeout(() => resolve(false), PROBE_WAIT_MS).unref();
          });
          const body = JSON.stringify({ id: randomUUID(), siteId, kind: 'occupancy', observedAt: isoSeconds(Date.now()), occupancy });
          probes.push(
            (async () => {
              const t0 = performance.now();
              const answer = await post(door, probeToken, body, open && openConnections);
              (open ? openAnswerMs : answerMs).push(performance.now() - t0);
              if (answer.status !== 201) throw new Error(`${system.name}: a probe was answered ${answer.status}: ${answer.text}`);
              if (!(await everyone)) probeMissed += sockets.length - seen.size;
            })(),
          );
        }
      }
    })();

    const cpuBefore = await system.cpuMs();
    const started = performance.now();
    await Promise.all(
      tokens.map(async (token, i) => {
        for (const body of bodies[i]!) {
          const answer = await post(door, token, body);
          if (answer.status !== 201) {
            refused[answer.status] = (refused[answer.status] ?? 0) + 1;
            continue;
          }
        }
      }),
    );
    const absorbMs = performance.now() - started;
    const cpuMs = (await system.cpuMs()) - cpuBefore;
    storming = false;
    await probeLoop;
    await Promise.all(probes);

    const ids = queues.flat().map((r) => r.id);
    const { stored, storedTwice } = countStored(system, ids);
    return {
      reportsPerSecond: ids.length / (absorbMs / 1000),
      cpuPerReportUs: (cpuMs * 1000) / ids.length,
      absorbMs,
      probeP50Ms: percentile(samples, 50),
      probeP99Ms: percentile(samples, 99),
      probeAnswerP50Ms: percentile(answerMs, 50),
      probeAnswerP99Ms: percentile(answerMs, 99),
      openProbeP50Ms: percentile(openSamples, 50),
      openProbeP99Ms: percentile(openSamples, 99),
      updatesPerDashboard: updates,
      probes: probeCount,
      probeMissed,
      overtaken,
      refused,
      stored,
      storedTwice,
    };
  } finally {
    disconnectAll(sockets);
    openConnections.destroy();
  }
}

/** Reads the system's own file (WAL lets a reader in beside the running server). */
function countStored(system: RunningSystem, ids: readonly string[]): { stored: number; storedTwice: number } {
  const db = new Database(path.join(system.dataDir, system.name === 'amina' ? 'amina.sqlite' : 'baseline.sqlite'), { readonly: true });
  try {
    const counts = new Map<string, number>();
    for (const row of db.prepare<[], { id: string }>('SELECT id FROM reports').iterate()) counts.set(row.id, (counts.get(row.id) ?? 0) + 1);
    let stored = 0;
    let storedTwice = 0;
    for (const id of ids) {
      const n = counts.get(id) ?? 0;
      if (n > 0) stored++;
      if (n > 1) storedTwice++;
    }
    return { stored, storedTwice };
  } finally {
    db.close();
  }
}
