// Each governorate's outline as CAP polygons: simplified from the boundaries until every ring has at
// most CAP_POLYGON_MAX_POINTS points, so that a message naming a governorate stays small enough
// for alerting hubs (which cap polygon sizes) while still drawing the right shape on a map.
import { simplify } from '@turf/simplify';
import type { GovernorateCollection } from '../shared/schemas.ts';

export const CAP_POLYGON_MAX_POINTS = 100;
/** Four decimals of a degree: about 11 m, finer than the simplification moves any point. */
const DECIMALS = 4;
/** Islands and slivers beyond the largest few parts add size and tell a reader nothing. */
const MAX_PARTS = 3;

type Ring = number[][];

function simplifiedRing(ring: Ring): Ring {
  let tolerance = 0.0005;
  let simplified = ring;
  while (simplified.length > CAP_POLYGON_MAX_POINTS) {
    const geometry = simplify({ type: 'Polygon', coordinates: [ring] }, { tolerance, highQuality: true, mutate: false });
    simplified = geometry.coordinates[0] ?? ring;
    tolerance *= 1.5;
  }
  return simplified;
}

/** "lat,lon lat,lon …", first point repeated last, as CAP 1.2 writes a polygon. */
function capPolygon(ring: Ring): string | undefined {
  const points = ring.map(([lon, lat]) => `${lat!.toFixed(DECIMALS)},${lon!.toFixed(DECIMALS)}`);
  const distinct = points.filter((p, i) => i === 0 || p !== points[i - 1]);
  if (distinct[0] !== distinct[distinct.length - 1]) distinct.push(distinct[0]!);
  // CAP: at least four pairs, the first and last the same
  return distinct.length >= 4 ? distinct.join(' ') : undefined;
}

export function capPolygonsByGovernorate(shapes: GovernorateCollection): Map<string, string[]> {
  const byPcode = new Map<string, string[]>();
  for (const feature of shapes.features) {
    const outers: Ring[] =
      feature.geometry.type === 'Polygon'
        ? [feature.geometry.coordinates[0]!]
        : feature.geometry.coordinates.map((polygon) => polygon[0]!);
    const largest = [...outers].sort((a, b) => b.length - a.length).slice(0, MAX_PARTS);
    byPcode.set(
      feature.properties.pcode,
      largest.map((ring) => capPolygon(simplifiedRing(ring))).filter((p): p is string => p !== undefined),
    );
  }
  return byPcode;
}
