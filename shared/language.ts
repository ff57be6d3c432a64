// The three languages of Amina, their locales and writing direction, and names in each: one home.
import type { Governorate, Site } from './schemas.ts';

export const LANGUAGES = ['en', 'ar', 'ckb'] as const;
export type Language = (typeof LANGUAGES)[number];

/** Each language's name in itself, as a language menu offers it. */
export const NATIVE_NAMES: Record<Language, string> = { en: 'English', ar: 'العربية', ckb: 'کوردی' };

/** Iraqi conventions for each language: Arabic-Indic digits in Arabic and Kurdish. */
export const LOCALE: Record<Language, string> = { en: 'en-GB', ar: 'ar-IQ', ckb: 'ckb-IQ' };

export function isLanguage(value: unknown): value is Language {
  return typeof value === 'string' && (LANGUAGES as readonly string[]).includes(value);
}

/** A language code as i18next or a request gives it, or English. */
export function languageOf(value: string | undefined | null): Language {
  return isLanguage(value) ? value : 'en';
}

/** Arabic and Kurdish (Sorani) are written right to left. */
export function directionOf(lang: Language): 'ltr' | 'rtl' {
  return lang === 'en' ? 'ltr' : 'rtl';
}

const ARABIC_INDIC = '٠١٢٣٤٥٦٧٨٩';

/** Latin digits written as Arabic-Indic ones ("Domiz 1" → "دوميز ١"), for text in Arabic or Kurdish. */
export function arabicIndicDigits(text: string): string {
  return text.replace(/[0-9]/g, (d) => ARABIC_INDIC[Number(d)] ?? d);
}

/**
 * A place's name in the language: Kurdish falls back to Arabic where no Kurdish name is known. A
 * number in an Arabic or Kurdish name (the registry writes "مخيم دوميز 1") is said in that script's digits.
 */
export function placeName(place: Pick<Site, 'nameEn' | 'nameAr' | 'nameCkb'> | Governorate, lang: Language): string {
  if (lang === 'ar') return arabicIndicDigits(place.nameAr);
  if (lang === 'ckb') return arabicIndicDigits(place.nameCkb ?? place.nameAr);
  return place.nameEn;
}

/** Orders places by their name in the language, as its alphabet sorts them: for lists and menus. */
export function byPlaceName(lang: Language): (a: Pick<Site, 'nameEn' | 'nameAr' | 'nameCkb'> | Governorate, b: Pick<Site, 'nameEn' | 'nameAr' | 'nameCkb'> | Governorate) => number {
  return (a, b) => placeName(a, lang).localeCompare(placeName(b, lang), lang);
}
