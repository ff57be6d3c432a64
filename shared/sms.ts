// Reports by SMS: the short syntax in English, Arabic and Kurdish (Sorani), and the replies, one
// segment each where possible. Pure: no gateway, no store, no clock. A gateway adapter on the server
// (Kannel today, a RapidPro webhook tomorrow) turns a message into text, calls parseSms, does the
// work, and sends back smsReplyText. The syntax is documented for people in docs/sms.md.
import { makeFormat, type Format } from './format.ts';
import type { Language } from './language.ts';
import { MAX_COUNT, type Destination, type DestinationKey, type HealthStatus, type Pcode, type ReportKind, type SiteKind } from './schemas.ts';

/** A missing period in an arrivals message means "the last hour": the most common count at a crossing. */
export const DEFAULT_PERIOD_MINUTES = 60;
/** Longest period a report may cover (the report schema's own limit). */
const MAX_PERIOD_MINUTES = 1440;
/** A health post's note, as long as the report schema allows. */
const MAX_NOTE = 500;

/** What a message asks to store, before the site code is looked up. */
export type SmsRequest =
  | {
      kind: 'arrivals';
      code: string;
      arrivals: number;
      periodMinutes: number;
      /** false when the message named no period and DEFAULT_PERIOD_MINUTES was taken */
      periodGiven: boolean;
      destinations: Destination[];
      /** the message ended in "+": the sender confirms a count that looks like one sent already */
      confirm: boolean;
    }
  | { kind: 'occupancy'; code: string; occupancy: number; confirm: boolean }
  | { kind: 'health'; code: string; status: HealthStatus; note?: string; confirm: boolean };

/** What was wrong with a message; `token` is the part at fault, as the sender wrote it. */
export type SmsProblemCode =
  | 'empty'
  | 'keyword'
  | 'site'
  | 'count'
  | 'count_too_large'
  | 'period'
  | 'status'
  | 'destination'
  | 'destinations_exceed'
  | 'unexpected'
  | 'note_too_long';

export interface SmsProblem {
  code: SmsProblemCode;
  token?: string;
}

export type SmsParsed =
  | { ok: true; lang: Language; request: SmsRequest }
  | { ok: false; lang: Language; kind?: ReportKind; code?: string; problem: SmsProblem };

// ---- Text as phones send it ---------------------------------------------------------------------

/** Direction marks, isolates, zero-width characters and the BOM: invisible, and pasted in by RTL keyboards. */
const INVISIBLE = /[\u061c\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]/g;
/** Arabic harakat and the tatweel: a keyword reads the same with or without them. */
const MARKS = /[\u064b-\u065f\u0670\u0640]/g;

/** Arabic-Indic (٠-٩) and Persian/Urdu (۰-۹) digits as ASCII: phones send all three. */
export function asciiDigits(text: string): string {
  return text.replace(/[\u0660-\u0669\u06f0-\u06f9]/g, (d) => String((d.charCodeAt(0) - 0x0660) % (0x06f0 - 0x0660)));
}

/**
 * The message as the parser reads it: NFKC (Arabic presentation forms to letters), no invisible
 * marks, ASCII digits, digit grouping removed (27,300 · ٢٧٬٣٠٠ · 27.300), the Arabic decimal
 * separator as a dot, and one space between words.
 */
export function normaliseSms(text: string): string {
  return asciiDigits(text.normalize('NFKC').replace(INVISIBLE, ''))
    .replace(/(\d)[,\u066c.'\u2019](?=\d{3}(?!\d))/g, '$1')
    .replace(/(\d)\u066b(\d)/g, '$1.$2')
    .replace(/[\s\u00a0]+/g, ' ')
    .trim();
}

/**
 * A word folded for comparison only: upper case, no harakat, and the letters Arabic and Kurdish
 * keyboards write differently as one (ك/ک, ي/ی/ى/ێ, ة/ه/ە, أ/إ/آ/ا, ڕ/ر, ڵ/ل, ۆ/و).
 */
export function foldWord(word: string): string {
  return word
    .toUpperCase()
    .replace(MARKS, '')
    .replace(/[أإآٱ]/g, 'ا')
    .replace(/[ىیێ]/g, 'ي')
    .replace(/ک/g, 'ك')
    .replace(/[ةە]/g, 'ه')
    .replace(/ڕ/g, 'ر')
    .replace(/ڵ/g, 'ل')
    .replace(/ۆ/g, 'و')
    .replace(/[-_.]/g, '');
}

/** Kurdish letters Arabic does not use: a message with one is Sorani. */
const KURDISH_LETTERS = /[پچژگڤێۆەڕڵ\u06cc\u06a9]/;
const ARABIC_SCRIPT = /[\u0600-\u06ff]/;

/** The language a message is written in, from its script, when its keyword does not say. */
export function languageOfText(text: string): Language {
  if (KURDISH_LETTERS.test(text)) return 'ckb';
  return ARABIC_SCRIPT.test(text) ? 'ar' : 'en';
}

// ---- Words ----------------------------------------------------------------------------------------

type Table<T> = readonly { value: T; lang: Language; words: readonly string[] }[];

/** The keyword that opens a message: one letter, or a word, in each language (docs/sms.md lists them). */
const KEYWORDS: Table<ReportKind> = [
  { value: 'arrivals', lang: 'en', words: ['A', 'ARR', 'ARRIVALS', 'ARRIVAL', 'ARRIVED', 'ARIVALS', 'ARRIVLS', 'ARRIVELS', 'IN'] },
  { value: 'arrivals', lang: 'ar', words: ['و', 'وصول', 'واصل', 'واصلين', 'وافد', 'وافدين', 'قادمين'] },
  { value: 'arrivals', lang: 'ckb', words: ['گ', 'گەیشتن', 'گەیشتوو', 'گەیشتووان', 'هاتوو', 'هاتووان'] },
  { value: 'occupancy', lang: 'en', words: ['O', 'OCC', 'OCCUPANCY', 'OCUPANCY', 'OCCUPANCE', 'OCCUPIED'] },
  { value: 'occupancy', lang: 'ar', words: ['ش', 'اشغال', 'إشغال', 'نزلاء', 'ساكنين'] },
  { value: 'occupancy', lang: 'ckb', words: ['د', 'دانیشتوان', 'نیشتەجێ', 'نیشتەجێبوو'] },
  { value: 'health', lang: 'en', words: ['H', 'HEALTH', 'HELTH', 'HLTH', 'HEALT', 'CLINIC'] },
  { value: 'health', lang: 'ar', words: ['ص', 'صحة', 'صحي', 'صحية', 'عيادة'] },
  { value: 'health', lang: 'ckb', words: ['ت', 'تەندروستی', 'تندروستی', 'بنکە', 'کلینیک'] },
];

const STATUSES: Table<HealthStatus> = [
  { value: 'operational', lang: 'en', words: ['OPERATIONAL', 'OPEN', 'OK', 'OP', 'WORKING', 'NORMAL', 'UP', 'FUNCTIONAL'] },
  { value: 'operational', lang: 'ar', words: ['يعمل', 'مفتوح', 'مفتوحة', 'شغال', 'طبيعي', 'تعمل'] },
  { value: 'operational', lang: 'ckb', words: ['کراوە', 'کارا', 'ئاسایی', 'کاردەکات'] },
  { value: 'limited', lang: 'en', words: ['LIMITED', 'LIM', 'PARTIAL', 'REDUCED', 'LIMIT'] },
  { value: 'limited', lang: 'ar', words: ['محدود', 'محدودة', 'جزئي', 'جزئيا'] },
  { value: 'limited', lang: 'ckb', words: ['سنووردار', 'سنوردار', 'کەم'] },
  { value: 'closed', lang: 'en', words: ['CLOSED', 'CLOSE', 'SHUT', 'DOWN', 'CL'] },
  { value: 'closed', lang: 'ar', words: ['مغلق', 'مغلقة', 'مسكر', 'مقفل', 'مقفلة'] },
  { value: 'closed', lang: 'ckb', words: ['داخراو', 'داخرا', 'بەستراو'] },
];

type Unit = 'minute' | 'hour' | 'day';
const UNIT_MINUTES: Record<Unit, number> = { minute: 1, hour: 60, day: 1440 };
const UNITS: Table<Unit> = [
  { value: 'minute', lang: 'en', words: ['M', 'MIN', 'MINS', 'MINUTE', 'MINUTES', 'MN'] },
  { value: 'minute', lang: 'ar', words: ['د', 'دق', 'دقيقة', 'دقائق'] },
  { value: 'minute', lang: 'ckb', words: ['خ', 'خولەک', 'دەقە', 'دەقیقە'] },
  { value: 'hour', lang: 'en', words: ['H', 'HR', 'HRS', 'HOUR', 'HOURS'] },
  { value: 'hour', lang: 'ar', words: ['س', 'سا', 'ساعة', 'ساعات'] },
  { value: 'hour', lang: 'ckb', words: ['ک', 'کاتژمێر', 'سەعات', 'ک.ژ'] },
  { value: 'day', lang: 'en', words: ['D', 'DAY', 'DAYS'] },
  { value: 'day', lang: 'ar', words: ['ي', 'يوم'] },
  { value: 'day', lang: 'ckb', words: ['ڕ', 'ڕۆژ'] },
];

/** Said when no destination was given: these persons did not say where they are going. */
const UNKNOWN_DESTINATION = ['?', 'UNK', 'UNKNOWN', 'X', 'غير معروف', 'مجهول', 'نەزانراو', 'نازانرێت'];

/**
 * Governorates as an SMS names them: a three-letter code, the p-code, or the name in any of the
 * three languages. Short codes are Amina's own (there is no standard set); docs/sms.md lists them.
 */
export const SMS_GOVERNORATES: readonly { pcode: Pcode; code: string; names: readonly string[] }[] = [
  { pcode: 'IQG01', code: 'ANB', names: ['Anbar', 'Al-Anbar', 'الانبار', 'الأنبار', 'ئەنبار'] },
  { pcode: 'IQG02', code: 'BAS', names: ['Basrah', 'Basra', 'Al-Basrah', 'البصرة', 'بەسرە'] },
  { pcode: 'IQG03', code: 'MUT', names: ['Muthanna', 'Al-Muthanna', 'المثنى', 'موسەننا'] },
  { pcode: 'IQG04', code: 'NAJ', names: ['Najaf', 'Al-Najaf', 'النجف', 'نەجەف'] },
  { pcode: 'IQG05', code: 'QAD', names: ['Qadissiya', 'Diwaniyah', 'Al-Qadissiya', 'القادسية', 'الديوانية', 'قادسیە'] },
  { pcode: 'IQG06', code: 'SUL', names: ['Sulaymaniyah', 'Suleimaniyah', 'Al-Sulaymaniyah', 'السليمانية', 'سلێمانی'] },
  { pcode: 'IQG07', code: 'BAB', names: ['Babil', 'Babylon', 'بابل'] },
  { pcode: 'IQG08', code: 'BGD', names: ['Baghdad', 'بغداد', 'بەغدا'] },
  { pcode: 'IQG09', code: 'DUH', names: ['Duhok', 'Dohuk', 'Dahuk', 'دهوك', 'دهۆک'] },
  { pcode: 'IQG10', code: 'DIY', names: ['Diyala', 'ديالى', 'دیالە'] },
  { pcode: 'IQG11', code: 'ERB', names: ['Erbil', 'Arbil', 'Hawler', 'اربيل', 'أربيل', 'هەولێر'] },
  { pcode: 'IQG12', code: 'KAR', names: ['Kerbala', 'Karbala', 'كربلاء', 'کەربەلا'] },
  { pcode: 'IQG13', code: 'KIR', names: ['Kirkuk', 'كركوك', 'کەرکووک'] },
  { pcode: 'IQG14', code: 'MAY', names: ['Maysan', 'Missan', 'ميسان', 'مەیسان'] },
  { pcode: 'IQG15', code: 'NIN', names: ['Ninewa', 'Nineveh', 'Mosul', 'نينوى', 'نەینەوا'] },
  { pcode: 'IQG16', code: 'SAL', names: ['Salah Al-Din', 'Salahaddin', 'صلاح الدين', 'سەلاحەدین'] },
  { pcode: 'IQG17', code: 'THI', names: ['Thi Qar', 'Dhi Qar', 'ذي قار', 'زیقار'] },
  { pcode: 'IQG18', code: 'WAS', names: ['Wassit', 'Wasit', 'واسط', 'واسیت'] },
];

/** Folded word → entry, built once per table. */
function index<T>(table: Table<T>): Map<string, { value: T; lang: Language }> {
  const map = new Map<string, { value: T; lang: Language }>();
  for (const entry of table) for (const word of entry.words) map.set(foldWord(word), { value: entry.value, lang: entry.lang });
  return map;
}
const KEYWORD_INDEX = index(KEYWORDS);
const STATUS_INDEX = index(STATUSES);
const UNIT_INDEX = index(UNITS);
const DESTINATION_INDEX = new Map<string, DestinationKey>([
  ...UNKNOWN_DESTINATION.map((w) => [foldWord(w).replace(/ /g, ''), 'unknown'] as const),
  ...SMS_GOVERNORATES.flatMap((g) => [g.code, g.pcode, ...g.names].map((w) => [foldWord(w).replace(/ /g, ''), g.pcode] as const)),
]);
/** A governorate's short code by p-code, for replies. */
const GOVERNORATE_CODE = new Map(SMS_GOVERNORATES.map((g) => [g.pcode, g.code]));

/** Levenshtein distance, stopping early: only "at most one typo" matters. */
function withinOneEdit(a: string, b: string): boolean {
  if (Math.abs(a.length - b.length) > 1) return false;
  let i = 0;
  let j = 0;
  let edits = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      i++;
      j++;
      continue;
    }
    if (++edits > 1) return false;
    if (a.length > b.length) i++;
    else if (b.length > a.length) j++;
    else {
      i++;
      j++;
    }
  }
  return edits + (a.length - i) + (b.length - j) <= 1;
}

/**
 * A word looked up in a table: exactly (folded), or, for words of five letters or more, with one
 * typo when only one entry is that close ("ARIVALS", "CLOSD"). Short words must be exact: "OP" one
 * letter from "OK" is no typo to guess at.
 */
function lookUp<T>(map: Map<string, { value: T; lang: Language }>, word: string): { value: T; lang: Language } | undefined {
  const folded = foldWord(word);
  const exact = map.get(folded);
  if (exact || folded.length < 5 || /\d/.test(folded)) return exact;
  const close = [...map.entries()].filter(([w]) => w.length >= 4 && withinOneEdit(w, folded));
  const values = new Set(close.map(([, e]) => e.value));
  return values.size === 1 ? close[0]![1] : undefined;
}

// ---- Parsing ---------------------------------------------------------------------------------

const NUMBER = /^\d+$/;
const PERIOD = /^(\d+(?:\.\d+)?)(\D.*)$/;

/** "1h", "30m", "1.5h", "١س": minutes, or undefined when the word is no period. */
function periodMinutesOf(number: string, unitWord: string): number | 'bad' | undefined {
  const unit = lookUp(UNIT_INDEX, unitWord);
  if (!unit) return undefined;
  const minutes = Number(number) * UNIT_MINUTES[unit.value];
  return Number.isInteger(minutes) && minutes >= 1 && minutes <= MAX_PERIOD_MINUTES ? minutes : 'bad';
}

/**
 * Reads one message. Keyword first (A/O/H, و/ش/ص, گ/د/ت, or the word), then the site code, then for
 * arrivals the count and the period in either order (a missing period is the last hour), then
 * destinations `>ERB 120 >DUH 30`; for occupancy the count; for a health post the status and an
 * optional note. A final `+` confirms a count that repeats one already sent.
 */
export function parseSms(text: string): SmsParsed {
  let body = normaliseSms(text);
  const guessed = languageOfText(body);
  let confirm = false;
  if (/\s*\+$/.test(body)) {
    confirm = true;
    body = body.replace(/\s*\+$/, '').trim();
  }
  if (!body) return { ok: false, lang: guessed, problem: { code: 'empty' } };

  const [first = '', ...rest] = body.split(' ');
  const keyword = lookUp(KEYWORD_INDEX, first);
  if (!keyword) return { ok: false, lang: guessed, problem: { code: 'keyword', token: first } };
  const kind = keyword.value;
  const lang = keyword.lang === 'en' ? guessed : keyword.lang;
  const fail = (problem: SmsProblem, code?: string): SmsParsed => ({ ok: false, lang, kind, ...(code ? { code } : {}), problem });

  const [codeWord, ...words] = rest;
  if (!codeWord || NUMBER.test(codeWord)) return fail({ code: 'site' });
  const code = codeWord.toUpperCase();

  if (kind === 'health') {
    const [statusWord, ...noteWords] = words;
    const status = statusWord ? lookUp(STATUS_INDEX, statusWord) : undefined;
    if (!status) return fail({ code: 'status', ...(statusWord ? { token: statusWord } : {}) }, code);
    const note = noteWords.join(' ').trim();
    if (note.length > MAX_NOTE) return fail({ code: 'note_too_long' }, code);
    return { ok: true, lang, request: { kind, code, status: status.value, ...(note ? { note } : {}), confirm } };
  }

  // Destinations belong to arrivals only; a ">" elsewhere is text nobody expects.
  const segments = words.join(' ').split(/\s*[><›»]\s*/);
  const main = segments[0] ? segments[0].split(' ') : [];
  const destinationSegments = segments.slice(1);

  let count: number | undefined;
  let period: number | undefined;
  for (let i = 0; i < main.length; i++) {
    const word = main[i]!;
    if (NUMBER.test(word)) {
      // "250 1 h": a number followed by a unit alone is a period written with a space.
      const next = main[i + 1];
      const spaced = next !== undefined && kind === 'arrivals' ? periodMinutesOf(word, next) : undefined;
      if (spaced !== undefined) {
        if (spaced === 'bad' || period !== undefined) return fail({ code: 'period', token: `${word} ${next}` }, code);
        period = spaced;
        i++;
        continue;
      }
      if (count !== undefined) return fail({ code: 'unexpected', token: word }, code);
      count = Number(word);
      continue;
    }
    const match = PERIOD.exec(word);
    const minutes = match && kind === 'arrivals' ? periodMinutesOf(match[1]!, match[2]!) : undefined;
    if (minutes === 'bad' || (minutes !== undefined && period !== undefined)) return fail({ code: 'period', token: word }, code);
    if (minutes !== undefined) {
      period = minutes;
      continue;
    }
    return fail({ code: match && kind === 'arrivals' ? 'period' : 'unexpected', token: word }, code);
  }
  if (count === undefined) return fail({ code: 'count' }, code);
  if (count > MAX_COUNT) return fail({ code: 'count_too_large', token: String(count) }, code);

  if (kind === 'occupancy') {
    if (destinationSegments.length) return fail({ code: 'unexpected', token: '>' }, code);
    return { ok: true, lang, request: { kind, code, occupancy: count, confirm } };
  }

  const destinations: Destination[] = [];
  for (const segment of destinationSegments) {
    const parts = segment.split(' ').filter(Boolean);
    const persons = parts.at(-1);
    const to = DESTINATION_INDEX.get(foldWord(parts.slice(0, -1).join('')));
    if (!persons || !NUMBER.test(persons) || !to || destinations.some((d) => d.to === to)) {
      return fail({ code: 'destination', token: `>${segment}` }, code);
    }
    destinations.push({ to, persons: Number(persons) });
  }
  if (destinations.reduce((sum, d) => sum + d.persons, 0) > count) return fail({ code: 'destinations_exceed' }, code);
  return {
    ok: true,
    lang,
    request: {
      kind,
      code,
      arrivals: count,
      periodMinutes: period ?? DEFAULT_PERIOD_MINUTES,
      periodGiven: period !== undefined,
      destinations,
      confirm,
    },
  };
}

/** The site a code names: its registry `code` (any case), or its id for sites without one. */
export function siteForCode<S extends { id: string; code?: string | undefined }>(sites: readonly S[], code: string): S | undefined {
  const upper = code.toUpperCase();
  return sites.find((s) => s.code?.toUpperCase() === upper) ?? sites.find((s) => s.id.toUpperCase() === upper);
}

// ---- Replies ---------------------------------------------------------------------------------

/** What the server did with a message, for the reply. */
export type SmsOutcome =
  | {
      type: 'stored';
      code: string;
      request: SmsRequest;
      reportId: string;
      /** when the server stored it (the first time, for a gateway's retry) */
      receivedAt: string;
      /** an earlier report of the site whose period overlaps this one's */
      overlapsAt?: string;
    }
  | { type: 'same_again'; code: string; request: SmsRequest; earlier: { reportId: string; receivedAt: string } }
  | { type: 'not_registered' }
  | { type: 'problem'; kind?: ReportKind; code?: string; problem: SmsProblem }
  | { type: 'unknown_site'; code: string; yourCodes: readonly string[] }
  | { type: 'not_your_site'; code: string; yourCodes: readonly string[] }
  | { type: 'wrong_kind'; code: string; siteKind: SiteKind }
  /** the site was closed in the registry: it keeps its history and takes no new report */
  | { type: 'site_closed'; code: string };

/** Iraq's time zone: replies name the time as the sender's watch shows it. */
export const SMS_TIME_ZONE = 'Asia/Baghdad';

/** The short reference a reply gives: the report id's first four hex digits, easy to read out. */
export function shortRef(reportId: string): string {
  return reportId.replace(/-/g, '').slice(0, 4).toUpperCase();
}

const KIND_OF_SITE: Record<SiteKind, ReportKind> = { checkpoint: 'arrivals', shelter: 'occupancy', health_post: 'health' };

interface Words {
  period(f: Format, minutes: number): string;
  arrivals(f: Format, n: number, period: string): string;
  occupancy(f: Format, n: number): string;
  status: Record<HealthStatus, string>;
  stored(time: string, ref: string): string;
  overlap(time: string): string;
  sameAgain(code: string, what: string, time: string): string;
  notRegistered: string;
  notUnderstood(what: string, example: string): string;
  problems: Record<SmsProblemCode, (token: string) => string>;
  unknownSite(code: string, codes: string): string;
  notYourSite(code: string, codes: string): string;
  wrongKind(code: string, kindName: string, example: string): string;
  siteClosed(code: string): string;
  kinds: Record<SiteKind, string>;
  keyword: Record<ReportKind, string>;
  examples: { hour: string; health: string };
  list: string;
}

// The Arabic and Kurdish words want review by native speakers (docs/sms.md says so).
const WORDS: Record<Language, Words> = {
  en: {
    period: (f, m) => (m % 60 === 0 ? `${f.number(m / 60)} h` : `${f.number(m)} min`),
    arrivals: (f, n, p) => `${f.number(n)} arrivals in the last ${p}`,
    occupancy: (f, n) => `${f.number(n)} people in the shelter`,
    status: { operational: 'operational', limited: 'limited', closed: 'closed' },
    stored: (t, ref) => `, stored ${t}, ref ${ref}`,
    overlap: (t) => ` Overlaps the report of ${t}.`,
    sameAgain: (code, what, t) => `${code}: ${what} was stored at ${t}. Is this a new count? Then send it again ending in +`,
    notRegistered: 'This phone number is not registered with Amina. Ask your coordinator to add it.',
    notUnderstood: (what, ex) => `Not understood: ${what}. Example: ${ex}`,
    problems: {
      empty: () => 'the message is empty',
      keyword: (t) => `"${t}" is not A, O or H`,
      site: () => 'the site code is missing',
      count: () => 'the count is missing',
      count_too_large: (t) => `${t} is too large`,
      period: (t) => `"${t}" is not a period like 1h or 30m`,
      status: (t) => (t ? `"${t}" is not open, limited or closed` : 'say open, limited or closed'),
      destination: (t) => `"${t}" is not a destination like >ERB 120`,
      destinations_exceed: () => 'destinations add up to more than the arrivals',
      unexpected: (t) => `"${t}" was not expected`,
      note_too_long: () => 'the note is over 500 characters',
    },
    unknownSite: (code, codes) => `No site has the code ${code}. Your sites: ${codes}`,
    notYourSite: (code, codes) => `${code} is not one of this phone's sites: ${codes}`,
    wrongKind: (code, kind, ex) => `${code} is a ${kind}. Send: ${ex}`,
    siteClosed: (code) => `${code} is closed and takes no new reports. Ask your coordinator.`,
    kinds: { checkpoint: 'checkpoint', shelter: 'shelter', health_post: 'health post' },
    keyword: { arrivals: 'A', occupancy: 'O', health: 'H' },
    examples: { hour: '1h', health: 'closed' },
    list: ', ',
  },
  ar: {
    period: (f, m) => (m % 60 === 0 ? `${f.number(m / 60)} ساعة` : `${f.number(m)} دقيقة`),
    arrivals: (f, n, p) => `${f.number(n)} وافد في آخر ${p}`,
    occupancy: (f, n) => `${f.number(n)} شخص في المخيم`,
    status: { operational: 'يعمل', limited: 'محدود', closed: 'مغلق' },
    stored: (t, ref) => `، حُفظ ${t}، المرجع ${ref}`,
    overlap: (t) => ` يتداخل مع تقرير ${t}.`,
    sameAgain: (code, what, t) => `${code}: ${what} حُفظ ${t}. جديد؟ أعد إرساله مع +`,
    notRegistered: 'هذا الرقم غير مسجل في أمينة. اطلب من منسقك تسجيله.',
    notUnderstood: (what, ex) => `لم يُفهم: ${what}. مثال: ${ex}`,
    problems: {
      empty: () => 'الرسالة فارغة',
      keyword: () => 'ابدأ بـ و أو ش أو ص',
      site: () => 'رمز الموقع ناقص',
      count: () => 'العدد ناقص',
      count_too_large: () => 'العدد كبير جداً',
      period: (t) => `المدة "${t}" غير واضحة`,
      status: () => 'الحالة: يعمل أو محدود أو مغلق',
      destination: (t) => `الوجهة "${t}" غير واضحة`,
      destinations_exceed: () => 'الوجهات أكثر من الوافدين',
      unexpected: (t) => `"${t}" زائد`,
      note_too_long: () => 'الملاحظة أطول من ٥٠٠ حرف',
    },
    unknownSite: (code, codes) => `لا موقع بالرمز ${code}. مواقعك: ${codes}`,
    notYourSite: (code, codes) => `${code} ليس من مواقع هذا الهاتف: ${codes}`,
    wrongKind: (code, kind, ex) => `${code} ${kind}. أرسل: ${ex}`,
    siteClosed: (code) => `${code} مغلق ولا يقبل تقارير جديدة. راجع منسقك.`,
    kinds: { checkpoint: 'منفذ', shelter: 'مخيم', health_post: 'نقطة صحية' },
    keyword: { arrivals: 'و', occupancy: 'ش', health: 'ص' },
    examples: { hour: '١س', health: 'مغلق' },
    list: '، ',
  },
  ckb: {
    period: (f, m) => (m % 60 === 0 ? `${f.number(m / 60)} کاتژمێر` : `${f.number(m)} خولەک`),
    arrivals: (f, n, p) => `${f.number(n)} گەیشتوو لە ${p}ی ڕابردوو`,
    occupancy: (f, n) => `${f.number(n)} کەس لە کەمپ`,
    status: { operational: 'کارایە', limited: 'سنووردارە', closed: 'داخراوە' },
    stored: (t, ref) => `، تۆمارکرا ${t}، کۆد ${ref}`,
    overlap: (t) => ` لەگەڵ ڕاپۆرتی ${t} یەک دەگرێتەوە.`,
    sameAgain: (code, what, t) => `${code}: ${what} تۆمارکرا ${t}. نوێیە؟ بە + بینێرەوە`,
    notRegistered: 'ئەم ژمارەیە لە ئەمینە تۆمار نەکراوە. داوا لە هەماهەنگکارەکەت بکە.',
    notUnderstood: (what, ex) => `تێنەگەیشتم: ${what}. نموونە: ${ex}`,
    problems: {
      empty: () => 'نامەکە بەتاڵە',
      keyword: () => 'بە گ یان د یان ت دەست پێبکە',
      site: () => 'کۆدی شوێن نییە',
      count: () => 'ژمارە نییە',
      count_too_large: () => 'ژمارە زۆر گەورەیە',
      period: (t) => `ماوەی "${t}" ڕوون نییە`,
      status: () => 'بار: کراوە، سنووردار یان داخراو',
      destination: (t) => `مەبەستی "${t}" ڕوون نییە`,
      destinations_exceed: () => 'مەبەستەکان لە گەیشتووان زیاترن',
      unexpected: (t) => `"${t}" زیادەیە`,
      note_too_long: () => 'تێبینی لە ٥٠٠ پیت درێژترە',
    },
    unknownSite: (code, codes) => `هیچ شوێنێک کۆدی ${code}ی نییە. شوێنەکانت: ${codes}`,
    notYourSite: (code, codes) => `${code} لە شوێنەکانی ئەم مۆبایلە نییە: ${codes}`,
    wrongKind: (code, kind, ex) => `${code} ${kind}ە. بنێرە: ${ex}`,
    siteClosed: (code) => `${code} داخراوە و ڕاپۆرتی نوێ وەرناگرێت. لە هەماهەنگکارەکەت بپرسە.`,
    kinds: { checkpoint: 'دەروازە', shelter: 'کەمپ', health_post: 'بنکەی تەندروستی' },
    keyword: { arrivals: 'گ', occupancy: 'د', health: 'ت' },
    examples: { hour: '١ک', health: 'داخراو' },
    list: '، ',
  },
};

/** The right form of a message for a kind and a site, in the language: what an error reply shows. */
export function smsExample(lang: Language, kind: ReportKind, code?: string): string {
  const w = WORDS[lang];
  switch (kind) {
    case 'arrivals':
      return `${w.keyword.arrivals} ${code ?? 'IK'} ${asciiOrLocalDigits(lang, '250')} ${w.examples.hour}`;
    case 'occupancy':
      return `${w.keyword.occupancy} ${code ?? 'DOM1'} ${asciiOrLocalDigits(lang, '27300')}`;
    case 'health':
      return `${w.keyword.health} ${code ?? 'IKH'} ${w.examples.health}`;
  }
}

/** Digits as the language writes them, without grouping: an example to copy must parse as it reads. */
function asciiOrLocalDigits(lang: Language, digits: string): string {
  return lang === 'en' ? digits : digits.replace(/\d/g, (d) => String.fromCharCode(0x0660 + Number(d)));
}

// ---- Segments --------------------------------------------------------------------------------

/** The GSM 03.38 basic character set; a message of these alone travels in 7-bit, 160 to a segment. */
const GSM_BASIC =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
/** The extension set: two septets each. */
const GSM_EXTENSION = '^{}\\[~]|€\f';

/** How a text travels as SMS and how much of one segment it uses: 160 septets in GSM, 70 in UCS-2. */
export function smsSize(text: string): { encoding: 'gsm' | 'ucs2'; units: number; limit: number } {
  let septets = 0;
  for (const ch of text) {
    if (GSM_BASIC.includes(ch)) septets += 1;
    else if (GSM_EXTENSION.includes(ch)) septets += 2;
    else return { encoding: 'ucs2', units: text.length, limit: 70 };
  }
  return { encoding: 'gsm', units: septets, limit: 160 };
}

export function fitsOneSegment(text: string): boolean {
  const size = smsSize(text);
  return size.units <= size.limit;
}

/** The first candidate that fits one segment, else the shortest: longer ones carry more. */
function firstThatFits(candidates: readonly string[]): string {
  return candidates.find(fitsOneSegment) ?? candidates.reduce((a, b) => (smsSize(b).units < smsSize(a).units ? b : a));
}

/** "250 arrivals in the last 1 h", "27,300 people in the shelter", "closed": what a request says. */
function describe(w: Words, f: Format, request: SmsRequest): string {
  switch (request.kind) {
    case 'arrivals':
      return w.arrivals(f, request.arrivals, w.period(f, request.periodMinutes));
    case 'occupancy':
      return w.occupancy(f, request.occupancy);
    case 'health':
      return w.status[request.status];
  }
}

/** Site codes listed as many as fit in the reply. */
function codeLists(codes: readonly string[], separator: string): string[] {
  const lists: string[] = [];
  for (let n = codes.length; n >= 1; n--) lists.push(codes.slice(0, n).join(separator) + (n < codes.length ? '…' : ''));
  return lists.length ? lists : ['—'];
}

/**
 * The reply to a message, in the sender's language, one segment where it can be: optional parts
 * (destinations, an overlap, the full list of sites) are dropped before the message would split.
 */
export function smsReplyText(outcome: SmsOutcome, lang: Language, timeZone: string = SMS_TIME_ZONE): string {
  const w = WORDS[lang];
  const f = makeFormat(lang, { timeZone, hourCycle: 'h23' });
  switch (outcome.type) {
    case 'stored': {
      const base = `${outcome.code}: ${describe(w, f, outcome.request)}`;
      const stored = w.stored(f.time(outcome.receivedAt), shortRef(outcome.reportId));
      const destinations =
        outcome.request.kind === 'arrivals' && outcome.request.destinations.length
          ? ` (${outcome.request.destinations.map((d) => `${d.to === 'unknown' ? '?' : GOVERNORATE_CODE.get(d.to)} ${f.number(d.persons)}`).join(w.list)})`
          : '';
      const overlap = outcome.overlapsAt ? w.overlap(f.time(outcome.overlapsAt)) : '';
      return firstThatFits([base + destinations + stored + overlap, base + stored + overlap, base + destinations + stored, base + stored]);
    }
    case 'same_again': {
      const what = describe(w, f, outcome.request);
      const time = f.time(outcome.earlier.receivedAt);
      return firstThatFits([w.sameAgain(outcome.code, what, time), w.sameAgain(outcome.code, shortRef(outcome.earlier.reportId), time)]);
    }
    case 'not_registered':
      return w.notRegistered;
    case 'problem': {
      const what = w.problems[outcome.problem.code](outcome.problem.token ?? '');
      const example = smsExample(lang, outcome.kind ?? 'arrivals', outcome.code);
      const short = w.problems[outcome.problem.code]('');
      return firstThatFits([w.notUnderstood(what, example), w.notUnderstood(short, example)]);
    }
    case 'unknown_site':
      return firstThatFits(codeLists(outcome.yourCodes, w.list).map((codes) => w.unknownSite(outcome.code, codes)));
    case 'not_your_site':
      return firstThatFits(codeLists(outcome.yourCodes, w.list).map((codes) => w.notYourSite(outcome.code, codes)));
    case 'wrong_kind':
      return w.wrongKind(outcome.code, w.kinds[outcome.siteKind], smsExample(lang, KIND_OF_SITE[outcome.siteKind], outcome.code));
    case 'site_closed':
      return w.siteClosed(outcome.code);
  }
}
