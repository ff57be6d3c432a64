// `npm run bench`: Amina against a bare Express + better-sqlite3 + Socket.IO baseline, measured in
// turns (A, B, A, B) on the same machine, so that the ratios hold even when the machine is busy.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { launchBrowser } from '../e2e/support/browser.ts';
import { buildClient, measureForm3g, measureWall4k } from './browser.ts';
import { measureFanout } from './fanout.ts';
import { measureIngest } from './ingest.ts';
import { measureMemory } from './memory.ts';
import type { SystemName } from './protocol.ts';
import { evaluateGoals, formatTable, type Figure, type Results } from './results.ts';
import { measureSnapshotAt, measureStartup, seedStore } from './startup.ts';
import { findNginx, startProxy } from './proxy.ts';
import { measureStorm, type StormFigures } from './storm.ts';
import { median } from './stats.ts';
import { withSystem, type SystemOptions } from './system.ts';

const SCENARIOS = ['ingest', 'storm', 'fanout', 'memory', 'startup', 'form3g', 'wall4k'] as const;
type Scenario = (typeof SCENARIOS)[number];

const { values: flags } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    rounds: { type: 'string' },
    only: { type: 'string' },
    profile: { type: 'string' },
    'log-level': { type: 'string', default: 'info' },
    out: { type: 'string', default: path.join(import.meta.dirname, 'results.json') },
  },
});

const quick = flags.quick;
const settings = {
  quick,
  rounds: Number(flags.rounds ?? (quick ? 2 : 3)),
  ingest: { connections: 16, durationS: quick ? 3 : 10, warmupS: quick ? 1 : 2 },
  ingestWide: { connections: 64, durationS: quick ? 3 : 6, warmupS: 1 },
  storm: { phones: 500, queuedPerPhone: 40, dashboards: 200, probeEveryMs: 100 },
  fanout: { dashboards: 200, posts: quick ? 30 : 200, warmupPosts: quick ? 5 : 10 },
  fanoutWide: { dashboards: 1000, posts: quick ? 10 : 50, warmupPosts: quick ? 3 : 5 },
  memorySockets: 1000,
  startupReports: quick ? 100_000 : 1_000_000,
  wall4k: { seconds: quick ? 5 : 10 },
  logLevel: flags['log-level'],
};
const only = new Set<Scenario>(
  flags.only ? (flags.only.split(',').map((s) => s.trim()) as Scenario[]) : SCENARIOS,
);
for (const s of only) if (!SCENARIOS.includes(s)) throw new Error(`unknown scenario "${s}": use ${SCENARIOS.join(', ')}`);
if (!Number.isInteger(settings.rounds) || settings.rounds < 1) throw new Error('--rounds takes a whole number ≥ 1');
if (flags.profile) fs.mkdirSync(flags.profile, { recursive: true });

const profile: Pick<SystemOptions, 'cpuProfDir'> = flags.profile ? { cpuProfDir: path.resolve(flags.profile) } : {};
const serveOptions = (name: SystemName, productionLimits = false): SystemOptions => ({
  ...profile,
  args: name === 'amina' ? [settings.logLevel, ...(productionLimits ? ['production-limits'] : [])] : [],
});

function log(line: string) {
  process.stderr.write(`${line}\n`);
}

/** Runs `measure` against a fresh Amina, then a fresh baseline, `rounds` times: A, B, A, B. */
async function alternate<T>(scenario: string, measure: (name: SystemName) => Promise<T>): Promise<Record<SystemName, T[]>> {
  const rounds: Record<SystemName, T[]> = { amina: [], baseline: [] };
  for (let round = 1; round <= settings.rounds; round++) {
    for (const name of ['amina', 'baseline'] as const) {
      const started = performance.now();
      rounds[name].push(await measure(name));
      log(`  ${scenario} round ${round} ${name}: ${((performance.now() - started) / 1000).toFixed(1)} s`);
    }
  }
  return rounds;
}

function figure(
  id: string,
  label: string,
  unit: string,
  better: Figure['better'],
  rounds: Record<SystemName, number[]>,
): Figure {
  const amina = median(rounds.amina);
  const baseline = median(rounds.baseline);
  return { id, label, unit, better, amina, baseline, ratio: amina / baseline, rounds };
}

/** A figure of Amina's alone, with nothing to set beside it. */
function alone(id: string, label: string, unit: string, better: Figure['better'], values: number[]): Figure {
  return { id, label, unit, better, amina: median(values), baseline: null, ratio: null, rounds: { amina: values, baseline: [] } };
}

function pick<T>(rounds: Record<SystemName, T[]>, value: (t: T) => number): Record<SystemName, number[]> {
  return { amina: rounds.amina.map(value), baseline: rounds.baseline.map(value) };
}

const benchStarted = performance.now();
const figures: Figure[] = [];
const checks: Record<string, number> = {};

if (only.has('ingest')) {
  log(`ingest: ${settings.ingest.connections} connections, ${settings.ingest.durationS} s per run`);
  const rounds = await alternate('ingest', (name) =>
    withSystem(name, serveOptions(name), (system) => measureIngest(system, settings.ingest)),
  );
  figures.push(figure('ingest.requestsPerSecond', 'ingest, 16 connections', 'req/s', 'higher', pick(rounds, (r) => r.requestsPerSecond)));
  figures.push(figure('ingest.p99', 'ingest latency p99, 16 connections', 'ms', 'lower', pick(rounds, (r) => r.p99Ms)));
  figures.push(figure('ingest.cpu', 'ingest, server CPU per request, 16 connections', 'µs', 'lower', pick(rounds, (r) => r.cpuPerRequestUs)));
  log(`ingest: ${settings.ingestWide.connections} connections, ${settings.ingestWide.durationS} s per run`);
  const wide = await alternate('ingest 64', (name) =>
    withSystem(name, serveOptions(name), (system) => measureIngest(system, settings.ingestWide)),
  );
  figures.push(figure('ingest64.requestsPerSecond', 'ingest, 64 connections', 'req/s', 'higher', pick(wide, (r) => r.requestsPerSecond)));
  figures.push(figure('ingest64.p99', 'ingest latency p99, 64 connections', 'ms', 'lower', pick(wide, (r) => r.p99Ms)));
}

/** The storm's figures and checks, straight at the server (`storm`) or through nginx (`stormProxy`). */
function stormResults(id: 'storm' | 'stormProxy', where: string, rounds: Record<SystemName, StormFigures[]>) {
  const s = settings.storm;
  const label = (what: string) => `storm${where}, ${what}`;
  figures.push(figure(`${id}.reportsPerSecond`, label('reports absorbed'), 'reports/s', 'higher', pick(rounds, (r) => r.reportsPerSecond)));
  figures.push(figure(`${id}.cpu`, label('server CPU per report'), 'µs', 'lower', pick(rounds, (r) => r.cpuPerReportUs)));
  figures.push(figure(`${id}.probeP50`, label('probe to every dashboard p50'), 'ms', 'lower', pick(rounds, (r) => r.probeP50Ms)));
  figures.push(figure(`${id}.probeP99`, label('probe to every dashboard p99'), 'ms', 'lower', pick(rounds, (r) => r.probeP99Ms)));
  figures.push(figure(`${id}.probeAnswerP99`, label('probe answered (201) p99'), 'ms', 'lower', pick(rounds, (r) => r.probeAnswerP99Ms)));
  figures.push(figure(`${id}.openProbeP50`, label('probe on an open connection p50'), 'ms', 'lower', pick(rounds, (r) => r.openProbeP50Ms)));
  figures.push(figure(`${id}.openProbeP99`, label('probe on an open connection p99'), 'ms', 'lower', pick(rounds, (r) => r.openProbeP99Ms)));
  const expected = s.phones * s.queuedPerPhone;
  checks[`${id}Lost`] = Math.max(...rounds.amina.map((r) => expected - r.stored));
  checks[`${id}Twice`] = Math.max(...rounds.amina.map((r) => r.storedTwice));
  checks[`${id}Refused`] = Math.max(...rounds.amina.map((r) => Object.values(r.refused).reduce((a, b) => a + b, 0)));
  checks[`${id}ProbeMissed`] = Math.max(...rounds.amina.map((r) => r.probeMissed));
  for (const r of [...rounds.amina, ...rounds.baseline]) {
    log(`    stored ${r.stored}/${expected}, twice ${r.storedTwice}, refused ${JSON.stringify(r.refused)}, probes ${r.probes}, missed ${r.probeMissed}, overtaken ${r.overtaken}, ${r.updatesPerDashboard} updates per dashboard`);
  }
}

if (only.has('storm')) {
  const s = settings.storm;
  log(`reconnect storm: ${s.phones} phones × ${s.queuedPerPhone} queued reports, ${s.dashboards} dashboards watching`);
  // Amina at its documented limits (WRITE_LIMIT_PER_TOKEN and the rest as configured by default).
  const rounds = await alternate('storm', (name) =>
    withSystem(name, serveOptions(name, true), (system) => measureStorm(system, s)),
  );
  stormResults('storm', '', rounds);
  // As in the field: phones, probes and dashboards through nginx as docs/scaling.md configures it.
  const nginx = findNginx();
  if (!nginx) log('  storm behind nginx: skipped, nginx is not installed (apt-get install nginx-light)');
  else {
    log('reconnect storm behind nginx (docs/scaling.md)');
    const proxied = await alternate('storm behind nginx', (name) =>
      withSystem(name, serveOptions(name, true), async (system) => {
        const proxy = await startProxy(nginx, system.url);
        try {
          return await measureStorm(system, s, proxy.url);
        } finally {
          await proxy.stop();
        }
      }),
    );
    stormResults('stormProxy', ' behind nginx', proxied);
  }
}

if (only.has('fanout')) {
  log(`fan-out: ${settings.fanout.dashboards} dashboards, ${settings.fanout.posts} posts per run`);
  const rounds = await alternate('fan-out', (name) =>
    withSystem(name, serveOptions(name), (system) => measureFanout(system, settings.fanout)),
  );
  for (const p of ['p50', 'p95', 'p99'] as const) {
    figures.push(figure(`fanout.${p}`, `fan-out ${p}`, 'ms', 'lower', pick(rounds, (r) => r[`${p}Ms`])));
  }
  checks.fanoutMissed = Math.max(...rounds.amina.map((r) => r.missed), ...rounds.baseline.map((r) => r.missed));
  log(`fan-out: ${settings.fanoutWide.dashboards} dashboards, ${settings.fanoutWide.posts} posts per run`);
  const wide = await alternate('fan-out 1000', (name) =>
    withSystem(name, serveOptions(name), (system) => measureFanout(system, settings.fanoutWide)),
  );
  for (const p of ['p50', 'p95', 'p99'] as const) {
    figures.push(figure(`fanout1000.${p}`, `fan-out ${p}, 1,000 dashboards`, 'ms', 'lower', pick(wide, (r) => r[`${p}Ms`])));
  }
  checks.fanoutMissed = Math.max(checks.fanoutMissed, ...wide.amina.map((r) => r.missed), ...wide.baseline.map((r) => r.missed));
}

if (only.has('memory')) {
  log(`memory: ${settings.memorySockets} dashboards`);
  const rounds = await alternate('memory', (name) =>
    withSystem(name, serveOptions(name), (system) => measureMemory(system, settings.memorySockets)),
  );
  figures.push(figure('memory.heapPerSocket', 'heap per dashboard', 'KiB', 'lower', pick(rounds, (r) => r.heapPerSocketBytes / 1024)));
  figures.push(figure('memory.rssPerSocket', 'rss per dashboard', 'KiB', 'lower', pick(rounds, (r) => r.rssPerSocketBytes / 1024)));
}

if (only.has('startup')) {
  log(`start-up: writing ${settings.startupReports.toLocaleString('en-US')} reports`);
  const seeding = performance.now();
  const dataDir = await seedStore(settings.startupReports, Date.now());
  log(`  written in ${((performance.now() - seeding) / 1000).toFixed(1)} s`);
  try {
    const rounds = await alternate('start-up', (name) => measureStartup(name, dataDir, profile));
    for (const r of [...rounds.amina, ...rounds.baseline]) {
      if (r.reports !== settings.startupReports) throw new Error(`start-up read ${r.reports} reports, not ${settings.startupReports}`);
    }
    figures.push(figure('startup.rebuild', `rebuild from ${settings.startupReports.toLocaleString('en-US')} reports`, 'ms', 'lower', pick(rounds, (r) => r.startMs)));
    log(`past picture: GET /api/snapshot?at= on the same ${settings.startupReports.toLocaleString('en-US')} reports`);
    const past = await alternate('snapshot at', (name) => measureSnapshotAt(name, dataDir, profile));
    figures.push(figure('snapshotAt.ms', `snapshot ?at= from ${settings.startupReports.toLocaleString('en-US')} reports`, 'ms', 'lower', pick(past, (r) => r.ms)));
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

if (only.has('form3g') || only.has('wall4k')) {
  log('browser: building the client');
  buildClient();
  const browser = await launchBrowser();
  try {
    // One Amina for every round: each round opens a fresh browser context (no cache, no service worker).
    await withSystem('amina', serveOptions('amina'), async (system) => {
      if (only.has('form3g')) {
        log('form over slow 3G (400 kbit/s, 400 ms): first load of /report');
        const runs = [];
        for (let round = 1; round <= settings.rounds; round++) {
          const r = await measureForm3g(system, browser);
          log(`  form3g round ${round}: usable after ${(r.usableMs / 1000).toFixed(2)} s, scripts ${r.scriptsKb.toFixed(1)} kB gz by then, ${r.allScriptsKb.toFixed(1)} kB in all (${r.scripts.length} files)`);
          runs.push(r);
        }
        figures.push(alone('form3g.usable', 'form over slow 3G, count field usable', 'ms', 'lower', runs.map((r) => r.usableMs)));
        figures.push(alone('form3g.scripts', 'form over slow 3G, page scripts gzipped', 'kB', 'lower', runs.map((r) => r.scriptsKb)));
        figures.push(alone('form3g.allScripts', 'form over slow 3G, all scripts of the first load', 'kB', 'lower', runs.map((r) => r.allScriptsKb)));
      }
      if (only.has('wall4k')) {
        log(`wall at 3840×2160, 2,000 sites: ${settings.wall4k.seconds} s still, then ${settings.wall4k.seconds} s updating every second`);
        const rounds: Record<SystemName, number[]> = { amina: [], baseline: [] };
        const p50: Record<SystemName, number[]> = { amina: [], baseline: [] };
        const max: Record<SystemName, number[]> = { amina: [], baseline: [] };
        for (let round = 1; round <= settings.rounds; round++) {
          const r = await measureWall4k(system, browser, settings.wall4k.seconds);
          log(`  wall4k round ${round}: still p50/p95/p99/max ${[r.still.p50, r.still.p95, r.still.p99, r.still.max].map((ms) => ms.toFixed(1)).join('/')} ms (${r.still.frames} frames), updating ${[r.updating.p50, r.updating.p95, r.updating.p99, r.updating.max].map((ms) => ms.toFixed(1)).join('/')} ms (${r.updating.frames} frames, ${r.updating.updates} updates)`);
          // an update a second, however slowly frames come: fewer means the page stalled for seconds
          if (r.updating.updates < 2) throw new Error(`wall4k: only ${r.updating.updates} updates while measuring`);
          rounds.amina.push(r.updating.p95);
          rounds.baseline.push(r.still.p95);
          p50.amina.push(r.updating.p50);
          p50.baseline.push(r.still.p50);
          max.amina.push(r.updating.max);
          max.baseline.push(r.still.max);
        }
        // here the "baseline" is the same page drawing the same 2,000 sites with no update
        figures.push(figure('wall4k.p95', 'wall 3840×2160 frame p95, updating vs still', 'ms', 'lower', rounds));
        figures.push(figure('wall4k.p50', 'wall 3840×2160 frame p50, updating vs still', 'ms', 'lower', p50));
        figures.push(figure('wall4k.max', 'wall 3840×2160 longest frame, updating vs still', 'ms', 'lower', max));
      }
    });
  } finally {
    await browser.close();
  }
}

const results: Results = {
  generatedAt: new Date().toISOString(),
  machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model ?? 'unknown', node: process.version, loadAverage: os.loadavg() },
  settings,
  durationS: (performance.now() - benchStarted) / 1000,
  figures,
  goals: evaluateGoals(figures, settings.startupReports, checks),
};

fs.writeFileSync(flags.out, `${JSON.stringify(results, null, 2)}\n`);
process.stdout.write(formatTable(results));
process.stdout.write(`\nwritten to ${path.relative(process.cwd(), flags.out)} in ${results.durationS.toFixed(0)} s\n`);
process.exitCode = results.goals.every((g) => g.pass) ? 0 : 1;
