// i18next set up once. Its words load per language and namespace (namespaces.ts): a screen fetches
// only the namespaces it shows, in the language it shows them, each file its own small chunk.
import i18next, { type BackendModule, type FormatterModule } from 'i18next';
import { makeFormat } from '../../shared/format.ts';
import { languageOf } from '../../shared/language.ts';
import { initReactI18next } from 'react-i18next';
import { directionOf, LANGUAGES, type Language } from '../lib/session.ts';
import { LOCALE_FILE, NESTS, SCREEN_NAMESPACES, withNested, type Namespace, type ScreenName } from './namespaces.ts';
import type { Strings } from './resources.ts';

/** Each locale file as a chunk of its own, fetched on first use (and cached by the browser's module map). */
const LOCALE_MODULES = import.meta.glob<Strings>(['../locales/*/*.json', '../../shared/locales/*/*.json'], { import: 'default' });
const localeLoaders = new Map<string, () => Promise<Strings>>(
  Object.entries(LOCALE_MODULES).map(([path, load]) => {
    const [, lang, ns] = LOCALE_FILE.exec(path) ?? [];
    return [`${lang}/${ns}`, load];
  }),
);

/**
 * i18next's backend over those chunks. A namespace brings what it nests in the same language
 * (NESTS), since i18next resolves `$t(other:key)` only from words already loaded.
 */
const localeBackend: BackendModule = {
  type: 'backend',
  init: () => undefined,
  read(lng, ns, callback) {
    const load = localeLoaders.get(`${lng}/${ns}`);
    if (!load) return callback(new Error(`no locale file ${lng}/${ns}.json under client/locales or shared/locales`), false);
    const nested = NESTS[ns as Namespace] ?? [];
    Promise.all([load(), nested.length ? loadWords([languageOf(lng)], nested) : undefined]).then(
      ([words]) => callback(null, words),
      (e: unknown) => callback(e instanceof Error ? e : new Error(String(e)), false),
    );
  },
};

export const i18n = i18next.createInstance();

/** Starts i18next on the page, fetching `screen`'s words in `lang` at once (the screen renders when they are in). */
export function initI18n(lang: Language, screen: ScreenName): void {
  void startI18n(lang, SCREEN_NAMESPACES[screen]);
  applyDocumentLanguage(lang);
}

/** i18next alone, without touching the page (tests run it in Node); settles once `namespaces` are loaded. */
export function startI18n(lang: Language, namespaces: readonly Namespace[] = ['dashboard']): Promise<unknown> {
  if (i18n.isInitialized) return i18n.changeLanguage(lang).then(() => i18n.loadNamespaces(withNested(namespaces)));
  return i18n.use(localeBackend).use(initReactI18next).use(digitsFormatter).init({
    lng: lang,
    // No fallback language: the locale test fails on a key missing in any language, and a fallback
    // would fetch English's words beside Arabic's or Kurdish's on every phone.
    fallbackLng: false,
    supportedLngs: LANGUAGES,
    ns: withNested(namespaces),
    defaultNS: 'dashboard',
    // every value goes through the formatter, so a number put into a sentence as it is still comes
    // out in the language's digits ("آخر ٢٤ ساعة", never "آخر 24 ساعة")
    interpolation: { escapeValue: false, alwaysFormat: true },
    // the files load in parallel with the screen's chunk; until they are in, useTranslation suspends
    // (the screens are inside <Suspense>), so no key is ever shown in place of its words
    showSupportNotice: false,
  });
}

/**
 * Loads `namespaces` (with what they nest) in `languages`, whatever the language shown: the exercise
 * banner's word in all three, the locale test every file.
 */
export function loadWords(languages: readonly Language[], namespaces: readonly Namespace[]): Promise<void> {
  return new Promise((resolve, reject) => {
    i18n.services.backendConnector.load([...languages], withNested(namespaces), (error: unknown) => (error ? reject(error instanceof Error ? error : new Error(String(error))) : resolve()));
  });
}

/** Changes the language once the new language's words for what is on screen are in, then turns the page. */
export async function switchLanguage(lang: Language): Promise<void> {
  await i18n.changeLanguage(lang);
  applyDocumentLanguage(lang);
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
