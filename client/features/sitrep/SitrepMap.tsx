// The report's map: the governorates as SVG paths coloured by arrivals in the last 24 h, with the
// same classes as the dashboard's map. SVG rather than MapLibre: it prints sharp at any size, needs no
// WebGL in a headless printer, and keeps the map library out of the report's chunk.
import type { GovernorateCollection, GovernorateRollup } from '../../../shared/schemas.ts';
import type { Language } from '../../../shared/language.ts';
import { placeName } from '../../components/format.ts';

interface Props {
  shapes: GovernorateCollection;
  rollups: readonly GovernorateRollup[];
  breaks: readonly number[];
  colours: readonly string[];
  lang: Language;
}

const WIDTH = 360;

type Ring = number[][];

function ringsOf(geometry: GovernorateCollection['features'][number]['geometry']): Ring[] {
  const g = geometry as { type: string; coordinates: unknown };
  if (g.type === 'Polygon') return g.coordinates as Ring[];
  return (g.coordinates as Ring[][]).flat();
}

export function SitrepMap({ shapes, rollups, breaks, colours, lang }: Props) {
  const rings = shapes.features.flatMap((f) => ringsOf(f.geometry));
  let [minLon, minLat, maxLon, maxLat] = [Infinity, Infinity, -Infinity, -Infinity];
  for (const ring of rings) {
    for (const [lon, lat] of ring) {
      minLon = Math.min(minLon, lon!);
      maxLon = Math.max(maxLon, lon!);
      minLat = Math.min(minLat, lat!);
      maxLat = Math.max(maxLat, lat!);
    }
  }
  // equirectangular, squeezed by the cosine of the middle latitude: true enough at Iraq's size
  const kx = Math.cos((((minLat + maxLat) / 2) * Math.PI) / 180);
  const scale = WIDTH / ((maxLon - minLon) * kx);
  const height = (maxLat - minLat) * scale;
  const x = (lon: number) => (lon - minLon) * kx * scale;
  const y = (lat: number) => (maxLat - lat) * scale;
  const byPcode = new Map(rollups.map((r) => [r.pcode, r]));
  const colourOf = (value: number) => {
    let index = 0;
    for (let i = 0; i < breaks.length; i++) if (value >= breaks[i]!) index = i;
    return colours[index]!;
  };
  return (
    <svg className="sitrep-map" viewBox={`0 0 ${WIDTH} ${height.toFixed(1)}`} role="img" data-testid="sitrep-map">
      {shapes.features.map((f) => {
        const d = ringsOf(f.geometry)
          .map((ring) => `M${ring.map(([lon, lat]) => `${x(lon!).toFixed(1)},${y(lat!).toFixed(1)}`).join('L')}Z`)
          .join('');
        const value = byPcode.get(f.properties.pcode)?.arrivals24h ?? 0;
        return <path key={f.properties.pcode} d={d} fill={colourOf(value)} stroke="#555" strokeWidth={0.6} data-pcode={f.properties.pcode} />;
      })}
      {shapes.features.map((f) => (
        <text key={f.properties.pcode} x={x(f.properties.labelLon)} y={y(f.properties.labelLat)} className="sitrep-map-label" textAnchor="middle">
          {placeName(f.properties, lang)}
        </text>
      ))}
    </svg>
  );
}
