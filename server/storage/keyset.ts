// Keyset pagination, written once for every paged query of both adapters.
//
// A page is "the next `limit` rows after the last row of the previous page" in the order of the
// sort key. The sort key names the table's columns themselves (qualified, so that an output column
// of the same name, or a cast of it to text, can never be what the database sorts by) and the
// comparison is on the same typed columns: the order a page is cut in is the order it is read in.

/** A lexicographic sort key: columns of one table, most significant first, all ascending or all descending. */
export interface SortKey {
  table: string;
  columns: readonly string[];
  /** newest first: "after" a row then means before it in the columns' own order */
  descending?: boolean;
}

/** How an adapter writes a bound parameter: `$3` in PostgreSQL, `@k3` in SQLite. */
export type Placeholder = (index: number) => string;

/** `ORDER BY reports.observed_ms, reports.seq`. */
export function orderBy(key: SortKey): string {
  return `ORDER BY ${key.columns.map((c) => `${key.table}.${c}${key.descending ? ' DESC' : ''}`).join(', ')}`;
}

/**
 * The condition "after this row" for a sort key, with the parameters it binds. The leading `>=` on
 * the first column lets the database seek in an index on the key rather than scan from the start.
 * `first` is the index the first parameter gets, after those the query binds already.
 */
export function afterCondition(key: SortKey, after: readonly unknown[], placeholder: Placeholder, first: number): { sql: string; params: unknown[] } {
  if (after.length !== key.columns.length) throw new Error(`a position on ${key.columns.join(', ')} needs ${key.columns.length} values`);
  const names = key.columns.map((c) => `${key.table}.${c}`);
  const p = after.map((_, i) => placeholder(first + i));
  const [beyond, reach] = key.descending ? ['<', '<='] : ['>', '>='];
  // (a, b, c) > (x, y, z)  ⇔  a > x OR (a = x AND (b > y OR (b = y AND c > z))); < for a descending key
  let tail = `${names[names.length - 1]} ${beyond} ${p[p.length - 1]}`;
  for (let i = names.length - 2; i >= 0; i--) tail = `${names[i]} ${beyond} ${p[i]} OR (${names[i]} = ${p[i]} AND (${tail}))`;
  return { sql: `${names[0]} ${reach} ${p[0]} AND (${tail})`, params: [...after] };
}

/**
 * Every row of a paged query, page by page: `fetchPage` reads at most `pageSize` rows after the
 * given position (null for the first page), `positionOf` gives a row's sort-key values. A page is
 * fetched only when the previous one has been consumed, so a long export never sits in memory and
 * never holds a connection between pages.
 */
export async function* keysetPages<Row>(
  pageSize: number,
  fetchPage: (after: readonly unknown[] | null, limit: number) => Promise<readonly Row[]> | readonly Row[],
  positionOf: (row: Row) => readonly unknown[],
): AsyncGenerator<Row> {
  let after: readonly unknown[] | null = null;
  for (;;) {
    const rows = await fetchPage(after, pageSize);
    yield* rows;
    if (rows.length < pageSize) return;
    after = positionOf(rows[rows.length - 1]!);
  }
}
