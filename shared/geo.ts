// Points and governorate polygons: which governorate a point falls in, and how far outside one it
// lies. Pure, and shared by the fixtures' build, the server's checks and the admin's site form, so
// that all three say the same thing about the same point.
import type { CoordinateQuality, Pcode } from './schemas.ts';

export type Position = readonly number[];
export type PolygonCoordinates = readonly (readonly Position[])[];
export type Geometry =
  | { type: 'Polygon'; coordinates: PolygonCoordinates }
  | { type: 'MultiPolygon'; coordinates: readonly PolygonCoordinates[] };

/**
 * How far outside its governorate's polygon a border crossing (or what stands at one) may lie: the
 * simplified COD-AB line runs up to ~2 km off the real frontier, and a crossing's marker may sit on
 * the neighbour's side of the river or the gate.
 */
export const BORDER_TOLERANCE_KM = 2;

/** Even-odd ray casting; a point on an edge may fall either way, which is fine at ≈11 m. */
function inRing(lon: number, lat: number, ring: readonly Position[]): boolean {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const xi = ring[i]![0]!;
    const yi = ring[i]![1]!;
    const xj = ring[j]![0]!;
    const yj = ring[j]![1]!;
    if (yi > lat !== yj > lat && lon < ((xj - xi) * (lat - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

function polygonsOf(geometry: Geometry): readonly PolygonCoordinates[] {
  return geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates;
}

/** Whether the point lies inside the polygon (outer ring, outside its holes). */
export function pointInGeometry(lon: number, lat: number, geometry: Geometry): boolean {
  return polygonsOf(geometry).some(([outer, ...holes]) => outer !== undefined && inRing(lon, lat, outer) && !holes.some((h) => inRing(lon, lat, h)));
}

const EARTH_RADIUS_KM = 6371.0088;
const RAD = Math.PI / 180;

/**
 * Distance in km from a point to the nearest edge of the polygon (0 inside it). Edges are measured
 * on a local equirectangular plane around the point: at Iraq's latitudes and a few km this is within
 * a fraction of a percent of the great-circle distance, which is all a tolerance of 2 km needs.
 */
export function kmOutside(lon: number, lat: number, geometry: Geometry): number {
  if (pointInGeometry(lon, lat, geometry)) return 0;
  const kx = Math.cos(lat * RAD) * RAD * EARTH_RADIUS_KM;
  const ky = RAD * EARTH_RADIUS_KM;
  let best = Infinity;
  for (const polygon of polygonsOf(geometry)) {
    for (const ring of polygon) {
      for (let i = 1; i < ring.length; i++) {
        const ax = (ring[i - 1]![0]! - lon) * kx;
        const ay = (ring[i - 1]![1]! - lat) * ky;
        const bx = (ring[i]![0]! - lon) * kx;
        const by = (ring[i]![1]! - lat) * ky;
        const dx = bx - ax;
        const dy = by - ay;
        const len = dx * dx + dy * dy;
        const t = len === 0 ? 0 : Math.max(0, Math.min(1, -(ax * dx + ay * dy) / len));
        best = Math.min(best, Math.hypot(ax + t * dx, ay + t * dy));
      }
    }
  }
  return best;
}

export interface GovernorateShape {
  pcode: Pcode;
  geometry: Geometry;
}

/** The governorate whose polygon holds the point, if any (polygons do not overlap). */
export function governorateAt(lon: number, lat: number, shapes: readonly GovernorateShape[]): Pcode | undefined {
  return shapes.find((s) => pointInGeometry(lon, lat, s.geometry))?.pcode;
}

/** What a point says about a site's governorate: where it falls, and whether that is acceptable. */
export interface PlacementCheck {
  /** the governorate whose polygon holds the point; undefined outside every one */
  foundIn: Pcode | undefined;
  /** km outside the site's own governorate (0 inside it) */
  kmOutsideOwn: number;
  /** inside its own governorate, or a crossing within BORDER_TOLERANCE_KM of it */
  ok: boolean;
}

/**
 * Checks a site's point against its governorate. A border crossing, or the health post at one,
 * may lie up to BORDER_TOLERANCE_KM outside; any other site must lie inside.
 */
export function checkPlacement(
  point: { lon: number; lat: number },
  governorate: Pcode,
  atBorder: boolean,
  shapes: readonly GovernorateShape[],
): PlacementCheck {
  const foundIn = governorateAt(point.lon, point.lat, shapes);
  const own = shapes.find((s) => s.pcode === governorate);
  const kmOutsideOwn = foundIn === governorate || !own ? 0 : kmOutside(point.lon, point.lat, own.geometry);
  const ok = foundIn === governorate || (own !== undefined && atBorder && kmOutsideOwn <= BORDER_TOLERANCE_KM);
  return { foundIn, kmOutsideOwn, ok };
}

/**
 * Coordinates that stand for a place near the site rather than the site itself: drawn with a marker
 * of their own, and said so in the site's popup.
 */
const APPROXIMATE: ReadonlySet<CoordinateQuality> = new Set(['nearest_town', 'neighbour_side_village', 'secondary_unverified']);

export function isApproximate(quality: CoordinateQuality | undefined): boolean {
  return quality !== undefined && APPROXIMATE.has(quality);
}
