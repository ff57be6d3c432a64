// The map's style and colour scales. No glyphs, no sprite, no tiles: every source is GeoJSON from our
// own API, so the map fetches nothing from outside. Labels are HTML (the browser shapes Arabic).
import type { ExpressionSpecification, StyleSpecification } from 'maplibre-gl';
import type { SiteKind } from '../../../shared/schemas.ts';
import type { SiteCondition } from '../../store/derive.ts';
import type { ChoroplethMetric } from '../../store/store.ts';

/** Iraq with a margin. */
export const IRAQ_BOUNDS: [number, number, number, number] = [38.6, 28.9, 48.8, 37.5];
/**
 * Where the map may be panned: the context layers stop at 34–52 °E, 26–41 °N, but a wide, short
 * screen (the wall) needs room beyond them to fit all of Iraq's height.
 */
export const MAX_BOUNDS: [number, number, number, number] = [20, 18, 66, 48];

export const NO_DATA_COLOUR = '#d4d4d4';
/** The image name of the "no data" hatching in the map's style. */
export const NO_DATA_PATTERN = 'no-data-hatch';
const NO_DATA_HATCH = '#6f7780';

/**
 * Draws the "no data" fill: dark diagonal hatching on grey. A flat grey could be read as the lightest
 * class of a scale (a governorate whose shelters are empty); hatching reads as "nothing known" in
 * any metric, on paper and in greyscale. The lines meet across tile edges, so it repeats seamlessly.
 */
function drawNoDataHatch(ctx: CanvasRenderingContext2D, size: number): void {
  ctx.fillStyle = NO_DATA_COLOUR;
  ctx.fillRect(0, 0, size, size);
  ctx.strokeStyle = NO_DATA_HATCH;
  ctx.lineWidth = Math.max(1, size / 8);
  ctx.beginPath();
  for (const offset of [-size, -size / 2, 0, size / 2, size]) {
    ctx.moveTo(offset, size);
    ctx.lineTo(offset + size, 0);
  }
  ctx.stroke();
}

function hatchCanvas(size: number): HTMLCanvasElement {
  const canvas = document.createElement('canvas');
  canvas.width = size;
  canvas.height = size;
  drawNoDataHatch(canvas.getContext('2d')!, size);
  return canvas;
}

/** The hatching as a tile for the map's fill-pattern. */
export function noDataPattern(size: number): ImageData {
  return hatchCanvas(size).getContext('2d')!.getImageData(0, 0, size, size);
}

/** The same hatching for the legend's swatch. */
export function noDataPatternDataUrl(size: number): string {
  return hatchCanvas(size).toDataURL();
}

/** Class breaks (lower bounds) and colours per metric: a sequential scale, light to dark. */
export const METRIC_CLASSES: Record<ChoroplethMetric, { breaks: number[]; colours: string[] }> = {
  arrivals24h: { breaks: [0, 1, 500, 2000, 5000, 15000], colours: ['#fff7ec', '#fdd49e', '#fdbb84', '#fc8d59', '#e34a33', '#b30000'] },
  occupancyRatio: { breaks: [0, 0.5, 0.75, 0.9, 1], colours: ['#f1eef6', '#bdc9e1', '#74a9cf', '#f4a261', '#c0392b'] },
  openAlerts: { breaks: [0, 1, 2, 4, 8], colours: ['#f7f7f7', '#fdd49e', '#fc8d59', '#d7301f', '#7f0000'] },
};

export function fillColour(metric: ChoroplethMetric): ExpressionSpecification {
  const { breaks, colours } = METRIC_CLASSES[metric];
  const steps: (number | string)[] = [];
  for (let i = 1; i < breaks.length; i++) steps.push(breaks[i]!, colours[i]!);
  return [
    'case',
    ['==', ['feature-state', 'value'], null],
    NO_DATA_COLOUR,
    ['step', ['to-number', ['feature-state', 'value']], colours[0], ...steps] as ExpressionSpecification,
  ];
}

export const CONDITION_COLOURS: Record<SiteCondition, string> = {
  critical: '#c0392b',
  warning: '#e67e22',
  ok: '#2e8b57',
  silent: '#7f8c8d',
  unknown: '#ffffff',
};

export const SITE_KINDS: readonly SiteKind[] = ['checkpoint', 'shelter', 'health_post'];
export const SITE_CONDITIONS: readonly SiteCondition[] = ['critical', 'warning', 'ok', 'silent', 'unknown'];

export function baseStyle(): StyleSpecification {
  return {
    version: 8,
    sources: {},
    layers: [{ id: 'background', type: 'background', paint: { 'background-color': '#e8edf0' } }],
  };
}

/** The disc drawn round a marker (a critical site's ring, an approximate site's halo). */
export const RING = 'ring';
type Shape = SiteKind | typeof RING;

/** Traces a kind's shape: a diamond for checkpoints, a square for shelters, a plus for health posts. */
function traceShape(ctx: CanvasRenderingContext2D, kind: Shape, c: number, r: number): void {
  ctx.beginPath();
  if (kind === RING) {
    ctx.arc(c, c, r, 0, 2 * Math.PI);
  } else if (kind === 'checkpoint') {
    ctx.moveTo(c, c - r);
    ctx.lineTo(c + r, c);
    ctx.lineTo(c, c + r);
    ctx.lineTo(c - r, c);
    ctx.closePath();
  } else if (kind === 'shelter') {
    const s = r * 0.8;
    ctx.rect(c - s, c - s, 2 * s, 2 * s);
  } else {
    const arm = r * 0.95;
    const half = r * 0.38;
    ctx.moveTo(c - half, c - arm);
    ctx.lineTo(c + half, c - arm);
    ctx.lineTo(c + half, c - half);
    ctx.lineTo(c + arm, c - half);
    ctx.lineTo(c + arm, c + half);
    ctx.lineTo(c + half, c + half);
    ctx.lineTo(c + half, c + arm);
    ctx.lineTo(c - half, c + arm);
    ctx.lineTo(c - half, c + half);
    ctx.lineTo(c - arm, c + half);
    ctx.lineTo(c - arm, c - half);
    ctx.lineTo(c - half, c - half);
    ctx.closePath();
  }
}

/** The SDF's distance range in pixels, and where the edge sits (MapLibre cuts icons at 0.75). */
const SDF_RADIUS = 6;
const SDF_CUTOFF = 0.25;

/**
 * A kind's shape as a signed distance field, so that MapLibre can colour it per site from feature
 * state (and outline it with a halo) without rebuilding the layer when a site's state changes.
 */
export function siteShapeSdf(kind: Shape, size: number): ImageData {
  const canvas = document.createElement('canvas');
  canvas.width = size;
  canvas.height = size;
  const ctx = canvas.getContext('2d', { willReadFrequently: true })!;
  // the ring is drawn larger than the shapes, so that it shows round them
  traceShape(ctx, kind, size / 2, kind === RING ? size / 2 - SDF_RADIUS / 2 : size / 2 - SDF_RADIUS - 1);
  ctx.fill();
  const mask = ctx.getImageData(0, 0, size, size).data;
  const inside = (x: number, y: number) => (mask[(y * size + x) * 4 + 3] ?? 0) > 127;
  // Edge pixels: inside ones with a neighbour outside. A brute-force distance to them is enough for three small icons.
  const edges: [number, number][] = [];
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      if (!inside(x, y)) continue;
      if (x === 0 || y === 0 || x === size - 1 || y === size - 1 || !inside(x - 1, y) || !inside(x + 1, y) || !inside(x, y - 1) || !inside(x, y + 1)) edges.push([x, y]);
    }
  }
  const out = ctx.createImageData(size, size);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      let best = Infinity;
      for (const [ex, ey] of edges) best = Math.min(best, (ex - x) ** 2 + (ey - y) ** 2);
      const distance = Math.sqrt(best) * (inside(x, y) ? -1 : 1);
      const value = 255 * (1 - (distance / SDF_RADIUS + SDF_CUTOFF));
      const i = (y * size + x) * 4;
      out.data[i] = out.data[i + 1] = out.data[i + 2] = 255;
      out.data[i + 3] = Math.max(0, Math.min(255, Math.round(value)));
    }
  }
  return out;
}

/** A small PNG of a marker, for the legend: the map's shape, filled and outlined the same way. */
export function siteIconDataUrl(kind: SiteKind, condition: SiteCondition, size: number): string {
  const canvas = document.createElement('canvas');
  canvas.width = size;
  canvas.height = size;
  const ctx = canvas.getContext('2d')!;
  traceShape(ctx, kind, size / 2, size / 2 - 2);
  ctx.fillStyle = CONDITION_COLOURS[condition];
  ctx.fill();
  ctx.lineWidth = Math.max(1.5, size / 12);
  ctx.strokeStyle = SITE_OUTLINE;
  ctx.stroke();
  return canvas.toDataURL();
}

export const SITE_OUTLINE = '#1f2a33';
const SITE_RING = '#ffffff';

/**
 * The marker's outline: white round a site with a state, so that a red marker stays legible on a
 * governorate filled dark red by the same emergency; dark round a site with no report, whose marker
 * is white.
 */
export function siteHalo(): ExpressionSpecification {
  return ['match', ['coalesce', ['feature-state', 'condition'], 'unknown'], 'unknown', SITE_OUTLINE, SITE_RING] as unknown as ExpressionSpecification;
}

/** icon-color by the state held in each site's feature state. */
export function siteColour(): ExpressionSpecification {
  const pairs: string[] = [];
  for (const condition of SITE_CONDITIONS) pairs.push(condition, CONDITION_COLOURS[condition]);
  return ['match', ['coalesce', ['feature-state', 'condition'], 'unknown'], ...pairs, CONDITION_COLOURS.unknown] as unknown as ExpressionSpecification;
}
