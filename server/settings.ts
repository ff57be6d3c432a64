// The settings every instance judges by, sites and thresholds: stored first, then applied to the
// live picture, so that what the screens show never runs ahead of what a restart would load.
import type { Site, Thresholds } from '../shared/schemas.ts';
import type { LivePicture } from './livePicture.ts';
import type { Store } from './storage/store.ts';

export interface Settings {
  /** Stores new thresholds and judges both worlds by them; every dashboard gets them in its next update. */
  changeThresholds(thresholds: Thresholds): Promise<void>;
  /** Stores a site (new or replaced) and puts it on the live picture. */
  putSite(site: Site): Promise<void>;
  /** Stores many sites in one transaction (all or none), then puts each on the live picture. */
  putSites(sites: readonly Site[]): Promise<void>;
}

export function createSettings({ store, live }: { store: Store; live: LivePicture }): Settings {
  return {
    async changeThresholds(thresholds) {
      await store.thresholds.put(thresholds);
      await live.setThresholds(thresholds);
    },
    async putSite(site) {
      await store.sites.put(site);
      await live.putSite(site);
    },
    async putSites(sites) {
      await store.sites.putMany(sites);
      for (const site of sites) await live.putSite(site);
    },
  };
}
