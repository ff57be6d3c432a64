// Words that only one screen needs, loaded with that screen's chunk rather than with every page: the
// situation report's (`/sitrep`). The locale test checks them with the others (allResources()).
import arSitrep from '../locales/ar/sitrep.json';
import ckbSitrep from '../locales/ckb/sitrep.json';
import enSitrep from '../locales/en/sitrep.json';
import type { i18n as I18n } from 'i18next';
import { LANGUAGES, type Language } from '../../shared/language.ts';
import { NAMESPACES, resources, type Strings } from './resources.ts';

export const LAZY_NAMESPACES = ['sitrep'] as const;

const lazy: Record<Language, Record<(typeof LAZY_NAMESPACES)[number], Strings>> = {
  en: { sitrep: enSitrep },
  ar: { sitrep: arSitrep },
  ckb: { sitrep: ckbSitrep },
};

/** Adds the lazy namespaces to a started i18next, in every language. */
export function addLazyResources(i18n: I18n): void {
  for (const lang of LANGUAGES) for (const ns of LAZY_NAMESPACES) if (!i18n.hasResourceBundle(lang, ns)) i18n.addResourceBundle(lang, ns, lazy[lang][ns]);
}

/** Every namespace, loaded at start or lazily, for the locale test. */
export const ALL_NAMESPACES = [...NAMESPACES, ...LAZY_NAMESPACES];
export type AnyNamespace = (typeof ALL_NAMESPACES)[number];
export const allResources: Record<Language, Record<AnyNamespace, Strings>> = {
  en: { ...resources.en, ...lazy.en },
  ar: { ...resources.ar, ...lazy.ar },
  ckb: { ...resources.ckb, ...lazy.ckb },
};
