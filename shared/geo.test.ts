// Points against polygons: inside, outside by how far, and the border tolerance of crossings.
import { describe, expect, it } from 'vitest';
import { BORDER_TOLERANCE_KM, checkPlacement, governorateAt, isApproximate, kmOutside, pointInGeometry, type GovernorateShape } from './geo.ts';

// Two unit squares side by side at the equator: a degree is about 111.2 km there.
const west: GovernorateShape = { pcode: 'IQG01', geometry: { type: 'Polygon', coordinates: [[[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]]] } };
const east: GovernorateShape = {
  pcode: 'IQG02',
  geometry: { type: 'MultiPolygon', coordinates: [[[[1, 0], [2, 0], [2, 1], [1, 1], [1, 0]], [[1.4, 0.4], [1.6, 0.4], [1.6, 0.6], [1.4, 0.6], [1.4, 0.4]]]] },
};
const shapes = [west, east];

describe('geo', () => {
  it('finds the polygon a point is in, and respects holes', () => {
    expect(pointInGeometry(0.5, 0.5, west.geometry)).toBe(true);
    expect(governorateAt(1.2, 0.5, shapes)).toBe('IQG02');
    expect(governorateAt(1.5, 0.5, shapes)).toBeUndefined();
    expect(governorateAt(3, 0.5, shapes)).toBeUndefined();
  });

  it('measures how far outside a polygon a point lies', () => {
    expect(kmOutside(0.5, 0.5, west.geometry)).toBe(0);
    expect(kmOutside(-0.01, 0.5, west.geometry)).toBeCloseTo(1.112, 2);
    expect(kmOutside(-0.01, -0.01, west.geometry)).toBeCloseTo(Math.hypot(1.112, 1.112), 2);
  });

  it('lets a crossing lie up to 2 km outside its governorate, and nothing else', () => {
    const nearWest = { lon: -0.015, lat: 0.5 }; // 1.7 km west of IQG01
    expect(checkPlacement(nearWest, 'IQG01', true, shapes)).toMatchObject({ foundIn: undefined, ok: true });
    expect(checkPlacement(nearWest, 'IQG01', false, shapes).ok).toBe(false);
    const farWest = { lon: -0.02, lat: 0.5 }; // 2.2 km
    expect(checkPlacement(farWest, 'IQG01', true, shapes).kmOutsideOwn).toBeGreaterThan(BORDER_TOLERANCE_KM);
    expect(checkPlacement(farWest, 'IQG01', true, shapes).ok).toBe(false);
    // inside the neighbour, 1.1 km from its own line: a crossing's marker on the other side
    expect(checkPlacement({ lon: 1.01, lat: 0.5 }, 'IQG01', true, shapes)).toMatchObject({ foundIn: 'IQG02', ok: true });
    expect(checkPlacement({ lon: 0.5, lat: 0.5 }, 'IQG01', false, shapes)).toEqual({ foundIn: 'IQG01', kmOutsideOwn: 0, ok: true });
  });

  it('calls town, neighbour-side and unverified points approximate', () => {
    expect(isApproximate('nearest_town')).toBe(true);
    expect(isApproximate('secondary_unverified')).toBe(true);
    expect(isApproximate('camp_gps')).toBe(false);
    expect(isApproximate(undefined)).toBe(false);
  });
});
