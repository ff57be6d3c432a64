import { describe, expect, it } from 'vitest';
import type { GovernorateCollection, GovernorateRollup } from '../../../shared/schemas.ts';
import { curve, flowFeatures } from './flowLayers.ts';

const square = [[[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]]];
const shapes = {
  type: 'FeatureCollection',
  features: [
    { type: 'Feature', properties: { pcode: 'IQG09', nameEn: 'Duhok', nameAr: 'د', nameCkb: 'د', labelLon: 43, labelLat: 37 }, geometry: { type: 'Polygon', coordinates: square } },
    { type: 'Feature', properties: { pcode: 'IQG11', nameEn: 'Erbil', nameAr: 'ا', nameCkb: 'ه', labelLon: 44, labelLat: 36 }, geometry: { type: 'Polygon', coordinates: square } },
  ],
} as unknown as GovernorateCollection;
const onward = (byOrigin: { origin: string; heading24h: number }[]) =>
  ({
    heading24h: 0,
    heading6h: 0,
    expected24h: 0,
    expectedByHour: new Array(24).fill(0),
    byOrigin: byOrigin.map((o) => ({ ...o, heading6h: 0, expected24h: o.heading24h, travelHours: 3.5 })),
  }) as GovernorateRollup['onward'];

describe('flow lines', () => {
  it('run from the origin to the destination, bowed to one side', () => {
    const line = curve([0, 0], [10, 0]);
    expect(line[0]).toEqual([0, 0]);
    expect(line.at(-1)).toEqual([10, 0]);
    // bowed to the left of the direction of travel: the way back bows the other way
    expect(line[12]![1]).toBeGreaterThan(0);
    expect(curve([10, 0], [0, 0])[12]![1]).toBeLessThan(0);
  });

  it('one per pair with anyone heading there, widest first, none for an unknown origin', () => {
    const rollups = {
      IQG11: { pcode: 'IQG11', onward: onward([{ origin: 'IQG09', heading24h: 2900 }, { origin: 'IQG15', heading24h: 300 }]) },
      IQG09: { pcode: 'IQG09', onward: onward([{ origin: 'IQG11', heading24h: 0 }]) },
    } as unknown as Record<string, GovernorateRollup>;
    const { features } = flowFeatures(rollups, shapes);
    expect(features.map((f) => f.properties)).toEqual([{ origin: 'IQG09', destination: 'IQG11', persons: 2900, expected: 2900 }]);
    expect(features[0]!.geometry.coordinates[0]).toEqual([43, 37]);
    expect(features[0]!.geometry.coordinates.at(-1)).toEqual([44, 36]);
  });
});
