// A small map to pick a site's point: the governorates, the registry's sites, and a marker where the
// admin clicked (or typed). Its own MapLibre map, so the dashboards' map stays as it is.
import 'maplibre-gl/dist/maplibre-gl.css';
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';
import { Map as MapLibreMap, Marker, NavigationControl, setWorkerUrl, type GeoJSONSource } from 'maplibre-gl';
import type { FeatureCollection } from 'geojson';
import { useEffect, useRef } from 'react';
import { IRAQ_BOUNDS, MAX_BOUNDS, baseStyle } from '../../components/map/mapStyle.ts';
import { useDashboard } from '../../store/store.ts';

setWorkerUrl(workerUrl);

const EMPTY: FeatureCollection = { type: 'FeatureCollection', features: [] };

declare global {
  interface Window {
    /** the site picker's map, for browser tests; set only with ?testhooks in the address */
    aminaPicker?: MapLibreMap;
  }
}

export function SitePicker({ point, onPick }: { point: { lon: number; lat: number } | null; onPick: (lon: number, lat: number) => void }) {
  const container = useRef<HTMLDivElement>(null);
  const mapRef = useRef<MapLibreMap | null>(null);
  const markerRef = useRef<Marker | null>(null);
  const pick = useRef(onPick);
  pick.current = onPick;
  const shapes = useDashboard((s) => s.governorateShapes);
  const sites = useDashboard((s) => s.sites);

  useEffect(() => {
    const map = new MapLibreMap({
      container: container.current!,
      style: baseStyle(),
      bounds: IRAQ_BOUNDS,
      maxBounds: MAX_BOUNDS,
      attributionControl: false,
      dragRotate: false,
      fadeDuration: 0,
    });
    mapRef.current = map;
    if (new URLSearchParams(window.location.search).has('testhooks')) window.aminaPicker = map;
    map.addControl(new NavigationControl({ showCompass: false }));
    map.on('load', () => {
      map.addSource('governorates', { type: 'geojson', data: EMPTY });
      map.addSource('sites', { type: 'geojson', data: EMPTY });
      map.addLayer({ id: 'governorates-fill', type: 'fill', source: 'governorates', paint: { 'fill-color': '#ffffff', 'fill-opacity': 0.8 } });
      map.addLayer({ id: 'governorates-line', type: 'line', source: 'governorates', paint: { 'line-color': '#5d6d7e', 'line-width': 1 } });
      map.addLayer({
        id: 'sites',
        type: 'circle',
        source: 'sites',
        paint: { 'circle-radius': 3.5, 'circle-color': '#1f5f8b', 'circle-stroke-color': '#ffffff', 'circle-stroke-width': 1 },
      });
      container.current!.dataset.ready = 'true';
      drawData.current();
    });
    map.on('click', (event) => pick.current(round(event.lngLat.lng), round(event.lngLat.lat)));
    return () => {
      map.remove();
      mapRef.current = null;
    };
  }, []);

  // Drawn when the data changes, and once the map has loaded (whichever comes last).
  const drawData = useRef(() => undefined as void);
  useEffect(() => {
    const map = mapRef.current;
    if (!map) return;
    const draw = () => {
      if (shapes) (map.getSource('governorates') as GeoJSONSource | undefined)?.setData(shapes as FeatureCollection);
      const features = Object.values(sites)
        .filter((s) => s.lon !== null && s.lat !== null)
        .map((s) => ({ type: 'Feature' as const, geometry: { type: 'Point' as const, coordinates: [s.lon!, s.lat!] }, properties: { id: s.id } }));
      (map.getSource('sites') as GeoJSONSource | undefined)?.setData({ type: 'FeatureCollection', features });
    };
    drawData.current = draw;
    if (map.getSource('sites')) draw();
  }, [shapes, sites]);

  useEffect(() => {
    const map = mapRef.current;
    if (!map) return;
    if (!point) {
      markerRef.current?.remove();
      markerRef.current = null;
      return;
    }
    if (!markerRef.current) markerRef.current = new Marker({ color: '#c0392b' }).setLngLat([point.lon, point.lat]).addTo(map);
    else markerRef.current.setLngLat([point.lon, point.lat]);
  }, [point]);

  return <div className="site-picker" ref={container} data-testid="site-picker" />;
}

/** Five decimals: about a metre, finer than any click. */
const round = (v: number) => Math.round(v * 1e5) / 1e5;
