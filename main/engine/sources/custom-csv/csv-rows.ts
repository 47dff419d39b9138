/**
 * Rows of a delimited-text file as they stream: papaparse over a Node stream, one piece of text at a
 * time, paused while the consumer works through the piece's rows, so memory holds a piece, not the file.
 * Each row carries the line it starts on: papaparse gives none, but rows are separated by exactly one
 * line break, so a row starts one line after the previous row's start plus the line breaks inside its
 * (quoted) fields.
 */
import { Readable } from 'node:stream';
import Papa from 'papaparse';

export interface CsvRow {
  fields: string[];
  /** 1-based line the row starts on. */
  line: number;
  /** What papaparse found wrong with the row (an unclosed or stray quote). */
  error?: string;
}

export interface CsvRowsOptions {
  /** '' or undefined: detected from the start of the file. */
  delimiter?: string;
  /** A quoted field still open after this many characters stops the file (it would hold the rest of the file). */
  maxRowChars?: number;
}

export interface CsvStream {
  rows: AsyncGenerator<CsvRow>;
  /** The delimiter in use, once the first row is read. */
  delimiter(): string | undefined;
  /** True when the file was cut short because a row grew over maxRowChars. */
  overflowed(): boolean;
}

const lineBreaks = (s: string) => (s.match(/\r\n|\r|\n/g)?.length ?? 0);

interface Step {
  data: string[];
  errors: { code: string; message: string }[];
}

export function csvRows(text: AsyncIterable<string>, o: CsvRowsOptions = {}): CsvStream {
  const maxRowChars = o.maxRowChars ?? 16 * 1024 * 1024;
  /** Lengths of the pieces handed to papaparse and not yet parsed: it parses one piece per chunk callback. */
  const inFlight: number[] = [];
  let parsed = 0;
  let overflow = false;
  let detected: string | undefined;

  // A read error ends the text normally, so that papaparse hands out every row before it; it is thrown after them.
  let textError: unknown;
  async function* feed(): AsyncGenerator<string> {
    try {
      for await (const piece of text) {
        // One row has swallowed too much: papaparse would hold (and re-read) the rest of the file.
        if (overflow) return;
        inFlight.push(piece.length);
        yield piece;
      }
    } catch (err) {
      textError = err;
    }
  }

  async function* rows(): AsyncGenerator<CsvRow> {
    const queue: Step[] = [];
    let done = false;
    let failure: unknown;
    let wake: (() => void) | undefined;
    let handle: Papa.Parser | undefined;
    let paused = false;
    const notify = () => { const w = wake; wake = undefined; w?.(); };
    const input = Readable.from(feed());

    Papa.parse<string[], NodeJS.ReadableStream>(input, {
      delimiter: o.delimiter ?? '',
      header: false,
      skipEmptyLines: false,
      dynamicTyping: false,
      chunk(results, parser) {
        handle = parser;
        detected ??= results.meta.delimiter;
        parsed += inFlight.shift() ?? 0;
        const errors = results.errors as (Step['errors'][number] & { row?: number })[];
        results.data.forEach((data, i) => queue.push({ data, errors: errors.filter((e) => e.row === i) }));
        // What papaparse holds beyond the last whole row is the row still open.
        if (parsed - results.meta.cursor > maxRowChars) overflow = true;
        if (queue.length && !paused) { paused = true; parser.pause(); }
        notify();
      },
      complete() { done = true; notify(); },
      error(err: Error) { failure = err; done = true; notify(); },
    });

    let line = 1;
    try {
      for (;;) {
        const next = queue.shift();
        if (next) {
          const row: CsvRow = { fields: next.data, line };
          const err = next.errors[0];
          if (err) row.error = err.code === 'MissingQuotes' ? 'a quoted field is not closed' : err.message;
          line += 1 + next.data.reduce((n, f) => n + lineBreaks(f), 0);
          yield row;
          continue;
        }
        if (failure) throw failure;
        if (done) { if (textError) throw textError; return; }
        if (paused && handle) { paused = false; handle.resume(); continue; }
        await new Promise<void>((resolve) => { wake = resolve; });
      }
    } finally {
      if (!done) handle?.abort();
      input.destroy();
    }
  }

  return { rows: rows(), delimiter: () => detected, overflowed: () => overflow };
}
