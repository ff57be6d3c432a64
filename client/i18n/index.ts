// i18next set up once, with every namespace of every language (client/locales/, see resources.ts).
import i18next, { type FormatterModule } from 'i18next';
import { makeFormat } from '../../shared/format.ts';
import { languageOf } from '../../shared/language.ts';
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
  void i18n.use(initReactI18next).use(digitsFormatter).init({
    lng: lang,
    fallbackLng: 'en',
    supportedLngs: LANGUAGES,
    ns: NAMESPACES,
    defaultNS: 'dashboard',
    resources,
    // every value goes through the formatter, so a number put into a sentence as it is still comes
    // out in the language's digits ("آخر ٢٤ ساعة", never "آخر 24 ساعة")
    interpolation: { escapeValue: false, alwaysFormat: true },
    // the resources are in memory: initialised before the first render, with nothing to wait for
    initAsync: false,
    showSupportNotice: false,
  });
}

type NamedFormat = (value: string, lng: string | undefined, options: object) => string;

/**
 * English glossary terms are lower case; a sentence that opens with one, or a label, says so:
 * `$t(glossary:shelter.name, capitalize)` is "Shelter". Arabic and Kurdish have no case.
 */
const NAMED_FORMATS = new Map<string, NamedFormat>([
  ['capitalize', (value, lng) => String(value).charAt(0).toLocaleUpperCase(lng) + String(value).slice(1)],
  ['uppercase', (value, lng) => String(value).toLocaleUpperCase(lng)],
]);

/** Formats by language, made once each. */
const numberFormats = new Map<string, ReturnType<typeof makeFormat>>();
function localNumber(value: number, lng: string | undefined): string {
  const lang = languageOf(lng);
  let format = numberFormats.get(lang);
  if (!format) numberFormats.set(lang, (format = makeFormat(lang)));
  return format.number(value);
}

/**
 * i18next's formatter, replaced by one that also formats a plain number in the language: with
 * `alwaysFormat` every interpolated value comes here, those without a format name included.
 */
const digitsFormatter: FormatterModule = {
  type: 'formatter',
  init: () => undefined,
  add: (name, format) => void NAMED_FORMATS.set(name.toLowerCase().trim(), format),
  addCached: (name, makeCached) => void NAMED_FORMATS.set(name.toLowerCase().trim(), (value, lng) => makeCached(lng, {})(value)),
  format: (value: unknown, format: string | undefined, lng: string | undefined) => {
    // anything else (a string, or undefined for a missing value, which i18next then reports) as it is
    if (format === undefined) return (typeof value === 'number' ? localNumber(value, lng) : value) as string;
    return format.split(',').reduce((out, name) => {
      const named = NAMED_FORMATS.get(name.trim().toLowerCase());
      return named ? named(out, lng, {}) : out;
    }, String(value));
  },
};

/** Lays the whole page out for the language: Arabic and Kurdish right to left. */
export function applyDocumentLanguage(lang: Language): void {
  document.documentElement.lang = lang;
  document.documentElement.dir = directionOf(lang);
}
