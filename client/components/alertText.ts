// An alert's sentence in the chosen language: the template of shared/locales/*/alerts.json that the
// server's `message` and the CAP feed also say (shared/alertWording.ts), through i18next.
import type { TFunction } from 'i18next';
import { alertNames, alertSentenceKey, alertValues } from '../../shared/alertWording.ts';
import type { Alert, Governorate, Site } from '../../shared/schemas.ts';
import type { Format } from './format.ts';

export function alertText(
  alert: Alert,
  t: TFunction<'alerts'>,
  format: Format,
  sites: Record<string, Site>,
  governorates: Record<string, Governorate>,
): string {
  const site = alert.siteId ? sites[alert.siteId] : undefined;
  const names = alertNames(alert, format.lang, { site, governorate: (pcode) => governorates[pcode] });
  // the key and values are checked where they are made (shared/alertWording.ts and its test)
  const translate = t as (key: string, options: Record<string, string>) => string;
  return translate(alertSentenceKey(alert), alertValues(alert, names, format));
}
