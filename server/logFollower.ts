// Many instances, one picture: each instance follows the shared log, woken by notifications, kept honest by polling.
import type { Logger } from 'pino';
import { sameValue } from '../shared/sameValue.ts';
import type { LivePicture } from './livePicture.ts';
import type { ChangeFeed, SharedChange, Store } from './storage/store.ts';

export interface LogFollowerDeps {
  changes: ChangeFeed;
  store: Store;
  live: LivePicture;
  logger: Logger;
  /** how often to look for other instances' writes when no notification came */
  pollIntervalMs: number;
  /** closes this instance's live connections of a token revoked on any instance */
  disconnectToken(tokenId: string): void;
  /** closes this instance's live connections whose token no longer authenticates */
  recheckConnections(): Promise<void>;
}

export interface LogFollower {
  start(): void;
  /** Folds every report visible now; resolves once done (or once the attempt failed, which the follower logs). */
  catchUp(): Promise<void>;
  stop(): Promise<void>;
}

interface Wanted {
  settings: boolean;
  alerts: boolean;
  connections: boolean;
}

/**
 * Settings and revocations are pushed too; this slower re-check only catches a notification that
 * was lost, and keeps each poll down to the reports and the open alerts.
 */
const SLOW_SYNC_MS = 10_000;


export function createLogFollower(deps: LogFollowerDeps): LogFollower {
  const { changes, store, live, logger } = deps;
  let wanted: Wanted = { settings: false, alerts: false, connections: false };
  let waiters: (() => void)[] = [];
  let running: Promise<void> | undefined;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  let failing = false;
  let lastSlowSyncMs = Date.now();

  /** Thresholds and sites changed on another instance: apply them here, so that every instance judges alike. */
  async function syncSettings(): Promise<void> {
    const thresholds = await store.thresholds.get();
    if (!sameValue(thresholds, live.thresholds())) await live.setThresholds(thresholds);
    for (const site of await store.sites.list()) {
      const known = live.site(site.id);
      if (!known || !sameValue(known, site)) await live.putSite(site);
    }
  }

  async function cycle(what: Wanted): Promise<void> {
    // Settings first: the reports that follow are judged by the thresholds they were posted under.
    if (what.settings) await syncSettings();
    await live.follow();
    // reloadAlerts reads the log once more after the alerts, so the picture never lags behind them.
    if (what.alerts) await live.reloadAlerts();
    if (what.connections) await deps.recheckConnections();
  }

  async function drain(): Promise<void> {
    while (!stopped && (waiters.length > 0 || wanted.settings || wanted.alerts || wanted.connections)) {
      const done = waiters;
      const what = wanted;
      waiters = [];
      wanted = { settings: false, alerts: false, connections: false };
      try {
        await cycle(what);
        if (failing) logger.info('following the shared log again');
        failing = false;
      } catch (err) {
        // Logged once per outage: a database that is down for a minute should not write sixty lines.
        if (!failing) logger.warn({ err }, 'cannot follow the shared log; retrying on the next poll');
        failing = true;
      } finally {
        for (const resolve of done) resolve();
      }
    }
    running = undefined;
  }

  /** Asks for a cycle that starts after this call; concurrent asks share one. */
  function request(what: Partial<Wanted>): Promise<void> {
    wanted = {
      settings: wanted.settings || !!what.settings,
      alerts: wanted.alerts || !!what.alerts,
      connections: wanted.connections || !!what.connections,
    };
    const done = new Promise<void>((resolve) => waiters.push(resolve));
    running ??= drain();
    return done;
  }

  function onChange(change: SharedChange, payload: string) {
    if (stopped) return;
    switch (change) {
      case 'tokens':
        if (payload) deps.disconnectToken(payload);
        break;
      case 'alerts':
        void request({ alerts: true });
        break;
      case 'settings':
        void request({ settings: true });
        break;
      case 'reports':
      case 'reset':
        void request({});
        break;
    }
  }

  return {
    start() {
      changes.subscribe(onChange);
      timer = setInterval(() => {
        const now = Date.now();
        const slow = now - lastSlowSyncMs >= SLOW_SYNC_MS;
        if (slow) lastSlowSyncMs = now;
        void request({ alerts: true, settings: slow, connections: slow });
      }, deps.pollIntervalMs);
      timer.unref();
    },

    catchUp() {
      return request({});
    },

    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
