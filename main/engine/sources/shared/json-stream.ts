/**
 * Pull values out of a large JSON document as it streams (@streamparser/json), so a multi-gigabyte
 * `tweets.js` or `result.json` never sits in memory whole.
 */
import type { Readable } from 'node:stream';
import { JSONParser } from '@streamparser/json';
import { dataError } from '../../errors';

export interface JsonValue {
  value: unknown;
  /** The key or index of the value within its parent. */
  key: string | number | undefined;
  /** Keys from the root down to the parent: `['chats', 'list', 3, 'messages']`. */
  path: (string | number)[];
}

export interface StreamJsonOptions {
  /** JSONPath-like selectors, as @streamparser/json takes them: `$.*`, `$.chats.list.*.messages.*`. */
  paths: string[];
  /** Twitter archive files start with `window.YTD.tweets.part0 = `: skip up to and including the `=`. */
  assignmentPrefix?: boolean;
  /** For error messages. */
  describe: string;
}

/**
 * Yields each selected value in document order. A syntax error or a truncated document throws a
 * FerryError('data') that names the file and byte offset, after every complete value before it was yielded.
 */
export async function* streamJson(input: Readable, opts: StreamJsonOptions): AsyncGenerator<JsonValue> {
  const parser = new JSONParser({ paths: opts.paths, keepStack: false, stringBufferSize: undefined });
  const ready: JsonValue[] = [];
  parser.onValue = ({ value, key, stack }) => {
    ready.push({ value, key, path: stack.slice(1).map((s) => s.key as string | number) });
  };
  let offset = 0;
  let prefixPending = opts.assignmentPrefix === true;
  let first = true;
  /** Bytes before the JSON itself (a BOM, the `window.YTD… =` prefix). */
  let skipped = 0;
  try {
    for await (const raw of input) {
      let chunk = raw as Buffer;
      if (first) {
        first = false;
        // A UTF-8 byte order mark (Facebook and Windows tools write one) is not JSON.
        if (chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) { chunk = chunk.subarray(3); offset = 3; skipped = 3; }
      }
      if (prefixPending) {
        const eq = chunk.indexOf(0x3d); // '='
        if (eq < 0) { offset += chunk.length; skipped = offset; continue; }
        offset += eq + 1;
        skipped = offset;
        chunk = chunk.subarray(eq + 1);
        prefixPending = false;
      }
      try {
        parser.write(chunk);
      } catch (err) {
        // Values completed earlier in this same chunk were parsed before the error: hand them out first.
        while (ready.length) yield ready.shift()!;
        // The parser counts bytes from what it was given; add what was skipped before it (BOM, `window.YTD… =`).
        const abs = /absolute position "?(\d+)/.exec((err as Error).message)?.[1];
        const at = abs !== undefined ? skipped + Number(abs) : offset;
        throw dataError(`${opts.describe}: not valid JSON at byte ${at} (${(err as Error).message})`, err);
      }
      offset += chunk.length;
      while (ready.length) yield ready.shift()!;
    }
    if (prefixPending) throw dataError(`${opts.describe}: expected \`window.YTD.<name> = [...]\`, found no \`=\``);
    if (!parser.isEnded) {
      try {
        parser.end();
      } catch (err) {
        throw dataError(`${opts.describe}: truncated JSON, it ends at byte ${offset} in the middle of a value`, err);
      }
    }
    while (ready.length) yield ready.shift()!;
  } finally {
    input.destroy();
  }
}
