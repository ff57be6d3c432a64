// The map: created once in a ref; live changes go into source data and feature state, at most once
// per animation frame, never through a React re-render of the map.
import 'maplibre-gl/dist/maplibre-gl.css';
import './markers.css';
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';
import { isApproximate as isApproximateQuality } from '../../../shared/geo.ts';
import { Map as MapLibreMap, Marker, NavigationControl, Popup, setWorkerUrl, type ExpressionSpecification, type GeoJSONSource, type LngLatBoundsLike } from 'maplibre-gl';
import type { Feature, FeatureCollection } from 'geojson';
import type { TFunction } from 'i18next';
import { useEffect, useRef } from 'react';
import type { GovernorateCollection, Site, SiteState } from '../../../shared/schemas.ts';
import { directionOf } from '../../lib/session.ts';
import { alertsBySite, metricValue, siteCondition, type SiteCondition } from '../../store/derive.ts';
import { useDashboard, type DashboardState } from '../../store/store.ts';
import { placeName, useFormat, type Format } from '../format.ts';
import { mapCanvasLimit, nextDrawAt } from './drawingBudget.ts';
import { attachFlowLayers } from './flowLayers.ts';
import { Legend } from './Legend.tsx';
import { countedCheckpoints, isApproximate, spreadOffsets } from './siteMarkers.ts';
import {
  IRAQ_BOUNDS,
  MAX_BOUNDS,
  CONDITION_COLOURS,
  NO_DATA_PATTERN,
  RING,
  SITE_KINDS,
  baseStyle,
  fillColour,
  noDataPattern,
  siteColour,
  siteHalo,
  siteShapeSdf,
} from './mapStyle.ts';

declare global {
  interface Window {
    /** the map, for measurements; set only with ?testhooks in the address */
    aminaMap?: MapLibreMap;
  }
}

// The worker is bundled as a file of our own, served by our server.
setWorkerUrl(workerUrl);

/** The SDF icons' size in canvas pixels (drawn at twice the screen size). */
const ICON_PIXELS = 48;
/** The layers that draw sites: all of them, then warnings and critical ones again on top. */
const SITE_LAYERS = ['sites', 'sites-warning', 'sites-critical'] as const;

/** The "no data" hatching's tile in canvas pixels (drawn at twice the screen size). */
const NO_DATA_PATTERN_PIXELS = 24;

interface Props {
  /** zoom to this governorate */
  focus?: string;
  /** false on the wall: no controls, no clicks */
  interactive?: boolean;
  /** larger labels, for reading from afar */
  large?: boolean;
  onSelectGovernorate?: (pcode: string) => void;
}

const EMPTY: FeatureCollection = { type: 'FeatureCollection', features: [] };

/**
 * One `--px` of the page in CSS pixels: 1 on a 1920×1080 wall, 2 on a 3840×2160 one (see the wall's
 * styles, its one definition). The map's icons are drawn by WebGL, not CSS, so they are scaled here.
 */
function cssPixelScale(element: HTMLElement): number {
  const probe = document.createElement('div');
  probe.style.position = 'absolute';
  probe.style.visibility = 'hidden';
  probe.style.inlineSize = 'calc(100 * var(--px, 1px))';
  element.append(probe);
  const width = probe.getBoundingClientRect().width;
  probe.remove();
  return width > 0 ? width / 100 : 1;
}

/** An icon's width in its own pixels (icon-offset's unit): ICON_PIXELS drawn at pixel ratio 2. */
const ICON_UNITS = ICON_PIXELS / 2;

/**
 * Where the sites are, what kind, whether the point is approximate, and how far a site sharing its
 * point with others is moved aside: changes only with the registry. Their state goes into feature state.
 */
function siteFeatures(sites: Record<string, Site>): FeatureCollection {
  const features: Feature[] = [];
  const offsets = spreadOffsets(Object.values(sites));
  for (const site of Object.values(sites)) {
    // A site without a verified coordinate reports but is not drawn.
    if (site.lon === null || site.lat === null) continue;
    const [dx, dy] = offsets.get(site.id) ?? [0, 0];
    features.push({
      type: 'Feature',
      geometry: { type: 'Point', coordinates: [site.lon, site.lat] },
      // An approximate point (a town, the neighbour's side, an unverified source, a stand-in) gets a halo of its own.
      properties: { siteId: site.id, kind: site.kind, approximate: isApproximate(site), offset: [dx * ICON_UNITS, dy * ICON_UNITS] },
    });
  }
  return { type: 'FeatureCollection', features };
}

/** Bounds round several governorates: the national view fits those with activity. */
function unionBounds(shapes: GovernorateCollection, pcodes: readonly string[]): LngLatBoundsLike | null {
  let box: [number, number, number, number] | null = null;
  for (const pcode of pcodes) {
    const b = governorateBounds(shapes, pcode) as [number, number, number, number] | null;
    if (!b) continue;
    box = box ? [Math.min(box[0], b[0]), Math.min(box[1], b[1]), Math.max(box[2], b[2]), Math.max(box[3], b[3])] : b;
  }
  return box;
}

/** Governorates with arrivals in the last day or an open alert, in p-code order. */
function activeGovernorates(s: DashboardState): string[] {
  return Object.values(s.governorateRollups)
    .filter((r) => r.arrivals24h > 0 || r.activeAlerts > 0)
    .map((r) => r.pcode)
    .sort();
}

/**
 * A checkpoint's arrivals in the last hour as the size of its disc: the square root (the disc's
 * area follows the count), in whole steps, so that a live count moving within a step writes nothing.
 */
function flowStep(arrivals: number): number {
  return Math.round(Math.sqrt(Math.max(0, arrivals)));
}

/** The disc's radius from its step, growing with zoom; `scale` is the wall's --px. */
function flowRadius(scale: number): ExpressionSpecification {
  const step = ['coalesce', ['feature-state', 'flow'], 0];
  return ['interpolate', ['linear'], ['zoom'], 4, ['*', 0.55 * scale, step], 7, ['*', 0.9 * scale, step], 10, ['*', 1.4 * scale, step]] as unknown as ExpressionSpecification;
}

function governorateBounds(shapes: GovernorateCollection, pcode: string): LngLatBoundsLike | null {
  const feature = shapes.features.find((f) => f.properties.pcode === pcode);
  if (!feature) return null;
  let [w, s, e, n] = [Infinity, Infinity, -Infinity, -Infinity];
  const polygons = feature.geometry.type === 'Polygon' ? [feature.geometry.coordinates] : feature.geometry.coordinates;
  for (const polygon of polygons) {
    for (const [lon, lat] of polygon[0] ?? []) {
      w = Math.min(w, lon);
      e = Math.max(e, lon);
      s = Math.min(s, lat);
      n = Math.max(n, lat);
    }
  }
  return [w, s, e, n];
}

function popupContent(site: Site, state: SiteState | undefined, t: TFunction<'dashboard'>, format: Format): HTMLElement {
  const root = document.createElement('div');
  root.className = 'site-popup';
  const title = document.createElement('strong');
  title.textContent = placeName(site, format.lang);
  const kind = document.createElement('div');
  kind.textContent = t(`kind_${site.kind}`);
  const latest = document.createElement('div');
  if (!state || state.lastReportAt === null) {
    latest.textContent = t('noReports');
  } else if (site.kind === 'checkpoint') {
    latest.textContent = `${t('perHour', { value: format.number(state.arrivals1h ?? 0) })} · ${t('arrivals24h')}: ${format.number(state.arrivals24h ?? 0)}`;
  } else if (site.kind === 'shelter') {
    latest.textContent =
      state.occupancy === undefined
        ? t('noReports')
        : `${t('persons', { value: format.number(state.occupancy) })}${site.capacity ? ` ${t('ofCapacity', { capacity: format.number(site.capacity) })}` : ''}`;
  } else {
    latest.textContent = state.status ? t(state.status) : t('unknown');
  }
  if (isApproximate(site) && !isApproximateQuality(site.coordinateQuality)) {
    kind.append(` · ${t('mapApproximate', { ns: 'screens' })}`);
  }
  const age = document.createElement('div');
  age.className = 'age';
  age.textContent = state?.lastReportAt ? `${t('lastReport')}: ${format.dateTime(state.lastReportAt)} (${format.age(state.lastReportAt, Date.now())})` : '';
  root.append(title, kind, latest, age);
  if (isApproximateQuality(site.coordinateQuality)) {
    const approximate = document.createElement('div');
    approximate.className = 'approximate';
    approximate.textContent = t(`approximate_${site.coordinateQuality as 'nearest_town' | 'neighbour_side_village' | 'secondary_unverified'}`);
    root.append(approximate);
  }
  return root;
}

export function MapView({ focus, interactive = true, large = false, onSelectGovernorate }: Props) {
  const containerRef = useRef<HTMLDivElement>(null);
  const mapRef = useRef<MapLibreMap | null>(null);
  const { t, format, lang } = useFormat();
  // Handlers and words change with renders; the map's listeners read them through refs.
  const latest = useRef({ t, format, onSelectGovernorate, focus });
  latest.current = { t, format, onSelectGovernorate, focus };
  const labelsRef = useRef<Map<string, HTMLElement>>(new Map());
  /** the national view's bounds (the governorates with activity), for the focus effect below */
  const latestBounds = useRef<(() => LngLatBoundsLike) | null>(null);

  useEffect(() => {
    const container = containerRef.current!;
    const map = new MapLibreMap({
      container,
      style: baseStyle(),
      bounds: IRAQ_BOUNDS,
      maxBounds: MAX_BOUNDS,
      interactive,
      attributionControl: false,
      dragRotate: false,
      pitchWithRotate: false,
      touchPitch: false,
      // Symbols appear at once: a fade would redraw the whole map for 300 ms after every live change.
      fadeDuration: 0,
      // Only the wall, which nobody touches, trades sharpness and promptness for staying live; a
      // screen people click and zoom keeps every pixel and draws each change at once (drawingBudget.ts).
      ...(interactive ? {} : mapCanvasLimit()),
    });
    mapRef.current = map;
    if (new URLSearchParams(window.location.search).has('testhooks')) window.aminaMap = map;
    let loaded = false;
    let frame = 0;
    /** while a slow map rests between draws (nextDrawAt): the timer that ends the rest */
    let resting = 0;
    let drawAllowedAt = 0;
    const dirty = { governorates: false, context: false, sites: false, siteStates: false, states: false, metric: false };
    /** each drawn site's condition as last written to feature state, so only changes are written */
    const shownConditions = new Map<string, SiteCondition>();
    /** each checkpoint's disc size as last written */
    const shownFlow = new Map<string, number>();
    /** each governorate's choropleth value as last written */
    const shownValues = new Map<string, number | null>();
    const markers: Marker[] = [];
    let detachFlows = () => {};
    /** the last-hour counts written above the busiest checkpoints, by site */
    const countLabels = new Map<string, { marker: Marker; element: HTMLElement }>();
    /** the governorates the national view was last fitted to */
    let fittedTo = '';

    const flush = () => {
      frame = 0;
      if (!loaded) return;
      const s = useDashboard.getState();
      if (dirty.governorates && s.governorateShapes) {
        (map.getSource('governorates') as GeoJSONSource).setData(s.governorateShapes as FeatureCollection);
        for (const m of markers) m.remove();
        markers.length = 0;
        labelsRef.current.clear();
        for (const f of s.governorateShapes.features) {
          const element = document.createElement('div');
          element.className = 'governorate-label';
          element.textContent = placeName(f.properties, latest.current.format.lang);
          labelsRef.current.set(f.properties.pcode, element);
          markers.push(new Marker({ element, anchor: 'center' }).setLngLat([f.properties.labelLon, f.properties.labelLat]).addTo(map));
        }
        fitFocus();
        dirty.states = true;
        // Tests and screenshots wait for this: the shapes are on the map.
        container.dataset.ready = 'true';
      }
      if (dirty.context) {
        for (const layer of ['neighbours', 'physical', 'outline'] as const) {
          const data = s.context[layer];
          if (data) (map.getSource(layer) as GeoJSONSource).setData(data as FeatureCollection);
        }
      }
      if (dirty.sites) {
        (map.getSource('sites') as GeoJSONSource).setData(siteFeatures(s.sites));
        dirty.siteStates = true;
      }
      if (dirty.siteStates) {
        // A live change recolours markers through feature state: no re-tiling, no symbol placement.
        const bySite = alertsBySite(Object.values(s.alerts));
        for (const site of Object.values(s.sites)) {
          if (site.lon === null || site.lat === null) continue;
          if (site.kind === 'checkpoint') {
            const flow = flowStep(s.siteStates[site.id]?.arrivals1h ?? 0);
            if (shownFlow.get(site.id) !== flow) {
              shownFlow.set(site.id, flow);
              map.setFeatureState({ source: 'sites', id: site.id }, { flow });
            }
          }
          const condition = siteCondition(s.siteStates[site.id], bySite.get(site.id));
          if (shownConditions.get(site.id) === condition) continue;
          shownConditions.set(site.id, condition);
          map.setFeatureState({ source: 'sites', id: site.id }, { condition });
        }
        updateCountLabels(s);
      }
      if (dirty.metric) map.setPaintProperty('governorates-fill', 'fill-color', fillColour(s.metric));
      if ((dirty.states || dirty.metric) && s.governorateShapes) {
        for (const f of s.governorateShapes.features) {
          const pcode = f.properties.pcode;
          const value = metricValue(s.governorateRollups[pcode], s.metric);
          // Feature state repaints the whole layer: write only what moved.
          if (shownValues.has(pcode) && shownValues.get(pcode) === value) continue;
          shownValues.set(pcode, value);
          map.setFeatureState({ source: 'governorates', id: pcode }, { value });
        }
      }
      if (dirty.states && !movedByPerson && !latest.current.focus && activeGovernorates(s).join() !== fittedTo) fitFocus();
      dirty.governorates = dirty.context = dirty.sites = dirty.siteStates = dirty.states = dirty.metric = false;
      // How long these changes take to reach the screen: MapLibre draws them in the next frame, and
      // the frame after it begins once that one is shown.
      if (!interactive) {
        const started = performance.now();
        requestAnimationFrame(() => requestAnimationFrame(() => (drawAllowedAt = nextDrawAt(started, performance.now()))));
      }
    };
    /** HTML labels (the style has no glyphs): the count above each of the busiest checkpoints. */
    const updateCountLabels = (s: DashboardState) => {
      const wanted = new Map(countedCheckpoints(s.sites, s.siteStates).map((c) => [c.site.id, c] as const));
      for (const [id, label] of countLabels) {
        if (wanted.has(id)) continue;
        label.marker.remove();
        countLabels.delete(id);
      }
      for (const [id, { site, arrivals }] of wanted) {
        let label = countLabels.get(id);
        if (!label) {
          const element = document.createElement('div');
          element.className = 'site-count';
          element.dataset.siteId = id;
          const marker = new Marker({ element, anchor: 'bottom', offset: [0, -10 * pxScale()] }).setLngLat([site.lon!, site.lat!]).addTo(map);
          countLabels.set(id, (label = { marker, element }));
        }
        const text = latest.current.format.number(arrivals);
        if (label.element.textContent !== text) label.element.textContent = text;
      }
    };
    // Until the person moves the map, it keeps its subject in view, whatever the container's size.
    let movedByPerson = false;
    // At national zoom the governorates with activity fill the map, rather than all Iraq as a thumbnail.
    const nationalBounds = (): LngLatBoundsLike => {
      const s = useDashboard.getState();
      const active = activeGovernorates(s);
      fittedTo = active.join();
      return (s.governorateShapes && active.length ? unionBounds(s.governorateShapes, active) : null) ?? IRAQ_BOUNDS;
    };
    latestBounds.current = nationalBounds;
    const fitFocus = () => {
      const shapes = useDashboard.getState().governorateShapes;
      const focus = latest.current.focus;
      const bounds = focus ? shapes && governorateBounds(shapes, focus) : nationalBounds();
      if (bounds) map.fitBounds(bounds, { padding: 40 * pxScale(), animate: false });
    };
    map.on('movestart', (event) => {
      if ('originalEvent' in event && event.originalEvent) movedByPerson = true;
    });
    /** The wall's --px (1 elsewhere): the map's WebGL sizes follow the page's. */
    const pxScale = () => (large ? cssPixelScale(container) : 1);
    /** Larger on the wall, as large again on a 4K wall as on a 1920×1080 one, and growing with zoom. */
    const iconSize = (): ExpressionSpecification => {
      const base = large ? 1.6 * pxScale() : 1;
      return ['interpolate', ['linear'], ['zoom'], 5, base, 8, base * 1.5, 11, base * 2] as unknown as ExpressionSpecification;
    };
    map.on('resize', () => {
      if (!movedByPerson) fitFocus();
      if (large && loaded) {
        for (const layer of SITE_LAYERS) map.setLayoutProperty(layer, 'icon-size', iconSize());
        map.setPaintProperty('checkpoint-flow', 'circle-radius', flowRadius(pxScale()));
        for (const layer of ['sites-approximate', 'sites-critical-ring']) map.setLayoutProperty(layer, 'icon-size', iconSize());
      }
    });
    const schedule = (part: keyof typeof dirty) => {
      dirty[part] = true;
      if (frame || resting) return;
      const rest = drawAllowedAt - performance.now();
      if (rest <= 0) frame = requestAnimationFrame(flush);
      else {
        resting = window.setTimeout(() => {
          resting = 0;
          frame = requestAnimationFrame(flush);
        }, rest);
      }
    };

    const onChange = (s: DashboardState, prev: DashboardState) => {
      if (s.governorateShapes !== prev.governorateShapes) schedule('governorates');
      if (s.context !== prev.context) schedule('context');
      if (s.sites !== prev.sites) schedule('sites');
      if (s.siteStates !== prev.siteStates || s.alerts !== prev.alerts) schedule('siteStates');
      if (s.governorateRollups !== prev.governorateRollups) schedule('states');
      if (s.metric !== prev.metric) schedule('metric');
    };
    const unsubscribe = useDashboard.subscribe(onChange);

    map.on('load', () => {
      const s = useDashboard.getState();
      for (const kind of SITE_KINDS) map.addImage(`site-${kind}`, siteShapeSdf(kind, ICON_PIXELS), { sdf: true, pixelRatio: 2 });
      map.addImage(`site-${RING}`, siteShapeSdf(RING, ICON_PIXELS), { sdf: true, pixelRatio: 2 });
      map.addImage(NO_DATA_PATTERN, noDataPattern(NO_DATA_PATTERN_PIXELS), { pixelRatio: 2 });
      map.addSource('neighbours', { type: 'geojson', data: EMPTY });
      map.addSource('physical', { type: 'geojson', data: EMPTY });
      map.addSource('outline', { type: 'geojson', data: EMPTY });
      map.addSource('governorates', { type: 'geojson', data: EMPTY, promoteId: 'pcode' });
      map.addSource('sites', { type: 'geojson', data: EMPTY, promoteId: 'siteId' });
      // Neighbours first, so Iraq is drawn over them: their borders differ from OCHA's by up to ~10 km.
      map.addLayer({ id: 'neighbours-fill', type: 'fill', source: 'neighbours', paint: { 'fill-color': '#f4f1ea' } });
      map.addLayer({ id: 'neighbours-line', type: 'line', source: 'neighbours', paint: { 'line-color': '#b8b2a6', 'line-width': 0.8 } });
      map.addLayer({ id: 'governorates-fill', type: 'fill', source: 'governorates', paint: { 'fill-color': fillColour(s.metric), 'fill-opacity': 0.9 } });
      // Where a governorate has no value (no shelter reporting, for occupancy), hatching over the grey.
      // Layers cannot filter on feature state, so it is drawn everywhere and shown only there.
      map.addLayer({
        id: 'governorates-no-data',
        type: 'fill',
        source: 'governorates',
        paint: { 'fill-pattern': NO_DATA_PATTERN, 'fill-opacity': ['case', ['==', ['feature-state', 'value'], null], 0.9, 0] },
      });
      map.addLayer({
        id: 'lakes',
        type: 'fill',
        source: 'physical',
        filter: ['==', ['get', 'kind'], 'lake'],
        paint: { 'fill-color': '#9cc3dc' },
      });
      map.addLayer({
        id: 'rivers',
        type: 'line',
        source: 'physical',
        filter: ['==', ['get', 'kind'], 'river'],
        paint: { 'line-color': '#5b9bc8', 'line-width': ['interpolate', ['linear'], ['zoom'], 4, 1, 8, 2.5], 'line-opacity': 0.8 },
      });
      map.addLayer({ id: 'governorates-line', type: 'line', source: 'governorates', paint: { 'line-color': '#5d6d7e', 'line-width': 0.8 } });
      map.addLayer({ id: 'outline-line', type: 'line', source: 'outline', paint: { 'line-color': '#1f2a33', 'line-width': 1.6 } });
      // A checkpoint's arrivals in the last hour as a disc under its marker, coloured by its state.
      map.addLayer({
        id: 'checkpoint-flow',
        type: 'circle',
        source: 'sites',
        filter: ['==', ['get', 'kind'], 'checkpoint'],
        paint: {
          'circle-radius': flowRadius(pxScale()),
          'circle-color': ['match', ['coalesce', ['feature-state', 'condition'], 'unknown'], 'critical', CONDITION_COLOURS.critical, 'warning', CONDITION_COLOURS.warning, '#1f5f8b'] as unknown as ExpressionSpecification,
          'circle-opacity': 0.35,
          'circle-stroke-color': '#ffffff',
          'circle-stroke-width': 1.5 * pxScale(),
          'circle-stroke-opacity': 0.9,
        },
      });
      const siteIconLayout = {
        'icon-image': ['concat', 'site-', ['get', 'kind']] as ExpressionSpecification,
        'icon-size': iconSize(),
        'icon-offset': ['get', 'offset'] as ExpressionSpecification,
        'icon-allow-overlap': true,
        'icon-ignore-placement': true,
      };
      const ringLayout = { ...siteIconLayout, 'icon-image': `site-${RING}` };
      // An approximate point: a soft, blurred halo round the marker, "somewhere about here".
      map.addLayer({
        id: 'sites-approximate',
        type: 'symbol',
        source: 'sites',
        filter: ['==', ['get', 'approximate'], true],
        layout: ringLayout,
        paint: { 'icon-color': '#ffffff', 'icon-opacity': 0.55, 'icon-halo-color': '#ffffff', 'icon-halo-width': 3, 'icon-halo-blur': 3 },
      });
      map.addLayer({
        id: 'sites',
        type: 'symbol',
        source: 'sites',
        layout: siteIconLayout,
        paint: { 'icon-color': siteColour(), 'icon-halo-color': siteHalo(), 'icon-halo-width': 2 },
      });
      // Warnings, then critical sites, drawn again on top so that a quiet neighbour never hides them.
      // Layers cannot filter on feature state, so these show only the sites whose state matches.
      for (const condition of ['warning', 'critical'] as const) {
        if (condition === 'critical') {
          map.addLayer({
            id: 'sites-critical-ring',
            type: 'symbol',
            source: 'sites',
            layout: ringLayout,
            paint: {
              'icon-color': '#ffffff',
              'icon-halo-color': '#111111',
              'icon-halo-width': 2.5,
              'icon-opacity': ['case', ['==', ['feature-state', 'condition'], 'critical'], 1, 0] as unknown as ExpressionSpecification,
            },
          });
        }
        map.addLayer({
          id: `sites-${condition}`,
          type: 'symbol',
          source: 'sites',
          layout: siteIconLayout,
          paint: {
            'icon-color': siteColour(),
            'icon-halo-color': siteHalo(),
            'icon-halo-width': 2,
            'icon-opacity': ['case', ['==', ['feature-state', 'condition'], condition], 1, 0],
          },
        });
      }
      // onward movement: its own module (flowLayers.ts), under the sites so that no marker is hidden
      detachFlows = attachFlowLayers(map, { large, beforeLayer: 'sites' });
      loaded = true;
      schedule('governorates');
      schedule('context');
      schedule('sites');
      schedule('metric');
    });

    if (interactive) {
      map.on('click', (event) => {
        // every site under the click: sites sharing a place are listed together in one popup
        // a little box, not the point: sites spread round a shared place sit either side of it
        const { x, y } = event.point;
        const hits = map.queryRenderedFeatures(
          [
            [x - 8, y - 8],
            [x + 8, y + 8],
          ],
          { layers: ['sites'] },
        );
        if (hits.length) {
          const s = useDashboard.getState();
          const { t: tr, format: fmt } = latest.current;
          const ids = [...new Set(hits.map((f) => String(f.properties.siteId)))].filter((id) => Object.hasOwn(s.sites, id)).slice(0, 6);
          const root = document.createElement('div');
          root.className = 'site-popups';
          for (const id of ids) root.append(popupContent(s.sites[id]!, s.siteStates[id], tr, fmt));
          new Popup({ closeButton: true, maxWidth: '300px' }).setLngLat(event.lngLat).setDOMContent(root).addTo(map);
          return;
        }
        const governorate = map.queryRenderedFeatures(event.point, { layers: ['governorates-fill'] })[0];
        if (governorate) latest.current.onSelectGovernorate?.(String(governorate.properties.pcode));
      });
      map.on('mousemove', (event) => {
        const hit = map.queryRenderedFeatures(event.point, { layers: ['sites', 'governorates-fill'] }).length > 0;
        map.getCanvas().style.cursor = hit ? 'pointer' : '';
      });
    }

    return () => {
      unsubscribe();
      detachFlows();
      for (const label of countLabels.values()) label.marker.remove();
      if (frame) cancelAnimationFrame(frame);
      window.clearTimeout(resting);
      map.remove();
      mapRef.current = null;
    };
    // Built once per mount: props that change later are applied by the effects below.
  }, []);

  // Navigation buttons on the reading side's far edge: top right in English, top left in Arabic and Kurdish.
  useEffect(() => {
    const map = mapRef.current;
    if (!map || !interactive) return;
    const control = new NavigationControl({ showCompass: false });
    map.addControl(control, directionOf(lang) === 'rtl' ? 'top-left' : 'top-right');
    return () => {
      // On unmount the map may already be gone (its effect cleans up first).
      if (mapRef.current === map) map.removeControl(control);
    };
  }, [lang, interactive]);

  // Labels follow the language without rebuilding anything.
  useEffect(() => {
    const shapes = useDashboard.getState().governorateShapes;
    for (const f of shapes?.features ?? []) {
      const label = labelsRef.current.get(f.properties.pcode);
      if (label) label.textContent = placeName(f.properties, lang);
    }
  }, [lang]);

  // A new focus (the wall's rotation, another governorate) moves the camera; the map stays.
  useEffect(() => {
    const map = mapRef.current;
    const shapes = useDashboard.getState().governorateShapes;
    if (!map || !shapes) return;
    const bounds = focus ? governorateBounds(shapes, focus) : (latestBounds.current?.() ?? IRAQ_BOUNDS);
    if (bounds) map.fitBounds(bounds, { padding: 40, duration: interactive ? 600 : 1500 });
  }, [focus, interactive]);

  return (
    <div className={`map-frame${large ? ' map-large' : ''}`}>
      <div ref={containerRef} className="map" data-testid="map" />
      <Legend interactive={interactive} />
      <p className="map-attribution" data-testid="map-attribution">
        {t('attribution', { ns: 'screens' })}
      </p>
    </div>
  );
}
