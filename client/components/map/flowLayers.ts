// Onward movement on the map: a curved line from each origin governorate to the destination's label
// point, as wide as the persons heading there, its dashes moving towards the destination. MapLibre
// layers only; the module keeps its own source, layers, store subscription and animation, so the map
// view only attaches and detaches it.
import type { Map as MapLibreMap, GeoJSONSource, ExpressionSpecification } from 'maplibre-gl';
import type { Feature, FeatureCollection, LineString } from 'geojson';
import type { GovernorateCollection, GovernorateRollup } from '../../../shared/schemas.ts';
import { useDashboard, type DashboardState } from '../../store/store.ts';

export const FLOW_SOURCE = 'onward-flows';
export const FLOW_LAYERS = ['onward-flows-casing', 'onward-flows'] as const;
/** Points along each curve: smooth at any zoom of Iraq, a few hundred vertices for every flow drawn. */
const CURVE_POINTS = 24;
/** How far the curve bows out, as a share of the straight distance: enough to tell A→B from B→A. */
const BOW = 0.22;
/** One step of the dash animation every this many ms: the map redraws at this rate only while flows show. */
const STEP_MS = 120;
export const FLOW_COLOUR = '#7d3c98';

/**
 * Dash patterns that, shown in turn, move the dashes along the line's direction (MapLibre's own
 * "animate a line" technique): dash, gap, and the dash split at the pattern's edge.
 */
const DASH_SEQUENCE: number[][] = [
  [0, 4, 3],
  [0.5, 4, 2.5],
  [1, 4, 2],
  [1.5, 4, 1.5],
  [2, 4, 1],
  [2.5, 4, 0.5],
  [3, 4, 0],
  [0, 0.5, 3, 3.5],
  [0, 1, 3, 3],
  [0, 1.5, 3, 2.5],
  [0, 2, 3, 2],
  [0, 2.5, 3, 1.5],
  [0, 3, 3, 1],
  [0, 3.5, 3, 0.5],
];

type Point = [number, number];

/** A quadratic curve from `a` to `b`, bowed to the left of the direction of travel. */
export function curve(a: Point, b: Point, points = CURVE_POINTS): Point[] {
  const [dx, dy] = [b[0] - a[0], b[1] - a[1]];
  const control: Point = [(a[0] + b[0]) / 2 - dy * BOW, (a[1] + b[1]) / 2 + dx * BOW];
  const out: Point[] = [];
  for (let i = 0; i <= points; i++) {
    const t = i / points;
    const u = 1 - t;
    out.push([u * u * a[0] + 2 * u * t * control[0] + t * t * b[0], u * u * a[1] + 2 * u * t * control[1] + t * t * b[1]]);
  }
  return out;
}

export interface FlowProperties {
  origin: string;
  destination: string;
  /** persons reported heading there in the last 24 h: the line's width */
  persons: number;
  /** of which expected in the next 24 h */
  expected: number;
}

/** One feature per origin-destination pair with anyone heading there, from the label points. */
export function flowFeatures(
  rollups: Readonly<Record<string, GovernorateRollup>>,
  shapes: GovernorateCollection | null,
): FeatureCollection<LineString, FlowProperties> {
  const points = new Map<string, Point>((shapes?.features ?? []).map((f) => [f.properties.pcode, [f.properties.labelLon, f.properties.labelLat]]));
  const features: Feature<LineString, FlowProperties>[] = [];
  for (const rollup of Object.values(rollups)) {
    const to = points.get(rollup.pcode);
    for (const o of rollup.onward?.byOrigin ?? []) {
      const from = points.get(o.origin);
      if (!to || !from || o.heading24h === 0) continue;
      features.push({
        type: 'Feature',
        properties: { origin: o.origin, destination: rollup.pcode, persons: o.heading24h, expected: o.expected24h },
        geometry: { type: 'LineString', coordinates: curve(from, to) },
      });
    }
  }
  // the widest drawn first, so a thin flow is never hidden under a wide one
  features.sort((a, b) => b.properties.persons - a.properties.persons);
  return { type: 'FeatureCollection', features };
}

/** The line's width in pixels by persons: a trickle stays visible, a mass movement dominates. */
function widthBy(scale: number): ExpressionSpecification {
  return ['interpolate', ['linear'], ['get', 'persons'], 0, 1.5 * scale, 1000, 4 * scale, 5000, 9 * scale, 20000, 14 * scale];
}

/**
 * Adds the flow source and layers under `beforeLayer`, keeps them in step with the store, and
 * animates their dashes while any flow shows. Returns what removes the subscription and timer.
 */
export function attachFlowLayers(map: MapLibreMap, { large = false, beforeLayer }: { large?: boolean; beforeLayer?: string }): () => void {
  const scale = large ? 1.8 : 1;
  map.addSource(FLOW_SOURCE, { type: 'geojson', data: { type: 'FeatureCollection', features: [] } });
  map.addLayer(
    {
      id: 'onward-flows-casing',
      type: 'line',
      source: FLOW_SOURCE,
      layout: { 'line-cap': 'round', 'line-join': 'round' },
      paint: { 'line-color': '#ffffff', 'line-opacity': 0.85, 'line-width': ['+', widthBy(scale), 2 * scale] },
    },
    beforeLayer,
  );
  map.addLayer(
    {
      id: 'onward-flows',
      type: 'line',
      source: FLOW_SOURCE,
      layout: { 'line-join': 'round' },
      paint: { 'line-color': FLOW_COLOUR, 'line-opacity': 0.9, 'line-width': widthBy(scale), 'line-dasharray': DASH_SEQUENCE[0]! },
    },
    beforeLayer,
  );

  const reduceMotion = typeof window.matchMedia === 'function' && window.matchMedia('(prefers-reduced-motion: reduce)').matches;
  let timer: number | undefined;
  let step = 0;
  let shown = 0;
  const animate = (on: boolean) => {
    if (on && timer === undefined && !reduceMotion) {
      timer = window.setInterval(() => {
        step = (step + 1) % DASH_SEQUENCE.length;
        map.setPaintProperty('onward-flows', 'line-dasharray', DASH_SEQUENCE[step]);
      }, STEP_MS);
    } else if (!on && timer !== undefined) {
      window.clearInterval(timer);
      timer = undefined;
    }
  };

  let lastKey = '';
  const update = (s: DashboardState) => {
    const data = flowFeatures(s.governorateRollups, s.governorateShapes);
    // rollups change with every report; the flows only when someone's heading changes
    const key = JSON.stringify(data.features.map((f) => f.properties));
    if (key === lastKey) return;
    lastKey = key;
    (map.getSource(FLOW_SOURCE) as GeoJSONSource).setData(data);
    shown = data.features.length;
    map.getContainer().dataset.flows = String(shown);
    animate(shown > 0);
  };
  update(useDashboard.getState());
  const unsubscribe = useDashboard.subscribe((s, prev) => {
    if (s.governorateRollups !== prev.governorateRollups || s.governorateShapes !== prev.governorateShapes) update(s);
  });
  return () => {
    unsubscribe();
    animate(false);
  };
}
