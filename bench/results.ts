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
  baseline: number;
  /** amina / baseline */
  ratio: number;
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

/** The start-up goal: a million reports in under 10 s, scaled for a smaller (--quick) store. */
const STARTUP_MS_PER_MILLION = 10_000;

export function evaluateGoals(figures: readonly Figure[], startupReports: number, checks: Record<string, number>): Goal[] {
  const byId = new Map(figures.map((f) => [f.id, f]));
  const goals: Goal[] = [];
  const ingest = byId.get('ingest.requestsPerSecond');
  if (ingest) goals.push({ goal: 'ingest ≥ 0.7 × baseline req/s', value: ingest.ratio, limit: 0.7, pass: ingest.ratio >= 0.7 });
  const p95 = byId.get('fanout.p95');
  if (p95) goals.push({ goal: 'fan-out p95 ≤ 1.5 × baseline', value: p95.ratio, limit: 1.5, pass: p95.ratio <= 1.5 });
  const p99 = byId.get('fanout.p99');
  if (p99) goals.push({ goal: 'fan-out p99 < 250 ms (200 dashboards)', value: p99.amina, limit: 250, pass: p99.amina < 250 });
  if (checks.fanoutMissed !== undefined) {
    goals.push({ goal: 'every dashboard gets every update', value: checks.fanoutMissed, limit: 0, pass: checks.fanoutMissed === 0 });
  }
  const heap = byId.get('memory.heapPerSocket');
  if (heap) goals.push({ goal: 'heap per dashboard ≤ 1.5 × baseline', value: heap.ratio, limit: 1.5, pass: heap.ratio <= 1.5 });
  const startup = byId.get('startup.rebuild');
  if (startup) {
    const limit = (STARTUP_MS_PER_MILLION * startupReports) / 1_000_000;
    goals.push({
      goal: `picture rebuilt from ${startupReports.toLocaleString('en-US')} reports < ${(limit / 1000).toFixed(1)} s`,
      value: startup.amina,
      limit,
      pass: startup.amina < limit,
    });
  }
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
    ...results.figures.map((f) => [f.label, f.unit, number(f.amina), number(f.baseline), `${f.ratio.toFixed(2)}×`, f.better]),
  ]);
  const goals = pad([
    ['goal', 'value', 'pass'],
    ...results.goals.map((g) => [g.goal, number(g.value), g.pass ? 'pass' : 'FAIL']),
  ]);
  return `\n${figures}\n\n${goals}\n`;
}
