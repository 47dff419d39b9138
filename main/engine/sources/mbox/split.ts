/**
 * An mbox file → its messages, as the file streams, holding one message at a time.
 *
 * Variants (they cannot be told apart from the bytes, so `quoting` says how body lines were escaped):
 * - mboxrd (default): writers turn every body line matching `>*From ` into `>` + line; reading takes one
 *   `>` off every line matching `>+From `. This is also right for every `>From ` line of mboxo files.
 * - mboxo: only `From ` was escaped (to `>From `); reading takes one `>` off `>From ` lines only. Differs
 *   from mboxrd only on lines starting `>>From `.
 * - none: nothing was escaped (mboxcl2, or files written by tools that do not escape): lines kept as they are.
 * Content-Length (mboxcl/mboxcl2) is not trusted for splitting: it is too often wrong after edits.
 *
 * A separator is a line `From <token>[ <date>]` (the envelope: `From - `, `From MAILER-DAEMON Fri Jul  8
 * 12:08:34 2011`, Gmail Takeout's `From 1844347792267117879@xxx`) whose next line is a header field. Both
 * checks keep an unescaped body line such as `From Russia with love` inside its message; a line that has
 * the envelope's shape but no header after it is kept too, and reported (`kept-in-body`). The blank
 * line before a separator (and at the end of the file) belongs to the mbox format, not to the message.
 */
import { splitLines } from './lines';
import { UTF8_BOM } from '../mail/tree-files';

export type FromQuoting = 'mboxrd' | 'mboxo' | 'none';

export interface SplitOptions {
  quoting: FromQuoting;
  /** A message larger than this is not kept in memory: it comes out as `oversize`. */
  maxMessageBytes: number;
  /** Called with the number of bytes read so far, for progress. */
  onBytes?(bytesRead: number): void;
}

export type MboxPart =
  | { kind: 'message'; line: number; envelope: string; bytes: Buffer }
  | { kind: 'oversize'; line: number; envelope: string; size: number }
  /** The file does not begin with a `From ` separator: it is not an mbox. Nothing else is read. */
  | { kind: 'not-mbox'; line: number; text: string }
  /** A line shaped like a separator but not followed by a header: kept in the message at `messageLine`. */
  | { kind: 'kept-in-body'; line: number; messageLine: number; text: string };

const HEADER_FIELD = /^[\x21-\x39\x3b-\x7e]+[ \t]*:/;

function lineText(b: Buffer): string {
  return b.subarray(0, 1000).toString('latin1').replace(/\r?\n$/, '');
}

/** `From <token>` with nothing after it, or with something that looks like a date (a time or a year). */
export function isEnvelope(text: string): boolean {
  const m = /^From (?![ \t]*:)[ \t]*(\S+)(?:[ \t]+(.*))?$/.exec(text);
  if (!m) return false;
  const rest = (m[2] ?? '').trim();
  return rest === '' || /\b\d{1,2}:\d{2}\b/.test(rest) || /\b\d{4}\b/.test(rest);
}

function isBlank(b: Buffer): boolean {
  return (b.length === 1 && b[0] === 0x0a) || (b.length === 2 && b[0] === 0x0d && b[1] === 0x0a);
}

interface Current {
  line: number;
  envelope: string;
  parts: Buffer[];
  size: number;
  oversize: boolean;
}

export async function* splitMbox(input: AsyncIterable<Buffer | Uint8Array>, opts: SplitOptions): AsyncGenerator<MboxPart> {
  const unquote = opts.quoting === 'mboxrd' ? /^>+From / : opts.quoting === 'mboxo' ? /^>From / : null;
  let bytesRead = 0;
  let first = true;
  async function* counted(): AsyncGenerator<Buffer> {
    for await (const raw of input) {
      let chunk = Buffer.isBuffer(raw) ? raw : Buffer.from(raw);
      bytesRead += chunk.length;
      // A byte order mark before the first separator belongs to the file, not to a message.
      if (first && chunk.subarray(0, 3).equals(UTF8_BOM)) chunk = chunk.subarray(3);
      first = false;
      yield chunk;
      opts.onBytes?.(bytesRead);
    }
  }

  let current: Current | null = null;
  /** A possible separator, waiting for the next line to tell whether a header follows. */
  let held: { bytes: Buffer; line: number } | null = null;

  const append = (bytes: Buffer) => {
    const c = current!;
    c.size += bytes.length;
    if (c.oversize) return;
    if (c.size > opts.maxMessageBytes) {
      c.oversize = true;
      c.parts = [];
    } else c.parts.push(bytes);
  };
  const finish = (): MboxPart | null => {
    const c = current;
    current = null;
    if (!c) return null;
    if (c.oversize) return { kind: 'oversize', line: c.line, envelope: c.envelope, size: c.size };
    if (c.parts.length && isBlank(c.parts[c.parts.length - 1]!)) c.parts.pop();
    return { kind: 'message', line: c.line, envelope: c.envelope, bytes: Buffer.concat(c.parts) };
  };
  const begin = (bytes: Buffer, line: number) => {
    current = { line, envelope: lineText(bytes), parts: [], size: 0, oversize: false };
  };

  for await (const piece of splitLines(counted())) {
    const { bytes, start, line } = piece;
    if (held) {
      const h = held;
      held = null;
      if (start && HEADER_FIELD.test(bytes.subarray(0, 1000).toString('latin1'))) {
        const done = finish();
        if (done) yield done;
        begin(h.bytes, h.line);
        append(bytes);
        continue;
      }
      append(h.bytes); // an unescaped body line after all; said, so that a lost separator can be traced
      yield { kind: 'kept-in-body', line: h.line, messageLine: current!.line, text: lineText(h.bytes).slice(0, 80) };
    }
    if (start && bytes[0] === 0x46 /* F */ && bytes.subarray(0, 5).toString('latin1') === 'From ') {
      if (!current) { begin(bytes, line); continue; }
      if (isEnvelope(lineText(bytes))) { held = { bytes, line }; continue; }
    }
    if (!current) {
      if (start && isBlank(bytes)) continue; // blank lines before the first separator
      yield { kind: 'not-mbox', line, text: lineText(bytes).slice(0, 60) };
      return;
    }
    const quoted = start && bytes[0] === 0x3e /* > */ && unquote?.test(bytes.subarray(0, 1000).toString('latin1'));
    append(quoted ? bytes.subarray(1) : bytes);
  }
  if (held) {
    append(held.bytes);
    yield { kind: 'kept-in-body', line: held.line, messageLine: current!.line, text: lineText(held.bytes).slice(0, 80) };
  }
  const done = finish();
  if (done) yield done;
}
