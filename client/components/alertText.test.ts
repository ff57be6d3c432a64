import { beforeAll, describe, expect, it } from 'vitest';
import { evaluateConditions } from '../../shared/alerts.ts';
import { alertSentenceKey } from '../../shared/alertWording.ts';
import { capMessage } from '../../shared/cap.ts';
import { LANGUAGES } from '../../shared/language.ts';
import enAlerts from '../../shared/locales/en/alerts.json';
import { emptyRollup } from '../../shared/projection.ts';
import type { Alert, Governorate, GovernorateRollup, Site, Thresholds } from '../../shared/schemas.ts';
import { PROJECTED_FORECAST } from '../../shared/testing/forecasts.ts';
import { i18n, loadWords, startI18n } from '../i18n/index.ts';
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

/**
 * One wording: for every sentence of every rule, in every language, the screen row (i18next with the
 * alerts namespace), the CAP feed's headline and, in English, the server's `message` say the same.
 * The conditions come from the rules themselves (evaluateConditions, as the server runs them).
 */
describe('an alert says the same on the screens, in the CAP feed and in the server’s message', () => {
  const NOW = Date.parse('2026-11-28T12:00:00Z');
  const registry: Site[] = [
    { id: 'ik', kind: 'checkpoint', nameEn: 'Ibrahim Khalil', nameAr: 'إبراهيم الخليل', nameCkb: 'ئیبراهیم خەلیل', governorate: 'IQG09', lon: 42.57, lat: 37.14 },
    // no Kurdish name, and a number in the Arabic one: Kurdish says the Arabic name, both in their digits
    { id: 'domiz', kind: 'shelter', nameEn: 'Domiz 1', nameAr: 'مخيم دوميز 1', governorate: 'IQG09', lon: 42.89, lat: 36.78, capacity: 27000 },
    { id: 'closed', kind: 'health_post', nameEn: 'Baharka clinic', nameAr: 'عيادة بحركة', nameCkb: 'نەخۆشخانەی بەحرکە', governorate: 'IQG11', lon: 44, lat: 36.3 },
    { id: 'limited', kind: 'health_post', nameEn: 'Ankawa clinic', nameAr: 'عيادة عنكاوا', nameCkb: 'نەخۆشخانەی عەنکاوە', governorate: 'IQG11', lon: 44, lat: 36.2 },
    { id: 'quiet', kind: 'checkpoint', nameEn: 'Rabia', nameAr: 'ربيعة', governorate: 'IQG15', lon: 42.1, lat: 36.8 },
  ];
  const registryGovernorates: Governorate[] = [
    { pcode: 'IQG09', nameEn: 'Duhok', nameAr: 'دهوك', nameCkb: 'دهۆک' },
    { pcode: 'IQG11', nameEn: 'Erbil', nameAr: 'أربيل', nameCkb: 'هەولێر' },
    { pcode: 'IQG15', nameEn: 'Ninewa', nameAr: 'نينوى', nameCkb: 'نەینەوا' },
  ];
  const thresholds: Thresholds = {
    checkpointSurge: { arrivals1h: 500, perSite: {} },
    governorateInflux: { arrivals24h: 5000, perGovernorate: {} },
    shelterCapacity: { warningRatio: 0.9, criticalRatio: 1 },
    siteSilent: { hours: 6, perKind: {}, perSite: {} },
  };
  const fresh = '2026-11-28T11:30:00Z';
  const forecast = PROJECTED_FORECAST;
  const origin = (pcode: string, expected24h: number) => ({ origin: pcode, heading24h: expected24h, heading6h: 0, expected24h, travelHours: 6 });
  const rollup = (pcode: string, over: Partial<GovernorateRollup>): GovernorateRollup => ({ pcode, ...emptyRollup(), activeAlerts: 0, ...over });
  const conditions = evaluateConditions({
    sites: registry,
    states: new Map(
      [
        { id: 'ik', lastReportAt: fresh, arrivals1h: 1234 },
        { id: 'domiz', lastReportAt: fresh, occupancy: 24500 },
        { id: 'closed', lastReportAt: fresh, status: 'closed' as const },
        { id: 'limited', lastReportAt: fresh, status: 'limited' as const },
        { id: 'quiet', lastReportAt: '2026-11-28T02:30:00Z', arrivals1h: 0 },
      ].map((s) => [s.id, s]),
    ),
    governorates: [
      rollup('IQG09', { arrivals24h: 6100 }),
      rollup('IQG11', {
        forecast,
        onward: { heading24h: 2900, heading6h: 0, expected24h: 2900, expectedByHour: Array<number>(24).fill(0), byOrigin: [origin('IQG09', 2000), origin('IQG15', 900)] },
      }),
      rollup('IQG15', { forecast: { ...forecast, status: 'full', remainingCapacity: 0, hoursToFull: 0, hoursToFullLow: 0, hoursToFullHigh: 0 } }),
    ],
    governorateNames: new Map(registryGovernorates.map((g) => [g.pcode, g.nameEn])),
    thresholds,
    nowMs: NOW,
  });
  const sitesById = Object.fromEntries(registry.map((s) => [s.id, s]));
  const governoratesByPcode = Object.fromEntries(registryGovernorates.map((g) => [g.pcode, g]));
  const publisher = { sender: 'amina@example.org', webBase: 'https://example.org', contact: 'duty officer' };

  it('covers every sentence of the alerts namespace', () => {
    const sentences = Object.keys(enAlerts).filter((key) => key.startsWith('rule_'));
    expect(conditions.map((c) => alertSentenceKey(c)).sort()).toEqual(sentences.sort());
  });

  it.each(conditions.flatMap((c) => LANGUAGES.map((lang) => [alertSentenceKey(c), lang, c] as const)))('%s in %s', (_key, lang, condition) => {
    const alert: Alert = { id: 'a1', ...condition, state: 'active', raisedAt: fresh, updatedAt: fresh };
    const site = alert.siteId ? sitesById[alert.siteId] : undefined;
    const origins = registryGovernorates.filter((g) => alert.origins?.includes(g.pcode));
    const cap = capMessage(alert, { site, governorate: governoratesByPcode[alert.governorate], origins, exercise: false, polygons: ['36,42 37,42 37,43 36,42'] }, publisher);
    const screen = alertText(alert, i18n.getFixedT(lang, 'alerts'), makeFormat(lang), sitesById, governoratesByPcode);

    expect(cap.info.find((info) => info.language === lang)?.headline).toBe(screen);
    if (lang === 'en') expect(condition.message).toBe(screen);
    expect(screen).not.toMatch(/\{\{|\$t\(|glossary:/);
    // Arabic and Kurdish in their own digits, place names included
    if (lang !== 'en') expect(screen).not.toMatch(/[0-9]/);
  });
});
