/**
 * A JSON array file of the export (a `YYYY-MM-DD.json` day file of messages, or `users.json`,
 * `channels.json`…), streamed one element at a time. A file that is not an array, or is cut off or
 * malformed mid-way, yields one bad entry naming the byte offset (after every complete element
 * before it), and the caller goes on with the next file.
 */
import { Readable } from 'node:stream';
import type { ExportTree } from '../shared/export-tree';
import { streamJson } from '../shared/json-stream';
import { errorMessage } from '../../errors';

export type ArrayEntry =
  | { kind: 'element'; value: unknown; index: number }
  | { kind: 'bad'; reason: string; position: string };

/** Passes the bytes through, noting the first character that is not a BOM or white space. */
function sniffing(input: Readable, seen: { first?: string }): Readable {
  return Readable.from((async function* () {
    try {
      for await (const c of input) {
        const chunk = c as Buffer;
        if (seen.first === undefined) {
          const s = chunk.toString('utf8').replace(/^\uFEFF/, '').trimStart();
          if (s) seen.first = s[0];
        }
        yield chunk;
      }
    } finally {
      input.destroy();
    }
  })(), { objectMode: false });
}

/**
 * Bad entries' reasons do not repeat the file name: the caller puts it in the record's origin.
 * `what` names the elements in messages (`messages`, `users`); `select` is `$.*` for whole elements,
 * or a narrower path such as `$.*.user` (just the senders, for the participants pass).
 */
export async function* readArrayFile(tree: ExportTree, entryPath: string, what = 'messages', select = '$.*'): AsyncGenerator<ArrayEntry> {
  const describe = tree.describe(entryPath);
  const seen: { first?: string } = {};
  const notArray = (): ArrayEntry => ({ kind: 'bad', position: 'byte 0',
    reason: seen.first === undefined ? `empty file, expected a JSON array of ${what}`
      : `not a JSON array of ${what} (it begins with "${seen.first}")` });
  let count = 0;
  try {
    const input = sniffing(await tree.open(entryPath), seen);
    for await (const v of streamJson(input, { paths: [select], describe })) {
      if (seen.first !== '[') { yield notArray(); return; }
      const index = typeof v.path[0] === 'number' ? v.path[0] : typeof v.key === 'number' ? v.key : count;
      count++;
      yield { kind: 'element', value: v.value, index };
    }
  } catch (err) {
    if (seen.first !== undefined && seen.first !== '[') { yield notArray(); return; }
    // The origin names the file already.
    const message = errorMessage(err);
    const reason = message.startsWith(`${describe}: `) ? message.slice(describe.length + 2) : message;
    const offset = /\bbyte (\d+)/.exec(reason)?.[1];
    yield { kind: 'bad', position: `${offset ? `byte ${offset}, ` : ''}after ${count} ${what}`, reason };
    return;
  }
  if (seen.first !== '[') yield notArray();
}
