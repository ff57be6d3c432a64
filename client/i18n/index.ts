// i18next set up once, with every namespace of every language (client/locales/, see resources.ts).
import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import { directionOf, LANGUAGES, type Language } from '../lib/session.ts';
import { NAMESPACES, resources } from './resources.ts';

export const i18n = i18next.createInstance();

export function initI18n(lang: Language): void {
  startI18n(lang);
  applyDocumentLanguage(lang);
}

/** i18next alone, without touching the page (tests run it in Node). */
export function startI18n(lang: Language): void {
  if (i18n.isInitialized) {
    void i18n.changeLanguage(lang);
    return;
  }
  void i18n.use(initReactI18next).init({
    lng: lang,
    fallbackLng: 'en',
    supportedLngs: LANGUAGES,
    ns: NAMESPACES,
    defaultNS: 'dashboard',
    resources,
    interpolation: { escapeValue: false },
    // the resources are in memory: initialised before the first render, with nothing to wait for
    initAsync: false,
    showSupportNotice: false,
  });
  // English glossary terms are lower case; a sentence that opens with one, or a label, says so:
  // `$t(glossary:shelter.name, capitalize)` is "Shelter". Arabic and Kurdish have no case.
  i18n.services.formatter?.add('capitalize', (value: string, lng?: string) => value.charAt(0).toLocaleUpperCase(lng) + value.slice(1));
  i18n.services.formatter?.add('uppercase', (value: string, lng?: string) => value.toLocaleUpperCase(lng));
}

/** Lays the whole page out for the language: Arabic and Kurdish right to left. */
export function applyDocumentLanguage(lang: Language): void {
  document.documentElement.lang = lang;
  document.documentElement.dir = directionOf(lang);
}
