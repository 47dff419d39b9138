/**
 * Selected values of one JSON file of an export tree, streamed, with the bytes counted for progress.
 * A read error mid-way (a damaged ZIP entry, a vanished file) becomes a data error naming the file and
 * offset, like a truncation. Shared by discord-export, facebook-messenger and teams-export.
 */
import { Transform } from 'node:stream';
import { FerryError, dataError, errorMessage } from '../../errors';
import type { BadRecord } from '../../item';
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

/**
 * The bad record of a JSON file that broke off mid-way (truncated, malformed, unreadable): where it
 * broke, and that every message before it was read. Anything but a data error is thrown again.
 */
export function brokenOffRecord(err: unknown, file: string, last: string | undefined): BadRecord {
  if (!(err instanceof FerryError) || err.errorClass !== 'data') throw err;
  const at = errorOffset(err.message);
  return {
    bad: true, origin: { file, ...(at ? { position: `byte ${at}` } : {}) },
    reason: `${errorMessage(err)}; ${last ? `every message up to ${last} was read` : 'no message could be read'}, anything after it could not be`,
  };
}
