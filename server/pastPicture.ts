// The picture as it was known at a past moment: only reports received by then, windows measured at
// then, and each alert as the history says it stood then (open or not, acknowledged or not).
import { openAlertsByGovernorate } from '../shared/alerts.ts';
import { computePicture } from '../shared/projection.ts';
import type { Alert, Governorate, Site, Snapshot, Thresholds, World } from '../shared/schemas.ts';
import { foldReports, pruneSiteLog } from '../shared/siteLog.ts';
import { isoSeconds } from '../shared/time.ts';
import { newestFirst } from './alertLifecycle.ts';
import type { Store } from './storage/store.ts';

export interface PastPictureDeps {
  store: Store;
  governorates: readonly Governorate[];
  /** the registry and the rules as they are now: neither keeps a history (README) */
  sites: readonly Site[];
  thresholds: Thresholds;
}

export async function pictureAt({ store, governorates, sites, thresholds }: PastPictureDeps, world: World, atMs: number): Promise<Snapshot> {
  // a checkpoint's latest report may come twice (store.ts): each is folded once
  const known = new Map((await store.reports.knownAt(world, sites, atMs)).map((r) => [r.id, r]));
  const logs = foldReports(known.values());
  for (const log of logs.values()) pruneSiteLog(log, atMs);

  // each alert's last change by then says how it stood
  const latest = new Map<string, Alert>();
  for (const event of await store.alerts.history(world, { toMs: atMs })) latest.set(event.alert.id, event.alert);
  const open = [...latest.values()].filter((a) => a.state !== 'resolved').sort(newestFirst);

  const picture = computePicture(
    governorates.map((g) => g.pcode),
    sites,
    logs,
    openAlertsByGovernorate(open),
    atMs,
    thresholds,
  );
  return {
    seq: 0,
    at: isoSeconds(atMs),
    world,
    national: picture.national,
    governorates: picture.governorates,
    sites: picture.sites,
    alerts: open,
    thresholds,
    historic: true,
  };
}
