// CSV as every export writes it: RFC 4180 with CRLF, quoted wherever a reader could split or trim a
// field (shared/hxl.ts says when), streamed in chunks with backpressure.
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { stringify } from 'csv-stringify/sync';
import type { Response } from 'express';
import type { Logger } from 'pino';
import { CSV_QUOTED_MATCH } from '../../shared/hxl.ts';

/** Rows per chunk written to the socket: a few hundred kB at most. */
const CSV_CHUNK_ROWS = 500;

/**
 * Rows as CSV text. csv-stringify stops quoting line breaks by itself once record_delimiter is set:
 * quote them, and every other field a reader could split or trim, explicitly.
 */
export function csvText(rows: readonly (readonly string[])[]): string {
  return stringify(rows as string[][], { record_delimiter: 'windows', quote_record_delimiter: true, quoted_match: CSV_QUOTED_MATCH });
}

/**
 * Streams `head` then `rows` to `res`: each chunk of CSV_CHUNK_ROWS rows is made only when the socket
 * has room for it (pipeline honours backpressure), so a long export never sits in memory. Headers
 * must be set already. An error before the first byte reaches the error handler; after it, the
 * response is cut, so that a reader never takes a truncated file for a whole one.
 */
export async function streamCsv(res: Response, head: readonly (readonly string[])[], rows: AsyncIterable<readonly string[]>, logger: Logger): Promise<void> {
  async function* chunks() {
    yield csvText(head);
    let chunk: (readonly string[])[] = [];
    for await (const row of rows) {
      chunk.push(row);
      if (chunk.length === CSV_CHUNK_ROWS) {
        yield csvText(chunk);
        chunk = [];
      }
    }
    if (chunk.length) yield csvText(chunk);
  }
  try {
    await pipeline(Readable.from(chunks(), { objectMode: false }), res);
  } catch (err) {
    if (!res.headersSent && !res.destroyed) throw err;
    if ((err as { code?: string }).code !== 'ERR_STREAM_PREMATURE_CLOSE') logger.error({ err }, 'CSV export failed midway');
    res.destroy();
  }
}
