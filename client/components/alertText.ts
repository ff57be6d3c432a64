// An alert's sentence in the chosen language, built from its rule, value and threshold (the
// server's `message` is English only).
import type { TFunction } from 'i18next';
import type { Alert, Governorate, Site } from '../../shared/schemas.ts';
import { placeName, type Format } from './format.ts';

export function alertText(
  alert: Alert,
  t: TFunction<'alerts'>,
  format: Format,
  sites: Record<string, Site>,
  governorates: Record<string, Governorate>,
): string {
  const site = alert.siteId ? sites[alert.siteId] : undefined;
  const governorate = governorates[alert.governorate];
  const subject = site ? placeName(site, format.lang) : governorate ? placeName(governorate, format.lang) : alert.governorate;
  const hours = (h: number) => format.duration(h * 3_600_000);
  const values = { subject, value: format.number(alert.value), threshold: format.number(alert.threshold) };
  switch (alert.rule) {
    case 'health_post_down':
      return t(alert.value >= 2 ? 'rule_health_post_down_2' : 'rule_health_post_down_1', values);
    // 0 h: already full with arrivals still flowing in, not "full in about 0 h" (docs/forecast.md)
    case 'capacity_exhaustion':
      return t(alert.value === 0 ? 'rule_capacity_exhaustion_full' : 'rule_capacity_exhaustion', { ...values, time: hours(alert.value) });
    // hours as a watch officer says them ("3 hours", "2 days"), not "3 h"
    case 'site_silent':
      return t('rule_site_silent', { ...values, duration: hours(alert.value), expected: hours(alert.threshold) });
    case 'shelter_capacity': {
      const capacity = site?.capacity;
      return t('rule_shelter_capacity', {
        ...values,
        capacity: capacity ? format.number(capacity) : '—',
        percent: capacity ? format.fullness(alert.value / capacity) : '—',
      });
    }
    case 'onward_influx': {
      const origins = (alert.origins ?? []).map((pcode) => (governorates[pcode] ? placeName(governorates[pcode], format.lang) : pcode));
      return t('rule_onward_influx', { ...values, origins: format.list(origins) });
    }
    default:
      return t(`rule_${alert.rule}`, values);
  }
}
