// Numbers, times and durations in each language, through Intl: digits and order follow the locale.
// One module for the screens and the feeds, so a figure reads the same wherever it is shown.
import { LOCALE, type Language } from './language.ts';

export interface Format {
  lang: Language;
  locale: string;
  number(n: number): string;
  percent(ratio: number): string;
  /**
   * How full a shelter is, in whole percent rounded down: one at 99.8 % is not full and must not
   * read 100 %, nor one at 89.9 % read as at a 90 % line it has not reached.
   */
  fullness(ratio: number): string;
  time(iso: string | number): string;
  dateTime(iso: string | number): string;
  hourLabel(iso: string): string;
  dayHourLabel(iso: string): string;
  /** a day without the hour, for the ticks of a range of weeks */
  dayLabel(iso: string): string;
  /** the offset of the reader's clock at an instant, in the language ("GMT+3"): what chart times are in */
  zone(iso: string | number): string;
  /** "3 minutes ago", in the language, for an instant before `nowMs` */
  age(iso: string, nowMs: number): string;
  /** "12 minutes", a duration in the language */
  duration(ms: number): string;
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

function hasIntlData(locale: string): boolean {
  return Intl.DateTimeFormat.supportedLocalesOf([locale]).length > 0 && Intl.RelativeTimeFormat.supportedLocalesOf([locale]).length > 0;
}

/**
 * Where the times are read: a screen shows the device's own zone; a server writing for people (an SMS
 * reply) names Iraq's, and a 24-hour clock keeps an Arabic time short.
 */
export interface FormatOptions {
  timeZone?: string;
  hourCycle?: 'h23';
}

export function makeFormat(lang: Language, options: FormatOptions = {}): Format {
  const borrowed = lang === 'ckb' && !hasIntlData(LOCALE.ckb);
  const locale = borrowed ? LOCALE.ar : LOCALE[lang];
  const zone: Intl.DateTimeFormatOptions = options.timeZone ? { timeZone: options.timeZone } : {};
  const clock: Intl.DateTimeFormatOptions = {
    ...(borrowed ? { hourCycle: 'h23' } : {}),
    ...(options.hourCycle ? { hourCycle: options.hourCycle } : {}),
    ...zone,
  };
  const numberFormat = new Intl.NumberFormat(locale);
  const percentFormat = new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 0 });
  const timeFormat = new Intl.DateTimeFormat(locale, { hour: '2-digit', minute: '2-digit', ...clock });
  const dateTimeFormat = borrowed
    ? new Intl.DateTimeFormat(locale, { year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', ...clock })
    : new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short', ...zone });
  const hourFormat = new Intl.DateTimeFormat(locale, { hour: '2-digit', minute: '2-digit', ...clock });
  const dayHourFormat = borrowed
    ? new Intl.DateTimeFormat(locale, { day: 'numeric', month: 'numeric', hour: '2-digit', ...clock })
    : new Intl.DateTimeFormat(locale, { day: 'numeric', month: 'short', hour: '2-digit', ...zone });
  const dayFormat = borrowed
    ? new Intl.DateTimeFormat(locale, { day: 'numeric', month: 'numeric', ...zone })
    : new Intl.DateTimeFormat(locale, { day: 'numeric', month: 'short', ...zone });
  const zoneFormat = new Intl.DateTimeFormat(locale, { timeZoneName: 'shortOffset', ...zone });
  const relativeFormat = new Intl.RelativeTimeFormat(locale, { numeric: 'auto' });
  const relative = {
    format: (value: number, unit: Unit) =>
      borrowed ? `${numberFormat.format(Math.abs(value))} ${KURDISH_UNITS[unit]} ${KURDISH_AGO}` : relativeFormat.format(value, unit),
  };
  const unitFormat = (unit: Unit) =>
    borrowed
      ? { format: (value: number) => `${numberFormat.format(value)} ${KURDISH_UNITS[unit]}` }
      : new Intl.NumberFormat(locale, { style: 'unit', unit, unitDisplay: 'long' });
  const durationOf = (ms: number): [number, Unit] => {
    const s = Math.max(0, Math.round(ms / 1000));
    if (s < 60) return [s, 'second'];
    if (s < 3600) return [Math.round(s / 60), 'minute'];
    if (s < 86_400 * 2) return [Math.round(s / 3600), 'hour'];
    return [Math.round(s / 86_400), 'day'];
  };
  return {
    lang,
    locale,
    number: (n) => numberFormat.format(n),
    percent: (ratio) => percentFormat.format(ratio),
    fullness: (ratio) => percentFormat.format(wholePercentDown(ratio)),
    time: (iso) => timeFormat.format(new Date(iso)),
    dateTime: (iso) => dateTimeFormat.format(new Date(iso)),
    hourLabel: (iso) => hourFormat.format(new Date(iso)),
    dayHourLabel: (iso) => dayHourFormat.format(new Date(iso)),
    dayLabel: (iso) => dayFormat.format(new Date(iso)),
    zone: (iso) => zoneFormat.formatToParts(new Date(iso)).find((part) => part.type === 'timeZoneName')?.value ?? '',
    age: (iso, nowMs) => {
      const [value, unit] = durationOf(nowMs - Date.parse(iso));
      return relative.format(-value, unit);
    },
    duration: (ms) => {
      const [value, unit] = durationOf(ms);
      return unitFormat(unit).format(value);
    },
    // a plain separator rather than Intl.ListFormat, which has no Kurdish data in most browsers
    list: (items) => items.join(lang === 'en' ? ', ' : '، '),
  };
}

/** A ratio rounded down to whole percent; the epsilon keeps 0.29 (28.999… in binary) at 29 %. */
export function wholePercentDown(ratio: number): number {
  return Math.floor(ratio * 100 + 1e-9) / 100;
}

