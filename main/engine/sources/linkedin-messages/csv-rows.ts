/**
 * Rows of a large CSV as they stream (papaparse's Node duplex), each with the line it starts on:
 * LinkedIn's CONTENT cells span lines, so row numbers are not line numbers, and an admin looks a
 * bad row up by line. Lines are counted from the line breaks inside each row's cells.
 */
import type { Readable } from 'node:stream';
import Papa from 'papaparse';

export interface CsvRow {
  /** 1-based line the row starts on. */
  line: number;
  cells: string[];
}

const newlines = (s: string) => {
  let n = 0;
  for (let i = s.indexOf('\n'); i >= 0; i = s.indexOf('\n', i + 1)) n++;
  return n;
};

/** Yields every row, the header included, in file order. A leading UTF-8 BOM is dropped. */
export async function* csvRows(input: Readable): AsyncGenerator<CsvRow> {
  // Decode before papaparse: it turns each Buffer chunk into a string by itself, which splits
  // a multi-byte character that straddles two chunks.
  input.setEncoding('utf8');
  const parser = Papa.parse(Papa.NODE_STREAM_INPUT, { header: false, skipEmptyLines: false });
  input.once('error', (err) => parser.destroy(err));
  const rows = input.pipe(parser);
  let line = 1;
  let first = true;
  try {
    for await (const raw of rows) {
      const cells = (raw as string[]).slice();
      if (first && cells.length) cells[0] = cells[0]!.replace(/^\uFEFF/, '');
      first = false;
      yield { line, cells };
      line += 1 + cells.reduce((n, c) => n + newlines(c), 0);
    }
  } finally {
    input.destroy();
    rows.destroy();
  }
}
