import { beforeAll, describe, expect, it } from 'vitest';
import type { Alert, Governorate, Site } from '../../shared/schemas.ts';
import { i18n, loadWords, startI18n } from '../i18n/index.ts';
import { LANGUAGES } from '../../shared/language.ts';
import { alertText } from './alertText.ts';
import { makeFormat, placeName, wholePercentDown } from './format.ts';

const sites: Record<string, Site> = {
  gawilan: { id: 'gawilan', kind: 'shelter', nameEn: 'Gawilan camp', nameAr: 'مخيم كويلان', nameCkb: 'کەمپی گەویلان', governorate: 'IQG15', lon: 43.6, lat: 36.6, capacity: 1000 },
  safwan: { id: 'safwan', kind: 'checkpoint', nameEn: 'Safwan', nameAr: 'صفوان', governorate: 'IQG02', lon: 47.7, lat: 30.1 },
};
const governorates: Record<string, Governorate> = { IQG09: { pcode: 'IQG09', nameEn: 'Duhok', nameAr: 'دهوك', nameCkb: 'دهۆک' } };
const alert = (rule: Alert['rule'], value: number, threshold: number, siteId?: string, governorate = 'IQG15'): Alert => ({
  id: 'a',
  rule,
  severity: 'warning',
  siteId,
  governorate,
  message: 'the server’s English sentence',
  value,
  threshold,
  state: 'active',
  raisedAt: '2026-11-28T10:00:00Z',
  updatedAt: '2026-11-28T10:00:00Z',
});

beforeAll(async () => {
  // as main.tsx does, without the page, with the alerts' words in every language
  await startI18n('en', ['alerts']);
  await loadWords(LANGUAGES, ['alerts']);
});

describe('alertText', () => {
  it.each([
    ['en', alert('checkpoint_surge', 1200, 1000, 'safwan'), 'Safwan: 1,200 arrivals in the last hour, over the alert line of 1,000'],
    ['en', alert('shelter_capacity', 950, 900, 'gawilan'), 'Gawilan camp: 950 people sheltered, 95% of its 1,000 places'],
    // not full is never 100 %: the share is rounded down
    ['en', alert('shelter_capacity', 998, 900, 'gawilan'), 'Gawilan camp: 998 people sheltered, 99% of its 1,000 places'],
    ['en', alert('health_post_down', 2, 2, 'gawilan'), 'Gawilan camp: health post closed'],
    ['en', alert('governorate_influx', 6000, 5000, undefined, 'IQG09'), 'Duhok: 6,000 arrivals in the last 24 hours, over the alert line of 5,000'],
    ['en', alert('site_silent', 7, 6, 'safwan'), 'Safwan: no report for 7 hours; one is due every 6 hours'],
    ['ar', alert('checkpoint_surge', 1200, 1000, 'safwan'), 'صفوان: ١٬٢٠٠ وافد في الساعة الأخيرة، فوق حدّ التنبيه البالغ ١٬٠٠٠'],
    ['ar', alert('health_post_down', 1, 1, 'gawilan'), 'مخيم كويلان: النقطة الصحية تعمل جزئياً'],
    ['ckb', alert('health_post_down', 2, 2, 'gawilan'), 'کەمپی گەویلان: بنکەی تەندروستی داخراوە'],
    // no Kurdish name: the Arabic one
    ['ckb', alert('site_silent', 7, 6, 'safwan'), 'صفوان: ٧ کاتژمێرە ڕاپۆرت نییە؛ دەبێت هەر ٦ کاتژمێر جارێک ڕاپۆرت بێت'],
  ] as const)('%s: %s', (lang, a, expected) => {
    const t = i18n.getFixedT(lang, 'alerts');
    expect(alertText(a, t, makeFormat(lang), sites, governorates)).toBe(expected);
  });
});

describe('placeName', () => {
  it.each([
    ['en', sites.gawilan, 'Gawilan camp'],
    ['ar', sites.gawilan, 'مخيم كويلان'],
    ['ckb', sites.gawilan, 'کەمپی گەویلان'],
    ['ckb', sites.safwan, 'صفوان'],
  ] as const)('%s', (lang, place, expected) => {
    expect(placeName(place!, lang)).toBe(expected);
  });
});

describe('wholePercentDown', () => {
  it.each([
    [0.998, 0.99],
    [0.9, 0.9],
    [0.899, 0.89],
    [0.29, 0.29],
    [1.013, 1.01],
    [0, 0],
  ])('%s is %s', (ratio, expected) => {
    expect(wholePercentDown(ratio)).toBe(expected);
  });
});
