// Where each governorate is, as a point: its label point from the boundaries fixture, small enough for
// the field form to carry (the polygons stay on the server). fixtures/governoratePoints.test.ts keeps
// this table equal to fixtures/governorates.geojson.
import type { Governorate } from './schemas.ts';

export interface GovernoratePoint extends Governorate {
  lon: number;
  lat: number;
}

export const GOVERNORATE_POINTS: readonly GovernoratePoint[] = [
  { pcode: 'IQG01', nameEn: 'Al-Anbar', nameAr: 'الانبار', nameCkb: 'ئەنبار', lon: 41.5177, lat: 33.1096 },
  { pcode: 'IQG02', nameEn: 'Al-Basrah', nameAr: 'البصرة', nameCkb: 'بەسرە', lon: 47.5111, lat: 30.5078 },
  { pcode: 'IQG03', nameEn: 'Al-Muthanna', nameAr: 'المثنى', nameCkb: 'موسەننا', lon: 45.3253, lat: 30.0914 },
  { pcode: 'IQG04', nameEn: 'Al-Najaf', nameAr: 'النجف', nameCkb: 'نەجەف', lon: 43.5232, lat: 31.2147 },
  { pcode: 'IQG05', nameEn: 'Al-Qadissiya', nameAr: 'القادسية', nameCkb: 'قادسیە', lon: 45.07, lat: 31.9724 },
  { pcode: 'IQG06', nameEn: 'Al-Sulaymaniyah', nameAr: 'السليمانية', nameCkb: 'سلێمانی', lon: 45.3174, lat: 35.5081 },
  { pcode: 'IQG07', nameEn: 'Babil', nameAr: 'بابل', nameCkb: 'بابل', lon: 44.6005, lat: 32.5341 },
  { pcode: 'IQG08', nameEn: 'Baghdad', nameAr: 'بغداد', nameCkb: 'بەغدا', lon: 44.3524, lat: 33.223 },
  { pcode: 'IQG09', nameEn: 'Duhok', nameAr: 'دهوك', nameCkb: 'دهۆک', lon: 43.0685, lat: 37.0695 },
  { pcode: 'IQG10', nameEn: 'Diyala', nameAr: 'ديالى', nameCkb: 'دیالە', lon: 44.9853, lat: 33.9452 },
  { pcode: 'IQG11', nameEn: 'Erbil', nameAr: 'اربيل', nameCkb: 'هەولێر', lon: 44.2316, lat: 36.2491 },
  { pcode: 'IQG12', nameEn: 'Kerbala', nameAr: 'كربلاء', nameCkb: 'کەربەلا', lon: 43.8267, lat: 32.5147 },
  { pcode: 'IQG13', nameEn: 'Kirkuk', nameAr: 'كركوك', nameCkb: 'کەرکووک', lon: 44.1507, lat: 35.3433 },
  { pcode: 'IQG14', nameEn: 'Maysan', nameAr: 'ميسان', nameCkb: 'مەیسان', lon: 47.0586, lat: 31.904 },
  { pcode: 'IQG15', nameEn: 'Ninewa', nameAr: 'نينوى', nameCkb: 'نەینەوا', lon: 42.4398, lat: 36.0442 },
  { pcode: 'IQG16', nameEn: 'Salah Al-Din', nameAr: 'صلاح الدين', nameCkb: 'سەلاحەدین', lon: 43.5717, lat: 34.4823 },
  { pcode: 'IQG17', nameEn: 'Thi Qar', nameAr: 'ذي قار', nameCkb: 'زیقار', lon: 46.3099, lat: 31.2024 },
  { pcode: 'IQG18', nameEn: 'Wassit', nameAr: 'واسط', nameCkb: 'واسیت', lon: 45.7302, lat: 32.6422 },
];

const EARTH_RADIUS_KM = 6371;
const rad = (deg: number) => (deg * Math.PI) / 180;

/** Great-circle distance in kilometres between two lon/lat points (haversine). */
export function distanceKm(aLon: number, aLat: number, bLon: number, bLat: number): number {
  const dLat = rad(bLat - aLat);
  const dLon = rad(bLon - aLon);
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(rad(aLat)) * Math.cos(rad(bLat)) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(h)));
}

/**
 * The governorates by distance from a point, nearest first, with the distance: people crossing at
 * a checkpoint most often head for a governorate nearby, so those come first on the form.
 */
export function governoratesByDistance(lon: number, lat: number, points: readonly GovernoratePoint[] = GOVERNORATE_POINTS): { governorate: GovernoratePoint; km: number }[] {
  return points
    .map((governorate) => ({ governorate, km: distanceKm(lon, lat, governorate.lon, governorate.lat) }))
    .sort((a, b) => a.km - b.km || a.governorate.pcode.localeCompare(b.governorate.pcode));
}
