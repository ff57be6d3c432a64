// The locale namespaces, which screen needs which, and which nest which: the one list the loader
// (index.ts), the build's budget (bundleBudget.ts), the offline shell (offlineShell.ts) and the
// locale test read. Each namespace is a file per language, client/locales/{lang}/{ns}.json (glossary and alerts under
// shared/locales/, since the server and the CAP feed say the same templates), loaded
// only when a screen needs it and only in the language shown.

/**
 * `glossary` holds the domain terms (checkpoint, shelter, health post, …), each spelt once per
 * language; the other namespaces name them through nesting, `$t(glossary:shelter.plural)`.
 */
export const NAMESPACES = ['glossary', 'dashboard', 'alerts', 'forecast', 'report', 'onward', 'analyst', 'adminops', 'admin', 'screens', 'sitrep'] as const;
export type Namespace = (typeof NAMESPACES)[number];

/**
 * What a namespace's strings nest besides the glossary (`$t(adminops:…)` in admin.json): a nested
 * key of a namespace not loaded would show as the key itself, and i18next does not load it for nesting.
 */
export const NESTS: Partial<Record<Namespace, Namespace[]>> = {
  admin: ['adminops'],
  screens: ['dashboard'],
};

/** Every screen's: the tab's title (`screens`) and the language switcher (`dashboard`). */
const EVERY_SCREEN: Namespace[] = ['glossary', 'dashboard', 'screens'];

/**
 * The namespaces each screen's components ask for (`useTranslation(ns)`), loaded with the screen's
 * chunk rather than after it, one round trip fewer. A component asking for one not listed still
 * works (it suspends until its words arrive) but blanks the screen while they load; /report's list
 * is also what its service worker keeps, in every language, for the phone offline.
 */
export const SCREEN_NAMESPACES = {
  overview: [...EVERY_SCREEN, 'alerts', 'analyst', 'forecast', 'onward', 'adminops'],
  wall: [...EVERY_SCREEN, 'alerts', 'analyst', 'forecast', 'onward'],
  governorate: [...EVERY_SCREEN, 'alerts', 'analyst', 'forecast', 'onward', 'adminops'],
  report: [...EVERY_SCREEN, 'report'],
  sitrep: [...EVERY_SCREEN, 'alerts', 'sitrep'],
  admin: [...EVERY_SCREEN, 'admin', 'adminops', 'alerts', 'analyst'],
  adminops: [...EVERY_SCREEN, 'adminops', 'alerts'],
} satisfies Record<string, Namespace[]>;
export type ScreenName = keyof typeof SCREEN_NAMESPACES;

/** `namespaces` with what they nest, each once. */
export function withNested(namespaces: readonly Namespace[]): Namespace[] {
  const out = new Set<Namespace>();
  const add = (ns: Namespace) => {
    if (out.has(ns)) return;
    out.add(ns);
    for (const nested of NESTS[ns] ?? []) add(nested);
  };
  ['glossary' as const, ...namespaces].forEach(add);
  return [...out];
}

/** The module of a namespace's words in a language, as the build names it. */
export const LOCALE_FILE = /\/locales\/(en|ar|ckb)\/(\w+)\.json$/;
