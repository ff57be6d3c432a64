// i18next set up once; each feature brings its own namespace of strings (see registerStrings).
import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import { directionOf, type Language } from '../lib/session.ts';

export type Strings = Record<string, string>;

export const i18n = i18next.createInstance();

/** Strings registered before i18next is initialised (a module imported early): added at init. */
const pending: { namespace: string; strings: Record<Language, Strings> }[] = [];

export function initI18n(lang: Language): void {
  startI18n(lang);
  applyDocumentLanguage(lang);
}

/** i18next alone, without touching the page (tests run it in Node). */
export function startI18n(lang: Language): void {
  void i18n.use(initReactI18next).init({
    lng: lang,
    fallbackLng: 'en',
    supportedLngs: ['en', 'ar', 'ckb'],
    interpolation: { escapeValue: false },
    resources: {},
    initAsync: false,
  });
  for (const { namespace, strings } of pending.splice(0)) registerStrings(namespace, strings);
}

/** Lays the whole page out for the language: Arabic and Kurdish right to left. */
export function applyDocumentLanguage(lang: Language): void {
  document.documentElement.lang = lang;
  document.documentElement.dir = directionOf(lang);
}

/** Adds a feature's strings in the three languages, under its own namespace. */
export function registerStrings(namespace: string, strings: Record<Language, Strings>): void {
  if (!i18n.isInitialized) {
    pending.push({ namespace, strings });
    return;
  }
  for (const lang of Object.keys(strings) as Language[]) {
    i18n.addResourceBundle(lang, namespace, strings[lang], true, true);
  }
}
