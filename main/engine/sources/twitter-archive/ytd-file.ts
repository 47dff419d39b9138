/**
 * Streams values out of one `window.YTD.<name>.partN = [ … ]` file, counting bytes for progress.
 * A file that breaks off (truncated, malformed) ends with a `broken` result naming where, after every
 * complete value before it, so the caller records it and moves on to the next file.
 */
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream';
import type { ExportTree } from '../shared/export-tree';
import { streamJson, type JsonValue } from '../shared/json-stream';
import { errorMessage } from '../../errors';

export type YtdEvent = { value: JsonValue } | { broken: string };

export async function* readYtdFile(tree: ExportTree, entryPath: string, paths: string[],
  onBytes: (n: number) => void): AsyncGenerator<YtdEvent> {
  let input;
  try {
    input = await tree.open(entryPath);
  } catch (err) {
    yield { broken: errorMessage(err) };
    return;
  }
  const counter = new Transform({
    transform(chunk: Buffer, _enc, done) { onBytes(chunk.length); done(null, chunk); },
  });
  // pipeline forwards a read error of the entry (a damaged ZIP member) to the counter, so it ends the parse.
  const counted = pipeline(input, counter, () => {});
  try {
    for await (const value of streamJson(counted, { paths, assignmentPrefix: true, describe: tree.describe(entryPath) })) {
      yield { value };
    }
  } catch (err) {
    yield { broken: errorMessage(err) };
  }
}
