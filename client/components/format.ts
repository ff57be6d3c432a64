// The screens' numbers, times and names in the chosen language (shared/format.ts), with the
// translation function of the dashboard's strings (client/locales/*/dashboard.json).
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { makeFormat } from '../../shared/format.ts';
import { languageOf } from '../../shared/language.ts';
import { chooseTimeZone } from '../lib/session.ts';

export { makeFormat, wholePercentDown, type Format } from '../../shared/format.ts';

export { byPlaceName, placeName } from '../../shared/language.ts';
/** The i18next language as one of Amina's. */
export const currentLanguage = languageOf;

/** The screen's time zone, read once from the address or the device (`?tz=`, docs/screens.md). */
let timeZone: string | undefined;
export function screenTimeZone(): string {
  timeZone ??= chooseTimeZone();
  return timeZone;
}

/** The formatter and the translation function for the current language. */
export function useFormat() {
  const { t, i18n } = useTranslation('dashboard');
  const lang = currentLanguage(i18n.language);
  const format = useMemo(() => makeFormat(lang, { timeZone: screenTimeZone() }), [lang]);
  return { t, format, lang };
}
