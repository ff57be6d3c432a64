// Numbers, times and durations in each language, through Intl: digits and order follow the locale.
// One module for the screens and the feeds, so a figure reads the same wherever it is shown.
import { LOCALE, type Language } from './language.ts';

/**
 * The time zone every date and time on the screens is said in, unless a screen is given another
 * (`?tz=`, see docs/screens.md): the Crisis Coordination Centre works on Baghdad time, whatever the
 * zone of the machine that shows it.
 */
export const DEFAULT_TIME_ZONE = 'Asia/Baghdad';

/** Whether `zone` is an IANA time zone this runtime knows ("Asia/Baghdad", "UTC"). */
export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

export interface FormatOptions {
  /** an IANA time zone; DEFAULT_TIME_ZONE when absent or unknown */
  timeZone?: string;
  /** the clock is 24-hour in every language already; a caller may still say so (an SMS reply does) */
  hourCycle?: 'h23';
}

export interface Format {
  lang: Language;
  locale: string;
  /** the IANA time zone dates and times are said in */
  timeZone: string;
  number(n: number): string;
  percent(ratio: number): string;
  /**
   * How full a shelter is, in whole percent rounded down: one at 99.8 % is not full and must not
   * read 100 %, nor one at 89.9 % read as at a 90 % line it has not reached.
   */
  fullness(ratio: number): string;
  /** hours and minutes, 24-hour clock */
  time(iso: string | number): string;
  /** the day: weekday, day, month and year in words where the language has them */
  date(iso: string | number): string;
  /** the zone's name as the language says it ("GMT+3", "غرينتش+٣") */
  zoneName(iso: string | number): string;
  dateTime(iso: string | number): string;
  hourLabel(iso: string): string;
  dayHourLabel(iso: string): string;
  /** a day without the hour, for the ticks of a range of weeks */
  dayLabel(iso: string): string;
  /** the zone's offset as the language says it, what chart times are in: the same as zoneName */
  zone(iso: string | number): string;
  /** "3 minutes ago", in the language, for an instant before `nowMs`; "now" under half a minute */
  age(iso: string, nowMs: number): string;
  /** "12 minutes", a duration in the language */
  duration(ms: number): string;
  /** "1.5 hours": a number of hours as given, to a tenth (a setting, a span already rounded) */
  hours(h: number): string;
  /** "3 days", to a tenth */
  days(d: number): string;
  /** names joined as a list: "Duhok, Ninewa"; Arabic and Kurdish with the Arabic comma */
  list(items: readonly string[]): string;
}

type Unit = 'second' | 'minute' | 'hour' | 'day';

/**
 * Many browsers carry no Intl data for Central Kurdish and would answer in English. Then Kurdish
 * borrows Iraqi Arabic's digits (Sorani writes the same ones) with a 24-hour clock and numeric
 * dates, so that no Arabic word appears, and says ages and durations with these words.
 */
const KURDISH_UNITS: Record<Unit, string> = { second: 'چرکە', minute: 'خولەک', hour: 'کاتژمێر', day: 'ڕۆژ' };
const KURDISH_AGO = 'لەمەوبەر';
const KURDISH_NOW = 'ئێستا';

/** Under this, an age is "now": a clock that says "0 seconds ago" reads like a fault. */
const NOW_MS = 30_000;

function hasIntlData(locale: string): boolean {
  return Intl.DateTimeFormat.supportedLocalesOf([locale]).length > 0 && Intl.RelativeTimeFormat.supportedLocalesOf([locale]).length > 0;
}

export function makeFormat(lang: Language, options: FormatOptions = {}): Format {
  const borrowed = lang === 'ckb' && !hasIntlData(LOCALE.ckb);
  // Arabic-Indic digits and the Gregorian calendar said explicitly, so that neither follows a
  // browser's default for the region (some give Latin digits or the Hijri calendar).
  const base = borrowed ? LOCALE.ar : LOCALE[lang];
  const locale = lang === 'en' ? `${base}-u-ca-gregory` : `${base}-u-nu-arab-ca-gregory`;
  const timeZone = options.timeZone && isTimeZone(options.timeZone) ? options.timeZone : DEFAULT_TIME_ZONE;
  // A 24-hour clock in every language: "٠٧:٤٠ ص" is not how a watch log reads.
  const clock: Intl.DateTimeFormatOptions = { hourCycle: 'h23', timeZone };
  // Kurdish numbers and percentages always in Iraqi Arabic's form: the runtimes with Kurdish data write
  // "٩٤ ٪" and those without "٩٤٪", and the server (the CAP feed) must say what the browser says
  const numberLocale = lang === 'ckb' ? `${LOCALE.ar}-u-nu-arab-ca-gregory` : locale;
  const numberFormat = new Intl.NumberFormat(numberLocale);
  const percentFormat = new Intl.NumberFormat(numberLocale, { style: 'percent', maximumFractionDigits: 0 });
  const timeFormat = new Intl.DateTimeFormat(locale, { hour: '2-digit', minute: '2-digit', ...clock });
  const dateFormat = borrowed
    ? new Intl.DateTimeFormat(locale, { year: 'numeric', month: '2-digit', day: '2-digit', timeZone })
    : new Intl.DateTimeFormat(locale, { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric', timeZone });
  const dateTimeFormat = borrowed
    ? new Intl.DateTimeFormat(locale, { year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', ...clock })
    : new Intl.DateTimeFormat(locale, { day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit', ...clock });
  const hourFormat = new Intl.DateTimeFormat(locale, { hour: '2-digit', minute: '2-digit', ...clock });
  const dayHourFormat = borrowed
    ? new Intl.DateTimeFormat(locale, { day: 'numeric', month: 'numeric', hour: '2-digit', ...clock })
    : new Intl.DateTimeFormat(locale, { day: 'numeric', month: 'short', hour: '2-digit', ...clock });
  const dayFormat = borrowed
    ? new Intl.DateTimeFormat(locale, { day: 'numeric', month: 'numeric', timeZone })
    : new Intl.DateTimeFormat(locale, { day: 'numeric', month: 'short', timeZone });
  // the offset in Latin script, to be said again in the language's digits where Intl has no words
  const offsetFormat = new Intl.DateTimeFormat('en', { timeZone, timeZoneName: 'shortOffset' });
  const zoneFormat = new Intl.DateTimeFormat(locale, { timeZone, timeZoneName: 'shortOffset' });
  const relativeFormat = new Intl.RelativeTimeFormat(locale, { numeric: 'auto' });
  // Kurdish ages in Kurdish words even where the runtime has ckb data: ICU's says "-3 h" and "now"
  const kurdishWords = lang === 'ckb';
  const relative = {
    format: (value: number, unit: Unit) =>
      kurdishWords ? `${numberFormat.format(Math.abs(value))} ${KURDISH_UNITS[unit]} ${KURDISH_AGO}` : relativeFormat.format(value, unit),
  };
  // Made once per unit: building an Intl.NumberFormat costs far more than using one, and the server
  // words every open silence alert's duration on each refresh of the picture.
  const unitFormats = new Map<Unit, { format(value: number): string }>();
  const unitFormat = (unit: Unit) => {
    let made = unitFormats.get(unit);
    if (!made) {
      made = kurdishWords
        ? { format: (value: number) => `${numberFormat.format(value)} ${KURDISH_UNITS[unit]}` }
        : new Intl.NumberFormat(locale, { style: 'unit', unit, unitDisplay: 'long' });
      unitFormats.set(unit, made);
    }
    return made;
  };
  const durationOf = (ms: number): [number, Unit] => {
    const s = Math.max(0, Math.round(ms / 1000));
    if (s < 60) return [s, 'second'];
    if (s < 3600) return [Math.round(s / 60), 'minute'];
    if (s < 86_400 * 2) return [Math.round(s / 3600), 'hour'];
    return [Math.round(s / 86_400), 'day'];
  };
  const partOf = (f: Intl.DateTimeFormat, at: Date) => f.formatToParts(at).find((p) => p.type === 'timeZoneName')?.value ?? '';
  const zoneName = (iso: string | number): string => {
    const at = new Date(iso);
    if (!borrowed) return partOf(zoneFormat, at);
    // "GMT+3" → "UTC+٣": the Arabic words for it would be Arabic, not Kurdish
    const offset = /^GMT([+-])(\d+)(?::(\d+))?$/.exec(partOf(offsetFormat, at));
    if (!offset) return 'UTC';
    const minutes = offset[3] ? `:${numberFormat.format(Number(offset[3])).padStart(2, numberFormat.format(0))}` : '';
    return `UTC${offset[1]}${numberFormat.format(Number(offset[2]))}${minutes}`;
  };
  return {
    lang,
    locale,
    timeZone,
    number: (n) => numberFormat.format(n),
    percent: (ratio) => percentFormat.format(ratio),
    fullness: (ratio) => percentFormat.format(wholePercentDown(ratio)),
    time: (iso) => timeFormat.format(new Date(iso)),
    date: (iso) => dateFormat.format(new Date(iso)),
    zoneName,
    zone: zoneName,
    dateTime: (iso) => dateTimeFormat.format(new Date(iso)),
    hourLabel: (iso) => hourFormat.format(new Date(iso)),
    dayHourLabel: (iso) => dayHourFormat.format(new Date(iso)),
    dayLabel: (iso) => dayFormat.format(new Date(iso)),
    age: (iso, nowMs) => {
      const ms = nowMs - Date.parse(iso);
      if (ms < NOW_MS) return kurdishWords ? KURDISH_NOW : relativeFormat.format(0, 'second');
      const [value, unit] = durationOf(ms);
      return relative.format(-value, unit);
    },
    duration: (ms) => {
      const [value, unit] = durationOf(ms);
      return unitFormat(unit).format(value);
    },
    hours: (h) => unitFormat('hour').format(Math.round(h * 10) / 10),
    days: (d) => unitFormat('day').format(Math.round(d * 10) / 10),
    // a plain separator rather than Intl.ListFormat, which has no Kurdish data in most browsers
    list: (items) => items.join(lang === 'en' ? ', ' : '، '),
  };
}

/** A ratio rounded down to whole percent; the epsilon keeps 0.29 (28.999… in binary) at 29 %. */
export function wholePercentDown(ratio: number): number {
  return Math.floor(ratio * 100 + 1e-9) / 100;
}

