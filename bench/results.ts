// The bench's results: each figure beside the baseline's, the goals set for each, and the printed table.
import type { SystemName } from './protocol.ts';

export interface Figure {
  id: string;
  label: string;
  unit: string;
  /** which way is better, so that a reader knows what a ratio above 1 means */
  better: 'higher' | 'lower';
  /** medians of the rounds */
  amina: number;
  /** null where a figure has nothing to be set beside (the form's first load) */
  baseline: number | null;
  /** amina / baseline */
  ratio: number | null;
  rounds: Record<SystemName, number[]>;
}

export interface Goal {
  goal: string;
  /** the figure judged: a ratio to the baseline, or Amina's own value */
  value: number;
  limit: number;
  pass: boolean;
}

export interface Results {
  generatedAt: string;
  machine: { cpus: number; cpuModel: string; node: string; loadAverage: number[] };
  settings: Record<string, unknown>;
  durationS: number;
  figures: Figure[];
  goals: Goal[];
}

/** Start-up: a million reports in under 5 s; the past picture from the same log in under 2 s. Scaled for --quick. */
const STARTUP_MS_PER_MILLION = 5_000;
const SNAPSHOT_AT_MS_PER_MILLION = 2_000;

export function evaluateGoals(figures: readonly Figure[], startupReports: number, checks: Record<string, number>): Goal[] {
  const byId = new Map(figures.map((f) => [f.id, f]));
  const goals: Goal[] = [];
  const ratioAtLeast = (id: string, goal: string, limit: number) => {
    const f = byId.get(id);
    if (f?.ratio != null) goals.push({ goal, value: f.ratio, limit, pass: f.ratio >= limit });
  };
  const ratioAtMost = (id: string, goal: string, limit: number) => {
    const f = byId.get(id);
    if (f?.ratio != null) goals.push({ goal, value: f.ratio, limit, pass: f.ratio <= limit });
  };
  const below = (id: string, goal: string, limit: number) => {
    const f = byId.get(id);
    if (f) goals.push({ goal, value: f.amina, limit, pass: f.amina < limit });
  };
  const atMost = (id: string, goal: string, limit: number) => {
    const f = byId.get(id);
    if (f) goals.push({ goal, value: f.amina, limit, pass: f.amina <= limit });
  };
  const none = (check: string, goal: string) => {
    if (checks[check] !== undefined) goals.push({ goal, value: checks[check]!, limit: 0, pass: checks[check] === 0 });
  };
  ratioAtLeast('ingest.requestsPerSecond', 'ingest (16 connections) ≥ 1.0 × baseline req/s', 1.0);
  none('stormLost', 'storm: every report stored (reports missing)');
  none('stormTwice', 'storm: no report stored twice');
  ratioAtLeast('storm.reportsPerSecond', 'storm absorbed ≥ 0.9 × baseline reports/s', 0.9);
  below('storm.probeP99', 'storm: probe reaches every dashboard, p99 < 250 ms', 250);
  none('stormProbeMissed', 'storm: every dashboard gets every probe');
  none('stormRefused', 'storm: no phone refused (429 or other)');
  // The same storm as the field has it, through the proxy every deployment has (bench/proxy.ts): its
  // rates and latencies are reported beside the goals above, which are set straight at the server;
  // nothing may be lost, doubled or refused on the way.
  none('stormProxyLost', 'storm behind nginx: every report stored (reports missing)');
  none('stormProxyTwice', 'storm behind nginx: no report stored twice');
  none('stormProxyProbeMissed', 'storm behind nginx: every dashboard gets every probe');
  none('stormProxyRefused', 'storm behind nginx: no phone refused (429 or other)');
  ratioAtMost('fanout.p95', 'fan-out p95 ≤ 1.2 × baseline (200 dashboards)', 1.2);
  below('fanout.p99', 'fan-out p99 < 100 ms (200 dashboards)', 100);
  none('fanoutMissed', 'every dashboard gets every update');
  ratioAtMost('memory.heapPerSocket', 'heap per dashboard ≤ 1.5 × baseline', 1.5);
  const millions = startupReports / 1_000_000;
  const count = startupReports.toLocaleString('en-US');
  below('startup.rebuild', `picture rebuilt from ${count} reports < ${((STARTUP_MS_PER_MILLION * millions) / 1000).toFixed(1)} s`, STARTUP_MS_PER_MILLION * millions);
  below('snapshotAt.ms', `snapshot ?at= from ${count} reports < ${((SNAPSHOT_AT_MS_PER_MILLION * millions) / 1000).toFixed(1)} s`, SNAPSHOT_AT_MS_PER_MILLION * millions);
  // the field form's first load over slow 3G (bench/browser.ts), and the wall at 3840×2160
  below('form3g.usable', 'form over slow 3G: count field accepts input < 5 s', 5_000);
  atMost('form3g.scripts', 'form over slow 3G: page scripts ≤ 100 kB gzipped', 100);
  ratioAtMost('wall4k.p95', 'wall 3840×2160, 2,000 sites updating: p95 frame ≤ 1.5 × still', 1.5);
  return goals;
}

function number(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (Math.abs(value) >= 100) return Math.round(value).toLocaleString('en-US');
  return value.toFixed(value >= 10 ? 1 : 2);
}

function pad(cells: string[][]): string {
  const widths = (cells[0] ?? []).map((_, i) => Math.max(...cells.map((row) => row[i]?.length ?? 0)));
  return cells.map((row) => row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0))).join('  ')).join('\n');
}

export function formatTable(results: Results): string {
  const figures = pad([
    ['figure', 'unit', 'Amina', 'baseline', 'ratio', 'better'],
    ...results.figures.map((f) => [f.label, f.unit, number(f.amina), f.baseline === null ? '–' : number(f.baseline), f.ratio === null ? '–' : `${f.ratio.toFixed(2)}×`, f.better]),
  ]);
  const goals = pad([
    ['goal', 'value', 'pass'],
    ...results.goals.map((g) => [g.goal, number(g.value), g.pass ? 'pass' : 'FAIL']),
  ]);
  return `\n${figures}\n\n${goals}\n`;
}
