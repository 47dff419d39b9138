/**
 * The lines of a JSONL file, streamed: one line in memory at a time, each with its 1-based number
 * and the byte offset where it ends (for progress). CRLF and a leading UTF-8 BOM are tolerated.
 * A line longer than `maxLineBytes` (a binary file chosen by mistake) is reported, not buffered.
 */
import type { Readable } from 'node:stream';

export type JsonlLine =
  | { line: number; end: number; text: string }
  | { line: number; end: number; tooLong: true };

export const MAX_LINE_BYTES = 64 * 1024 * 1024;

export async function* jsonlLines(input: Readable, maxLineBytes = MAX_LINE_BYTES): AsyncGenerator<JsonlLine> {
  let parts: Buffer[] = [];
  let pending = 0;
  let skipping = false;
  let line = 1;
  let offset = 0;
  const finish = (buf: Buffer): string => {
    let text = buf.toString('utf8');
    if (line === 1 && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    return text.endsWith('\r') ? text.slice(0, -1) : text;
  };
  try {
    for await (const c of input) {
      const chunk = c as Buffer;
      let start = 0;
      for (let nl = chunk.indexOf(0x0a, start); nl >= 0; nl = chunk.indexOf(0x0a, start)) {
        const end = offset + nl + 1;
        if (skipping || pending + (nl - start) > maxLineBytes) yield { line, end, tooLong: true };
        else {
          parts.push(chunk.subarray(start, nl));
          yield { line, end, text: finish(parts.length === 1 ? parts[0]! : Buffer.concat(parts)) };
        }
        parts = []; pending = 0; skipping = false; line++;
        start = nl + 1;
      }
      if (start < chunk.length && !skipping) {
        parts.push(chunk.subarray(start));
        pending += chunk.length - start;
        if (pending > maxLineBytes) { parts = []; pending = 0; skipping = true; }
      }
      offset += chunk.length;
    }
    if (skipping) yield { line, end: offset, tooLong: true };
    else if (parts.length) yield { line, end: offset, text: finish(Buffer.concat(parts)) };
  } finally {
    input.destroy();
  }
}
