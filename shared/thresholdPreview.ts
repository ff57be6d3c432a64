// What new thresholds would do to the open alerts right now, judged by the same rules the live
// picture judges by: the picture recomputed under them (occupancy counts and forecasts depend on
// thresholds too), the rules' conditions, and the lifecycle's own reconciliation. Nothing here
// derives a band of its own, so a preview can never promise what saving will not do.
import { z } from 'zod';
import { evaluateConditions, reconcileAlerts, type AlertCondition } from './alerts.ts';
import { escalates } from './bands.ts';
import { computePicture } from './projection.ts';
import { AlertRule, Pcode, Severity, SiteId, World, type Alert, type Pcode as PcodeType, type Site, type Thresholds } from './schemas.ts';
import type { SiteLog } from './siteLog.ts';

/** How one alert would change: raised, made graver, made lesser, restated, or resolved. */
export const PreviewChange = z.enum(['open', 'escalate', 'deescalate', 'update', 'resolve']);
export type PreviewChange = z.infer<typeof PreviewChange>;

const Level = z.object({ severity: Severity, value: z.number(), threshold: z.number() });

export const PreviewOutcome = z.object({
  change: PreviewChange,
  rule: AlertRule,
  governorate: Pcode,
  siteId: SiteId.optional(),
  /** the open alert this changes; absent for one that would open */
  alertId: z.string().optional(),
  /** the alert as it stands; absent for one that would open */
  before: Level.optional(),
  /** the alert as it would stand; absent for one that would resolve */
  after: Level.optional(),
  /** the rule's English message after the change (before it, for a resolution) */
  message: z.string(),
});
export type PreviewOutcome = z.infer<typeof PreviewOutcome>;

export const ThresholdPreview = z.object({
  /** the moment judged: the live picture's time */
  at: z.string(),
  world: World,
  outcomes: z.array(PreviewOutcome),
  /** open alerts the new thresholds leave exactly as they are */
  unchanged: z.number().int().min(0),
});
export type ThresholdPreview = z.infer<typeof ThresholdPreview>;

export interface PreviewInputs {
  pcodes: readonly PcodeType[];
  sites: readonly Site[];
  logs: ReadonlyMap<string, SiteLog>;
  governorateNames: ReadonlyMap<string, string>;
  /** the world's open alerts (active and acknowledged) */
  open: readonly Alert[];
  /** the proposed thresholds */
  thresholds: Thresholds;
  nowMs: number;
  nowIso: string;
}

/** The conditions that would hold at `nowMs` under `thresholds`, exactly as the live picture evaluates them. */
export function conditionsUnder(inputs: Omit<PreviewInputs, 'open' | 'nowIso'>, openByGovernorate: ReadonlyMap<string, number>): AlertCondition[] {
  const picture = computePicture(inputs.pcodes, inputs.sites, inputs.logs, openByGovernorate, inputs.nowMs, inputs.thresholds);
  return evaluateConditions({
    sites: inputs.sites,
    states: new Map(picture.sites.map((s) => [s.id, s])),
    governorates: picture.governorates,
    governorateNames: inputs.governorateNames,
    thresholds: inputs.thresholds,
    nowMs: inputs.nowMs,
  });
}

const level = (a: { severity: Severity; value: number; threshold: number }) => ({ severity: a.severity, value: a.value, threshold: a.threshold });
const subject = (a: { rule: AlertRule; governorate: string; siteId?: string }) => ({
  rule: a.rule,
  governorate: a.governorate,
  ...(a.siteId !== undefined ? { siteId: a.siteId } : {}),
});

/** Gravest first (opening and escalating before restating and resolving), then by rule and subject. */
const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const ORDER: Record<PreviewChange, number> = { open: 0, escalate: 1, deescalate: 2, update: 3, resolve: 4 };

export function previewThresholds(inputs: PreviewInputs, world: World): ThresholdPreview {
  const openByGovernorate = new Map<string, number>();
  for (const a of inputs.open) openByGovernorate.set(a.governorate, (openByGovernorate.get(a.governorate) ?? 0) + 1);
  const conditions = conditionsUnder(inputs, openByGovernorate);
  // The lifecycle's own reconciliation: what it would raise, change and resolve on saving.
  const changes = reconcileAlerts(inputs.open, conditions, inputs.nowIso);
  const byId = new Map(inputs.open.map((a) => [a.id, a]));
  const outcomes: PreviewOutcome[] = [
    ...changes.raise.map((c): PreviewOutcome => ({ change: 'open', ...subject(c), after: level(c), message: c.message })),
    ...changes.change.map((next): PreviewOutcome => {
      const before = byId.get(next.id)!;
      const change: PreviewChange = escalates(before.severity, next.severity)
        ? 'escalate'
        : escalates(next.severity, before.severity)
          ? 'deescalate'
          : 'update';
      return { change, ...subject(next), alertId: next.id, before: level(before), after: level(next), message: next.message };
    }),
    ...changes.resolve.map((r): PreviewOutcome => {
      const before = byId.get(r.id)!;
      return { change: 'resolve', ...subject(r), alertId: r.id, before: level(before), message: before.message };
    }),
  ];
  outcomes.sort(
    (a, b) =>
      ORDER[a.change] - ORDER[b.change] ||
      compare(a.rule, b.rule) ||
      compare(a.siteId ?? a.governorate, b.siteId ?? b.governorate),
  );
  return { at: inputs.nowIso, world, outcomes, unchanged: inputs.open.length - changes.change.length - changes.resolve.length };
}
