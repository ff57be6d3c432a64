// A preparedness drill's scenario: reports placed in scenario time, replayed through the real API.
import { z } from 'zod';
import { ArrivalsFields, checkDestinations, HealthReport, OccupancyReport, SiteId } from './schemas.ts';

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
