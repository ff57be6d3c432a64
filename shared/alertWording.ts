// Every sentence an alert is said in, from one set of templates: the screens' (the client registers
// shared/locales/*/alerts.json as its i18next `alerts` namespace), the server's `message` (the English
// sentence) and the CAP feed's <info> in each language. The templates are written as i18next reads
// them, `{{placeholder}}` and `$t(glossary:term.form, capitalize)`, and this small renderer fills them
// the same way, so that the feed and the server say exactly what the screens say.
import arAlerts from './locales/ar/alerts.json';
import arGlossary from './locales/ar/glossary.json';
import ckbAlerts from './locales/ckb/alerts.json';
import ckbGlossary from './locales/ckb/glossary.json';
import enAlerts from './locales/en/alerts.json';
import enGlossary from './locales/en/glossary.json';
import { makeFormat, type Format } from './format.ts';
import { placeName, type Language } from './language.ts';
import type { Alert, Governorate, Site } from './schemas.ts';

/** The alert namespace's keys, as English (the source) has them. */
export type AlertKey = keyof typeof enAlerts;

type Glossary = Record<string, Record<string, string>>;

const TEMPLATES: Record<Language, Record<AlertKey, string>> = { en: enAlerts, ar: arAlerts, ckb: ckbAlerts };
const GLOSSARY: Record<Language, Glossary> = { en: enGlossary, ar: arGlossary, ckb: ckbGlossary };

/** i18next's named formats that the templates use (client/i18n/index.ts defines the same two). */
const FORMATS: Record<string, (text: string, lang: Language) => string> = {
  capitalize: (text, lang) => text.charAt(0).toLocaleUpperCase(lang) + text.slice(1),
  uppercase: (text, lang) => text.toLocaleUpperCase(lang),
};

const PLACEHOLDER = /\{\{\s*([^\s,}]+)\s*\}\}/g;
const NESTING = /\$t\(([^)]+)\)/g;

/**
 * One template of the alerts namespace filled in: placeholders first, then glossary nesting with its
 * formats, in i18next's order. A placeholder without a value, or a term the glossary lacks, throws:
 * the templates are ours, and a sentence with a hole must not reach a feed.
 */
export function renderAlertTemplate(lang: Language, key: AlertKey, values: Readonly<Record<string, string>> = {}): string {
  const template = TEMPLATES[lang][key];
  const filled = template.replace(PLACEHOLDER, (_, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`alerts:${key} (${lang}) needs {{${name}}}`);
    return value;
  });
  return filled.replace(NESTING, (_, inner: string) => {
    const [ref = '', ...formats] = inner.split(',').map((part) => part.trim());
    const [ns, path = ''] = ref.split(':');
    const [term = '', form = ''] = path.split('.');
    const word = ns === 'glossary' ? GLOSSARY[lang][term]?.[form] : undefined;
    if (word === undefined) throw new Error(`alerts:${key} (${lang}) nests ${ref}, which is not a glossary term`);
    return formats.reduce((text, name) => FORMATS[name]?.(text, lang) ?? text, word);
  });
}

/** The alert's subject and the places it names, in one language. */
export interface AlertNames {
  /** the site's name, or the governorate's for a governorate's alert */
  subject: string;
  governorate: string;
  /** shelter_capacity: the shelter's capacity in persons, when known */
  capacity?: number | null;
  /** onward_influx: the origin governorates, most expected first */
  origins: readonly string[];
}

/** What an alert's sentence is made of: its rule, figures, and where. */
export type AlertFacts = Pick<Alert, 'rule' | 'value' | 'threshold' | 'siteId' | 'governorate' | 'origins'>;

/**
 * The names of an alert's places in the language, from what the registry knows of them: a site it
 * does not know goes by its id, a governorate by its p-code, so that the sentence never names the
 * wrong place.
 */
export function alertNames(
  alert: AlertFacts,
  lang: Language,
  known: {
    site?: Pick<Site, 'nameEn' | 'nameAr' | 'nameCkb' | 'capacity'>;
    /** the registry's governorates: the alert's own, and its origins */
    governorate: (pcode: string) => Governorate | undefined;
  },
): AlertNames {
  const byPcode = known.governorate;
  const governorate = byPcode(alert.governorate);
  const governorateName = governorate ? placeName(governorate, lang) : alert.governorate;
  const subject = alert.siteId ? (known.site ? placeName(known.site, lang) : alert.siteId) : governorateName;
  const origins = (alert.origins ?? []).map((pcode) => {
    const origin = byPcode(pcode);
    return origin ? placeName(origin, lang) : pcode;
  });
  return { subject, governorate: governorateName, capacity: known.site?.capacity, origins };
}

/** The sentence keys: one per rule, two where the rule says two different things. */
export type AlertSentenceKey = Extract<AlertKey, `rule_${string}`>;

/** Which sentence an alert is said in. */
export function alertSentenceKey(alert: Pick<Alert, 'rule' | 'value'>): AlertSentenceKey {
  switch (alert.rule) {
    // 1 limited, 2 closed (shared/bands.ts)
    case 'health_post_down':
      return alert.value >= 2 ? 'rule_health_post_down_2' : 'rule_health_post_down_1';
    // 0 h: already full with arrivals still flowing in, not "full in about 0 h" (docs/forecast.md)
    case 'capacity_exhaustion':
      return alert.value === 0 ? 'rule_capacity_exhaustion_full' : 'rule_capacity_exhaustion';
    default:
      return `rule_${alert.rule}`;
  }
}

const HOUR_MS = 3_600_000;

/** The values an alert's templates are filled with, in the language of `format`. */
export function alertValues(alert: AlertFacts, names: AlertNames, format: Format): Record<string, string> {
  const values: Record<string, string> = {
    subject: names.subject,
    governorate: names.governorate,
    value: format.number(alert.value),
    threshold: format.number(alert.threshold),
    origins: format.list(names.origins),
  };
  // hours as a watch officer says them ("3 hours", "2 days"), not "3 h"
  if (alert.rule === 'site_silent' || alert.rule === 'capacity_exhaustion') {
    values.duration = values.time = format.duration(alert.value * HOUR_MS);
    values.expected = format.duration(alert.threshold * HOUR_MS);
  }
  if (alert.rule === 'shelter_capacity') {
    values.capacity = names.capacity ? format.number(names.capacity) : '—';
    values.percent = names.capacity ? format.fullness(alert.value / names.capacity) : '—';
  }
  return values;
}

/** Formats by language, made once each: the server says a sentence for every alert on every tick. */
const formats = new Map<Language, Format>();
function formatOf(lang: Language): Format {
  let format = formats.get(lang);
  if (!format) formats.set(lang, (format = makeFormat(lang)));
  return format;
}

/** The alert's sentence in the language: what its screen row, its `message` (English) and its CAP headline say. */
export function alertSentence(alert: AlertFacts, names: AlertNames, lang: Language): string {
  return renderAlertTemplate(lang, alertSentenceKey(alert), alertValues(alert, names, formatOf(lang)));
}

/** Any other template of the namespace (the CAP feed's), with the alert's values where it has some. */
export function alertWording(lang: Language, key: AlertKey, alert?: { facts: AlertFacts; names: AlertNames }, extra: Record<string, string> = {}): string {
  const values = alert ? alertValues(alert.facts, alert.names, formatOf(lang)) : {};
  return renderAlertTemplate(lang, key, { ...values, ...extra });
}
