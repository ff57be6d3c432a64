// The sources' attribution and the notes on where the data comes from, in the English the sources give.
// The screens say them in the reader's language (screens:attribution, screens:sources, which keep the
// datasets' and licences' own names); the About panel also shows these words verbatim, since the
// licences name them.

/** The attribution the sources ask for, verbatim (fixtures/README.md). */
export const ATTRIBUTION =
  'Administrative boundaries: Iraq – Subnational Administrative Boundaries (COD-AB), Central Statistical Organization of Iraq / OCHA, via the Humanitarian Data Exchange, CC BY-IGO 3.0; simplified. Context: Natural Earth. The boundaries and names shown and the designations used on this map do not imply official endorsement or acceptance by the United Nations or IOM.';

/** Where the sites, the font and the map library come from, and under which licences. */
export const SOURCES =
  'Sites: compiled from public pages (Wikipedia, UNHCR camp profiles, GeoNames, news); each site lists its sources. Arabic and Kurdish place names are transliterations that need review. Font: Noto Sans Arabic (SIL Open Font License). Map: MapLibre GL JS (BSD-3-Clause).';
