/**
 * Selected values of one JSON file of an export tree, streamed, with the bytes counted for progress.
 * A read error mid-way (a damaged ZIP entry, a vanished file) becomes a data error naming the file and
 * offset, like a truncation. Shared by discord-export, facebook-messenger and teams-export.
 */
import { Transform } from 'node:stream';
import { dataError } from '../../errors';
import type { ExportTree } from './export-tree';
import { type JsonValue, streamJson } from './json-stream';

export async function* jsonValues(tree: ExportTree, entry: string, paths: string[], onBytes: (n: number) => void = () => {}): AsyncGenerator<JsonValue> {
  const describe = tree.describe(entry);
  const input = await tree.open(entry);
  let offset = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _enc, cb) { offset += chunk.length; onBytes(chunk.length); cb(null, chunk); },
  });
  input.on('error', (err) => counter.destroy(dataError(`${describe}: cannot be read past byte ${offset} (${err.message})`, err)));
  counter.on('close', () => input.destroy());
  yield* streamJson(input.pipe(counter), { paths, describe });
}

/** The byte offset named in a JSON error message, for a bad record's position. */
export function errorOffset(message: string): string | undefined {
  return /absolute position "?(\d+)/.exec(message)?.[1] ?? /byte (\d+)/.exec(message)?.[1];
}
