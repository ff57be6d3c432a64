// The dashboard's one store, in slices by noun; each slice keeps its actions beside its state.
import type { StateCreator } from 'zustand';
import { isClosedAt } from '../../shared/schemas.ts';
import type {
  Alert,
  ContextCollection,
  GovernorateCollection,
  GovernorateRollup,
  Role,
  Rollup,
  Site,
  SiteState,
  Snapshot,
  Thresholds,
  Update,
  World,
} from '../../shared/schemas.ts';

export type ChoroplethMetric = 'arrivals24h' | 'occupancyRatio' | 'openAlerts';
export type ConnectionStatus = 'connecting' | 'live' | 'lost';
/** Why the dashboard cannot show anything: no token on this device, or one the server refused. */
export type AuthProblem = 'missing' | 'unauthorized' | null;

export interface GeographySlice {
  governorateShapes: GovernorateCollection | null;
  context: { outline: ContextCollection | null; neighbours: ContextCollection | null; physical: ContextCollection | null };
  setGovernorateShapes(shapes: GovernorateCollection): void;
  setContextLayer(layer: 'outline' | 'neighbours' | 'physical', collection: ContextCollection): void;
}

export interface SitesSlice {
  /** the whole registry, by id, closed sites too: what the admin screens list */
  registry: Record<string, Site>;
  /** the sites on the picture shown, by id: the registry less those closed by the picture's moment */
  sites: Record<string, Site>;
  /** each site's latest state, by id */
  siteStates: Record<string, SiteState>;
  setSites(sites: readonly Site[]): void;
}

export interface PictureSlice {
  /** the world the picture is of: real, or a drill's exercise world; null before the first snapshot */
  world: World | null;
  /** seq of the last snapshot or update applied; null before the first */
  seq: number | null;
  /** the server's time of the last snapshot or update */
  at: string | null;
  national: Rollup | null;
  governorateRollups: Record<string, GovernorateRollup>;
  applySnapshot(snapshot: Snapshot): void;
  applyUpdate(update: Update): void;
}

export interface AlertsSlice {
  /** open alerts (active and acknowledged), by id; a resolved one leaves */
  alerts: Record<string, Alert>;
  upsertAlerts(alerts: readonly Alert[]): void;
}

export interface ThresholdsSlice {
  thresholds: Thresholds | null;
  setThresholds(thresholds: Thresholds): void;
}

export interface ConnectionSlice {
  connection: ConnectionStatus;
  /** when (device clock, ms) the last snapshot or update arrived */
  lastMessageAtMs: number | null;
  setConnection(status: ConnectionStatus): void;
}

export interface SessionSlice {
  role: Role | null;
  authProblem: AuthProblem;
  setRole(role: Role): void;
  setAuthProblem(problem: AuthProblem): void;
}

export interface ViewSlice {
  metric: ChoroplethMetric;
  setMetric(metric: ChoroplethMetric): void;
}

export interface PastSlice {
  /**
   * The moment whose picture the screen shows (the server's `at`), or null while it shows the live
   * one. While it is set the live feed applies nothing: its snapshots and updates wait.
   */
  pastAt: string | null;
  /** Shows a picture of the past (GET /api/snapshot?at=) in place of the live one. */
  showPast(snapshot: Snapshot): void;
  /** Back to the live picture: the feed asks for a fresh snapshot (lib/realtime.ts). */
  returnLive(): void;
}

export type DashboardState = GeographySlice &
  PastSlice &
  SitesSlice &
  PictureSlice &
  AlertsSlice &
  ThresholdsSlice &
  ConnectionSlice &
  SessionSlice &
  ViewSlice;

type Slice<T> = StateCreator<DashboardState, [], [], T>;

export const geographySlice: Slice<GeographySlice> = (set) => ({
  governorateShapes: null,
  context: { outline: null, neighbours: null, physical: null },
  setGovernorateShapes: (governorateShapes) => set({ governorateShapes }),
  setContextLayer: (layer, collection) => set((s) => ({ context: { ...s.context, [layer]: collection } })),
});

export const sitesSlice: Slice<SitesSlice> = (set) => ({
  registry: {},
  sites: {},
  siteStates: {},
  setSites: (sites) =>
    set((s) => {
      const registry = Object.fromEntries(sites.map((site) => [site.id, site]));
      return { registry, sites: sitesOpenAt(registry, s.at) };
    }),
});

/**
 * The registry's sites open at `at` (the picture's moment; before any picture, those not closed).
 * A past picture from before a site closed shows it, as the server's does. The same object comes
 * back while the open sites are the same ones, so screens that follow `sites` redraw only on a change.
 */
function sitesOpenAt(registry: Record<string, Site>, at: string | null, previous?: Record<string, Site>): Record<string, Site> {
  const atMs = at === null ? Number.POSITIVE_INFINITY : Date.parse(at);
  const open = Object.values(registry).filter((site) => !isClosedAt(site, atMs));
  if (previous && open.length === Object.keys(previous).length && open.every((site) => previous[site.id] === site)) return previous;
  return Object.fromEntries(open.map((site) => [site.id, site]));
}

function withoutResolved(current: Record<string, Alert>, changed: readonly Alert[]): Record<string, Alert> {
  const next = { ...current };
  for (const alert of changed) {
    if (alert.state === 'resolved') delete next[alert.id];
    else next[alert.id] = alert;
  }
  return next;
}

/** What a snapshot, live or past, puts in the store. */
function pictureOf(snapshot: Snapshot): Partial<DashboardState> {
  return {
    world: snapshot.world,
    seq: snapshot.seq,
    at: snapshot.at,
    // the rules the picture was judged by arrive with it, and with every update that changes them
    thresholds: snapshot.thresholds,
    national: snapshot.national,
    governorateRollups: Object.fromEntries(snapshot.governorates.map((g) => [g.pcode, g])),
    siteStates: Object.fromEntries(snapshot.sites.map((s) => [s.id, s])),
    alerts: withoutResolved({}, snapshot.alerts),
    lastMessageAtMs: Date.now(),
  };
}

export const pictureSlice: Slice<PictureSlice> = (set) => ({
  world: null,
  seq: null,
  at: null,
  national: null,
  governorateRollups: {},
  applySnapshot: (snapshot) => set((s) => ({ ...pictureOf(snapshot), sites: sitesOpenAt(s.registry, snapshot.at, s.sites) })),
  applyUpdate: (update) =>
    set((s) => {
      const governorateRollups = { ...s.governorateRollups };
      for (const g of update.governorates) governorateRollups[g.pcode] = g;
      const siteStates = { ...s.siteStates };
      for (const site of update.sites) siteStates[site.id] = site;
      return {
        seq: update.seq,
        at: update.at,
        sites: sitesOpenAt(s.registry, update.at, s.sites),
        national: update.national,
        governorateRollups,
        siteStates,
        alerts: update.alerts.length ? withoutResolved(s.alerts, update.alerts) : s.alerts,
        thresholds: update.thresholds ?? s.thresholds,
        lastMessageAtMs: Date.now(),
      };
    }),
});

export const pastSlice: Slice<PastSlice> = (set) => ({
  pastAt: null,
  // seq stays null in the past, so that no live update can be taken as the next one
  showPast: (snapshot) => set((s) => ({ ...pictureOf(snapshot), sites: sitesOpenAt(s.registry, snapshot.at, s.sites), seq: null, pastAt: snapshot.at })),
  returnLive: () => set({ pastAt: null, seq: null }),
});

export const alertsSlice: Slice<AlertsSlice> = (set) => ({
  alerts: {},
  upsertAlerts: (alerts) => set((s) => ({ alerts: withoutResolved(s.alerts, alerts) })),
});

export const thresholdsSlice: Slice<ThresholdsSlice> = (set) => ({
  thresholds: null,
  setThresholds: (thresholds) => set({ thresholds }),
});

export const connectionSlice: Slice<ConnectionSlice> = (set) => ({
  connection: 'connecting',
  lastMessageAtMs: null,
  setConnection: (connection) => set({ connection }),
});

export const sessionSlice: Slice<SessionSlice> = (set) => ({
  role: null,
  authProblem: null,
  setRole: (role) => set({ role }),
  setAuthProblem: (authProblem) => set({ authProblem }),
});

export const viewSlice: Slice<ViewSlice> = (set) => ({
  metric: 'arrivals24h',
  setMetric: (metric) => set({ metric }),
});
