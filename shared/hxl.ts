// Reports as HXL-tagged CSV rows (Humanitarian Exchange Language, hxlstandard.org): pure row builders.
import type { Governorate, Site, StoredReport } from './schemas.ts';

interface Column {
  header: string;
  hashtag: string;
  value(r: StoredReport, site: Site | undefined, governorate: Governorate | undefined): string | number | undefined;
  /** free text a person typed or a name: guarded against spreadsheet formula injection */
  text?: boolean;
}

const field = <K extends string>(r: StoredReport, key: K): number | string | undefined =>
  (r as unknown as Record<string, number | string | undefined>)[key];

/**
 * The export's columns, in order. Hashtags follow the HXL 1.1 core schema; `+i_en` / `+i_ar` mark
 * the language of a name, as HXL's attribute convention for languages does.
 */
export const HXL_COLUMNS: readonly Column[] = [
  { header: 'Observed at', hashtag: '#date+occurred', value: (r) => r.observedAt },
  { header: 'Received at', hashtag: '#date+reported', value: (r) => r.receivedAt },
  { header: 'Report id', hashtag: '#meta+id', value: (r) => r.id },
  { header: 'Report kind', hashtag: '#meta+type', value: (r) => r.kind },
  { header: 'Site id', hashtag: '#loc+code', value: (r) => r.siteId },
  { header: 'Site name', hashtag: '#loc+name+i_en', value: (_r, s) => s?.nameEn, text: true },
  { header: 'Site name (Arabic)', hashtag: '#loc+name+i_ar', value: (_r, s) => s?.nameAr, text: true },
  { header: 'Site type', hashtag: '#loc+type', value: (_r, s) => s?.kind },
  { header: 'Governorate p-code', hashtag: '#adm1+code', value: (_r, s, g) => g?.pcode ?? s?.governorate },
  { header: 'Governorate', hashtag: '#adm1+name+i_en', value: (_r, _s, g) => g?.nameEn, text: true },
  { header: 'Governorate (Arabic)', hashtag: '#adm1+name+i_ar', value: (_r, _s, g) => g?.nameAr, text: true },
  { header: 'Latitude', hashtag: '#geo+lat', value: (_r, s) => s?.lat ?? undefined },
  { header: 'Longitude', hashtag: '#geo+lon', value: (_r, s) => s?.lon ?? undefined },
  { header: 'Period (minutes)', hashtag: '#meta+period_minutes', value: (r) => field(r, 'periodMinutes') },
  { header: 'Arrivals', hashtag: '#affected+arrivals+ind', value: (r) => field(r, 'arrivals') },
  { header: 'Arriving households', hashtag: '#affected+arrivals+hh', value: (r) => field(r, 'households') },
  { header: 'Departures', hashtag: '#affected+departures+ind', value: (r) => field(r, 'departures') },
  { header: 'Persons sheltered', hashtag: '#population+ind', value: (r) => field(r, 'occupancy') },
  { header: 'Shelter capacity', hashtag: '#capacity+num', value: (r, s) => (r.kind === 'occupancy' ? s?.capacity : undefined) },
  { header: 'Health post status', hashtag: '#status+code', value: (r) => field(r, 'status') },
  { header: 'Note', hashtag: '#description', value: (r) => field(r, 'note'), text: true },
  { header: 'Exercise data', hashtag: '#meta+exercise', value: (r) => (r.exercise ? 'true' : 'false') },
  // Onward movement: filled only on a report's destination rows (hxlRows), empty on the report's own row
  { header: 'Origin governorate p-code', hashtag: '#adm1+code+origin', value: () => undefined },
  { header: 'Destination governorate p-code', hashtag: '#adm1+code+dest', value: () => undefined },
  { header: 'Persons heading there', hashtag: '#affected+ind+dest', value: () => undefined },
];

/** `#meta+type` of a destination row: not a report kind, so a filter on `arrivals` never counts it twice. */
export const DESTINATION_ROW_TYPE = 'arrivals_destination';

export const HXL_HEADER_ROW: readonly string[] = HXL_COLUMNS.map((c) => c.header);
export const HXL_HASHTAG_ROW: readonly string[] = HXL_COLUMNS.map((c) => c.hashtag);

/**
 * A spreadsheet runs a cell as a formula when it starts with = + - @, also after leading spaces,
 * tabs or line breaks, and also with their full-width forms (＝ ＋ － ＠), which some spreadsheets
 * fold to the ASCII ones. A leading apostrophe makes it text; only free-text columns get it,
 * numbers and codes never do.
 */
const FORMULA_START = /^[\s\u3000]*[=+\-@\uFF1D\uFF0B\uFF0D\uFF20]|^[\t\r\n]/;

export function neutraliseFormula(text: string): string {
  return FORMULA_START.test(text) ? `'${text}` : text;
}

/**
 * When a CSV field must be quoted: it holds a delimiter, a quote or a line break (bare CR or LF
 * included), or begins with white space a reader could trim. Quoting these always, whatever a
 * library's defaults do for record delimiters, keeps one report on one row for every reader.
 */
export const CSV_QUOTED_MATCH = /[\r\n,"]|^\s/;

/** One report as a row of cells, in HXL_COLUMNS order; a missing value is an empty cell. */
export function hxlRow(report: StoredReport, site: Site | undefined, governorate: Governorate | undefined): string[] {
  return HXL_COLUMNS.map((column) => {
    const value = column.value(report, site, governorate);
    if (value === undefined) return '';
    const text = String(value);
    return column.text ? neutraliseFormula(text) : text;
  });
}

/**
 * A report's rows: its own, then for an arrivals report with destinations one row per destination,
 * in the order reported. A destination row repeats the report's identity, time and place, says
 * `arrivals_destination` in `#meta+type`, leaves the counts of the report empty (so that summing
 * `#affected+arrivals+ind` counts each person once) and gives the checkpoint's governorate as
 * `#adm1+code+origin`, the destination's p-code (or `unknown`) as `#adm1+code+dest` and its persons.
 */
export function hxlRows(report: StoredReport, site: Site | undefined, governorate: Governorate | undefined): string[][] {
  const row = hxlRow(report, site, governorate);
  if (report.kind !== 'arrivals' || !report.destinations?.length) return [row];
  const rows = [row];
  const keep = new Set(['#date+occurred', '#date+reported', '#meta+id', '#loc+code', '#loc+name+i_en', '#loc+name+i_ar', '#loc+type', '#adm1+code', '#adm1+name+i_en', '#adm1+name+i_ar', '#geo+lat', '#geo+lon', '#meta+exercise']);
  for (const d of report.destinations) {
    rows.push(
      HXL_COLUMNS.map((column, i) => {
        if (keep.has(column.hashtag)) return row[i]!;
        switch (column.hashtag) {
          case '#meta+type':
            return DESTINATION_ROW_TYPE;
          case '#adm1+code+origin':
            return governorate?.pcode ?? site?.governorate ?? '';
          case '#adm1+code+dest':
            return d.to;
          case '#affected+ind+dest':
            return String(d.persons);
          default:
            return '';
        }
      }),
    );
  }
  return rows;
}
