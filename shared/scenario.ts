// A preparedness drill's scenario: reports placed in scenario time, replayed through the real API.
import { z } from 'zod';
import { ArrivalsFields, checkDestinations, HealthReport, OccupancyReport, SiteId, type Report } from './schemas.ts';

/** Minutes after the scenario's start; a drill maps them onto the clock at its chosen speed. */
const AtMinute = z.number().int().min(0);

const event = { atMinute: AtMinute };

/** One report of the scenario: a report's fields, without the id and time the drill gives it. */
export const ScenarioEvent = z.discriminatedUnion('kind', [
  ArrivalsFields.extend(event).superRefine(checkDestinations),
  OccupancyReport.omit({ id: true, observedAt: true }).extend(event),
  HealthReport.omit({ id: true, observedAt: true }).extend(event),
]);
export type ScenarioEvent = z.infer<typeof ScenarioEvent>;

export const Scenario = z
  .strictObject({
    name: SiteId,
    title: z.string().min(1).max(200),
    /** true for an invented scenario: it must say so, so that nobody mistakes it for a record */
    synthetic: z.boolean(),
    description: z.string().min(1).max(4000),
    durationMinutes: z.number().int().min(1).max(30 * 24 * 60),
    events: z.array(ScenarioEvent).min(1).max(100_000),
  })
  .superRefine((s, ctx) => {
    s.events.forEach((e, i) => {
      if (e.atMinute > s.durationMinutes) {
        ctx.addIssue({ code: 'custom', path: ['events', i, 'atMinute'], message: `is after the scenario's end (${s.durationMinutes})` });
      }
    });
  });
export type Scenario = z.infer<typeof Scenario>;

/** The scenario's events grouped by minute, in time order: each group is posted at once. */
export function scenarioSteps(scenario: Scenario): { atMinute: number; events: ScenarioEvent[] }[] {
  const byMinute = new Map<number, ScenarioEvent[]>();
  for (const e of scenario.events) {
    const group = byMinute.get(e.atMinute);
    if (group) group.push(e);
    else byMinute.set(e.atMinute, [e]);
  }
  return [...byMinute.entries()].sort(([a], [b]) => a - b).map(([atMinute, events]) => ({ atMinute, events }));
}

/**
 * The report period as posted when a drill plays `speed` times faster than the scenario: an hour's
 * arrivals played in a minute describe that minute, since the report's time is when it is posted.
 */
export function compressedPeriod(periodMinutes: number, speed: number): number {
  return Math.min(1440, Math.max(1, Math.round(periodMinutes / speed)));
}

/** Scenario minutes per real minute: from real time to a 72-hour scenario in about 26 seconds. */
export const DrillSpeed = z.number().min(1).max(10_000);

/**
 * One step's events as reports stamped `observedAt`, grouped by site (each site posts its own, as
 * its own reporter would). Arrivals periods are compressed to the played time (compressedPeriod).
 */
export function stepReports(events: readonly ScenarioEvent[], observedAt: string, speed: number, newId: () => string): Map<string, Report[]> {
  const bySite = new Map<string, Report[]>();
  for (const event of events) {
    const { atMinute: _at, ...fields } = event;
    const report = { ...fields, id: newId(), observedAt } as Report;
    if (report.kind === 'arrivals') report.periodMinutes = compressedPeriod(report.periodMinutes, speed);
    const reports = bySite.get(event.siteId);
    if (reports) reports.push(report);
    else bySite.set(event.siteId, [report]);
  }
  return bySite;
}

/** What a replay needs from the world around it: time, ids and a way to post. */
export interface ReplayHooks {
  speed: number;
  /** real milliseconds since the replay began, on a clock that never jumps */
  elapsedMs(): number;
  /** waits `ms` (returns at once when `ms` ≤ 0 or the replay is stopped) */
  sleep(ms: number): Promise<void>;
  stopped(): boolean;
  /** the time to stamp reports posted now: the scenario starts now and plays `speed` times faster */
  nowIso(): string;
  newId(): string;
  /** posts one site's reports of one step, through the ingest path; failures are the caller's to count */
  post(siteId: string, reports: Report[], atMinute: number): Promise<void>;
  /** after each step: how far the scenario has played */
  stepDone?(atMinute: number): void;
}

/**
 * Plays a scenario: each minute's events are posted when its time comes at `speed`, stamped with the
 * time of posting (never in the future). The CLI (scripts/drill.ts, over HTTP) and the server
 * (server/drills.ts, in process) both play through this, so a drill is the same drill either way.
 */
export async function replayScenario(scenario: Scenario, hooks: ReplayHooks): Promise<void> {
  for (const step of scenarioSteps(scenario)) {
    await hooks.sleep((step.atMinute * 60_000) / hooks.speed - hooks.elapsedMs());
    if (hooks.stopped()) return;
    for (const [siteId, reports] of stepReports(step.events, hooks.nowIso(), hooks.speed, hooks.newId)) {
      await hooks.post(siteId, reports, step.atMinute);
    }
    hooks.stepDone?.(step.atMinute);
  }
}

/** A scenario as the drills page lists it. */
export const ScenarioSummary = z.object({
  name: SiteId,
  title: z.string(),
  synthetic: z.boolean(),
  description: z.string(),
  durationMinutes: z.number().int(),
  reports: z.number().int(),
  sites: z.number().int(),
});
export type ScenarioSummary = z.infer<typeof ScenarioSummary>;

export function summariseScenario(s: Scenario): ScenarioSummary {
  return {
    name: s.name,
    title: s.title,
    synthetic: s.synthetic,
    description: s.description,
    durationMinutes: s.durationMinutes,
    reports: s.events.length,
    sites: new Set(s.events.map((e) => e.siteId)).size,
  };
}

/** What POST /api/drills takes: a scenario by name, and how many times faster than real time. */
export const DrillStart = z.strictObject({ scenario: SiteId, speed: DrillSpeed });
export type DrillStart = z.infer<typeof DrillStart>;

export const DrillState = z.enum(['running', 'finished', 'stopped', 'failed']);
export type DrillState = z.infer<typeof DrillState>;

/** A drill started from the server, running or the last one ended. */
export const DrillStatus = z.object({
  id: z.string(),
  scenario: SiteId,
  title: z.string(),
  speed: DrillSpeed,
  state: DrillState,
  startedAt: z.string(),
  endedAt: z.string().optional(),
  /** the label of the token that started it, and of the one that stopped it */
  startedBy: z.string(),
  stoppedBy: z.string().optional(),
  durationMinutes: z.number().int(),
  /** the scenario minute of the last step played */
  reachedMinute: z.number().int().min(0),
  reports: z.number().int(),
  posted: z.number().int(),
  duplicate: z.number().int(),
  failed: z.number().int(),
  /** the last refusal or fault, when a post failed */
  lastError: z.string().optional(),
});
export type DrillStatus = z.infer<typeof DrillStatus>;

export const CurrentDrill = z.object({ drill: DrillStatus.nullable() });
export type CurrentDrill = z.infer<typeof CurrentDrill>;
