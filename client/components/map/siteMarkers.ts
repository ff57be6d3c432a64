// How sites are placed and sized on the map, apart from MapLibre: which coordinates are approximate,
// how sites on one point are spread so each stays visible, and which checkpoints carry a count.
import { isApproximate as isApproximateQuality } from '../../../shared/geo.ts';
import type { Site, SiteState } from '../../../shared/schemas.ts';

/**
 * Whether a site's point is only near where it is: the nearest town, a village across the border,
 * an unverified secondary source, or a clinic placed at its camp to stand for it.
 */
export function isApproximate(site: Site): boolean {
  // the qualities the registry calls approximate (shared/geo.ts), and a stand-in placed at its camp
  return site.representative === true || site.coordinateQuality === 'representative' || isApproximateQuality(site.coordinateQuality);
}

/** Points closer than this (degrees, about 100 m) are one place on any zoom the map shows. */
const SAME_PLACE_DEGREES = 0.001;

/**
 * For each drawn site, an offset in icon units (one unit is one icon's width) that spreads the sites
 * sharing a place round it, so that a camp and its clinic show as two markers rather than one blob.
 * A site alone keeps [0, 0]. The order is by id, so the layout is the same on every screen.
 */
export function spreadOffsets(sites: readonly Site[]): Map<string, [number, number]> {
  const places = new Map<string, Site[]>();
  for (const site of sites) {
    if (site.lon === null || site.lat === null) continue;
    const key = `${Math.round(site.lon / SAME_PLACE_DEGREES)}:${Math.round(site.lat / SAME_PLACE_DEGREES)}`;
    const list = places.get(key);
    if (list) list.push(site);
    else places.set(key, [site]);
  }
  const out = new Map<string, [number, number]>();
  for (const group of places.values()) {
    group.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    if (group.length === 1) {
      out.set(group[0]!.id, [0, 0]);
      continue;
    }
    // on a circle whose neighbours are one icon apart (radius 0.6 for two: side by side, touching)
    const radius = Math.max(0.6, 0.6 / Math.sin(Math.PI / group.length));
    group.forEach((site, i) => {
      const angle = Math.PI + (2 * Math.PI * i) / group.length;
      out.set(site.id, [Math.round(radius * Math.cos(angle) * 100) / 100, Math.round(radius * Math.sin(angle) * 100) / 100]);
    });
  }
  return out;
}

/** Checkpoints with at least this many arrivals in the last hour carry the number on the map. */
export const LABEL_ARRIVALS_FROM = 50;
/** At most this many counts at once: the busiest, so that the map stays legible (and fast). */
export const MAX_COUNT_LABELS = 12;

/** The checkpoints whose last-hour count is written on the map, busiest first. */
export function countedCheckpoints(sites: Readonly<Record<string, Site>>, states: Readonly<Record<string, SiteState>>): { site: Site; arrivals: number }[] {
  const out: { site: Site; arrivals: number }[] = [];
  for (const site of Object.values(sites)) {
    if (site.kind !== 'checkpoint' || site.lon === null || site.lat === null) continue;
    const arrivals = Object.hasOwn(states, site.id) ? (states[site.id]?.arrivals1h ?? 0) : 0;
    if (arrivals >= LABEL_ARRIVALS_FROM) out.push({ site, arrivals });
  }
  out.sort((a, b) => b.arrivals - a.arrivals || (a.site.id < b.site.id ? -1 : 1));
  return out.slice(0, MAX_COUNT_LABELS);
}
