// The locale files hold together: every language has every key, the same placeholders, nesting that
// resolves in that language, one spelling per domain term, and terms named through the glossary.
import { beforeAll, describe, expect, it } from 'vitest';
import { LANGUAGES, type Language } from '../../shared/language.ts';
import { i18n, loadWords, startI18n } from '../i18n/index.ts';
import { LOCALE_FILE, NAMESPACES, type Namespace } from '../i18n/namespaces.ts';
import type { Strings } from '../i18n/resources.ts';
import variants from './variants.json';

/** Every file under client/locales/ and shared/locales/ (the glossary and the alerts' templates), read as the loader finds them (namespaces.ts names them all). */
const files = import.meta.glob<Strings>(['./*/*.json', '../../shared/locales/*/*.json'], { import: 'default', eager: true });
const resources = Object.fromEntries(LANGUAGES.map((lang) => [lang, {} as Record<Namespace, Strings>])) as Record<Language, Record<Namespace, Strings>>;
const strays: string[] = [];
for (const [path, words] of Object.entries(files)) {
  const [, lang, ns] = LOCALE_FILE.exec(path.startsWith('./') ? `/locales/${path.slice(2)}` : path) ?? [];
  if (lang && (NAMESPACES as readonly string[]).includes(ns!)) resources[lang as Language][ns as Namespace] = words;
  else strays.push(path);
}

/**
 * Strings that contain a glossary spelling as another word: Sorani says "seen" (بینراو) for an
 * acknowledged alert and "was seen" (بینراوە) for when a report was observed.
 */
const HOMOGRAPHS: Partial<Record<Language, Record<string, string[]>>> = {
  ckb: { 'report:observed': ['بینراو'] },
};

const TEXT_NAMESPACES = NAMESPACES.filter((ns) => ns !== 'glossary');
/** `$t(glossary:shelter.plural, capitalize)`: the key, then any formats. */
const NESTING = /\$t\(([^,)]+)[^)]*\)/g;
const PLACEHOLDER = /\{\{\s*([^\s,}]+)[^}]*\}\}/g;

type Entry = { key: string; value: string };

/** A namespace's strings by key; the glossary's terms are objects of forms, keyed `term.form`. */
function entries(lang: Language, ns: Namespace): Entry[] {
  const out: Entry[] = [];
  const walk = (node: unknown, prefix: string) => {
    if (typeof node === 'string') out.push({ key: prefix, value: node });
    else for (const [k, v] of Object.entries(node as object)) walk(v, prefix ? `${prefix}.${k}` : k);
  };
  walk(resources[lang][ns], '');
  return out;
}

const placeholders = (value: string) => [...new Set([...value.matchAll(PLACEHOLDER)].map((m) => m[1]))].sort();
const nested = (value: string) => [...value.matchAll(NESTING)].map((m) => m[1]!.trim());
/** What a translator wrote literally: the string without its nesting and its placeholders. */
const literal = (value: string) => value.replace(NESTING, ' ').replace(PLACEHOLDER, ' ');

/**
 * Whether `text` spells `word`. An English word inside a longer one ("sheltered") is another word;
 * Arabic and Kurdish attach articles, suffixes and clitics to the word itself (المخيمات, کەمپەکان),
 * so there any occurrence counts.
 */
function spells(text: string, word: string): boolean {
  const escaped = word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(?<![A-Za-z])${escaped}(?![A-Za-z])`, 'iu').test(text);
}

describe('locale files', () => {
  it('are each a namespace the loader knows, and every namespace has a file in every language', () => {
    expect(strays).toEqual([]);
    for (const lang of LANGUAGES) expect(Object.keys(resources[lang]).sort()).toEqual([...NAMESPACES].sort());
  });

  it('have every key in every language, none of them empty', () => {
    const problems: string[] = [];
    for (const ns of TEXT_NAMESPACES) {
      const english = new Set(entries('en', ns).map((e) => e.key));
      for (const lang of LANGUAGES) {
        const here = entries(lang, ns);
        const keys = new Set(here.map((e) => e.key));
        for (const key of english) if (!keys.has(key)) problems.push(`${lang} ${ns}:${key} is missing`);
        for (const { key, value } of here) {
          if (!english.has(key)) problems.push(`${lang} ${ns}:${key} is not in English`);
          if (value.trim() === '') problems.push(`${lang} ${ns}:${key} is empty`);
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it('have the same glossary terms in every language, each with a name; the forms are each language’s own', () => {
    // Terms must match; their forms follow each language's grammar (Arabic has definite and oblique
    // forms, Sorani an indefinite one), so a form is checked where it is used, in the nesting test.
    const problems: string[] = [];
    const terms = (lang: Language) => Object.keys(resources[lang].glossary).sort();
    for (const lang of LANGUAGES) {
      if (terms(lang).join() !== terms('en').join()) problems.push(`${lang} has the terms ${terms(lang).join()}`);
      const glossary = resources[lang].glossary as Record<string, Record<string, string>>;
      for (const [term, forms] of Object.entries(glossary)) {
        if (!forms.name?.trim()) problems.push(`${lang} glossary:${term} has no name`);
        for (const [form, value] of Object.entries(forms)) {
          if (!value.trim()) problems.push(`${lang} glossary:${term}.${form} is empty`);
          if (nested(value).length || placeholders(value).length) problems.push(`${lang} glossary:${term}.${form} is not a plain word`);
          // a sentence or label gives the capital (`capitalize`), so the term itself has none
          if (lang === 'en' && value !== value.toLowerCase()) problems.push(`en glossary:${term}.${form} is not lower case`);
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it('name the same placeholders in every language', () => {
    const problems: string[] = [];
    for (const ns of TEXT_NAMESPACES) {
      for (const { key, value } of entries('en', ns)) {
        const english = placeholders(value).join();
        for (const lang of LANGUAGES) {
          const translated = entries(lang, ns).find((e) => e.key === key);
          if (translated && placeholders(translated.value).join() !== english) {
            problems.push(`${lang} ${ns}:${key} has {{${placeholders(translated.value).join('}}, {{')}}}, English {{${english.replaceAll(',', '}}, {{')}}}`);
          }
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it('nest only keys of the same language, so nothing falls back to English', () => {
    const problems: string[] = [];
    for (const lang of LANGUAGES) {
      for (const ns of TEXT_NAMESPACES) {
        for (const { key, value } of entries(lang, ns)) {
          for (const ref of nested(value)) {
            const [target, path] = ref.split(':');
            const known = (NAMESPACES as readonly string[]).includes(target!) && path !== undefined;
            const found = known && entries(lang, target as Namespace).some((e) => e.key === path);
            if (!found) problems.push(`${lang} ${ns}:${key} nests ${ref}, which ${lang} does not have`);
          }
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it('spell each glossary term one way: no string uses a refused variant (variants.json)', () => {
    const problems: string[] = [];
    for (const [lang, byTerm] of Object.entries(variants) as [Language, Record<string, string[]>][]) {
      for (const [term, refused] of Object.entries(byTerm)) {
        if (!(term in resources[lang].glossary)) problems.push(`variants.json: ${lang} has no glossary term ${term}`);
        for (const ns of NAMESPACES) {
          for (const { key, value } of entries(lang, ns)) {
            for (const variant of refused) if (spells(value, variant)) problems.push(`${lang} ${ns}:${key} spells ${term} as ${variant}`);
          }
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it('name glossary terms by nesting them, never in their own spelling', () => {
    const problems: string[] = [];
    for (const lang of LANGUAGES) {
      const words = entries(lang, 'glossary');
      for (const ns of TEXT_NAMESPACES) {
        for (const { key, value } of entries(lang, ns)) {
          const allowed = HOMOGRAPHS[lang]?.[`${ns}:${key}`] ?? [];
          for (const word of words) {
            if (!allowed.includes(word.value) && spells(literal(value), word.value)) {
              problems.push(`${lang} ${ns}:${key} spells “${word.value}”: nest $t(glossary:${word.key})`);
            }
          }
        }
      }
    }
    expect(problems).toEqual([]);
  });
});

/** A string as a screen shows it; keys walked from the files are only strings to the type system. */
function show(lang: Language, ns: Namespace, key: string, options?: object): string {
  const t = i18n.getFixedT(lang, ns) as (key: string, options?: object) => string;
  return t(key, options);
}

describe('the strings as the screens show them', () => {
  beforeAll(async () => {
    // through the loader the screens use, every namespace in every language
    await startI18n('en');
    await loadWords(LANGUAGES, NAMESPACES);
  });

  it('resolve all their nesting in every language', () => {
    const problems: string[] = [];
    for (const lang of LANGUAGES) {
      for (const ns of TEXT_NAMESPACES) {
        for (const { key } of entries(lang, ns)) {
          const shown = show(lang, ns, key);
          if (shown.includes('$t(') || shown.includes('glossary:')) problems.push(`${lang} ${ns}:${key} shows ${shown}`);
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it.each([
    ['en', 'dashboard', 'kind_health_post', 'Health post'],
    ['en', 'dashboard', 'shelterOccupancy', 'Shelter occupancy'],
    ['en', 'report', 'closing', 'Report this health post as CLOSED? Dashboards will raise a critical alert.'],
    ['en', 'dashboard', 'exerciseBanner', 'EXERCISE'],
    ['ar', 'dashboard', 'shelterOccupancy', 'إشغال المخيمات'],
    ['ar', 'report', 'kind_shelter', 'مخيم'],
    ['ckb', 'dashboard', 'healthPosts', 'بنکە تەندروستییەکان'],
    ['ckb', 'alerts', 'rule_health_post_down_2', '{{subject}}: بنکەی تەندروستی داخراوە'],
  ] as const)('%s %s:%s reads “%s”', (lang, ns, key, expected) => {
    expect(show(lang, ns, key, { subject: '{{subject}}' })).toBe(expected);
  });
});
