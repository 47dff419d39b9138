/**
 * Bytes of a mapped file to text, as it streams. The `encoding` setting names the character set
 * (iconv-lite's names: windows-1252, utf-16le, shift_jis…); `auto` follows a byte order mark and
 * otherwise reads UTF-8. UTF-8 is decoded strictly: bytes that are not UTF-8 stop the file with the
 * byte offset, instead of being replaced and silently altering the evidence.
 */
import type { Readable } from 'node:stream';
import { isUtf8 } from 'node:buffer';
import iconv from 'iconv-lite';
import { dataError } from '../../errors';

export function encodingProblem(encoding: string): string | null {
  if (encoding === 'auto' || iconv.encodingExists(encoding)) return null;
  return `encoding "${encoding}" is not known; use auto, utf-8, utf-16le, utf-16be, windows-1252, iso-8859-1, iso-8859-15, windows-1251, shift_jis, gb18030, big5…`;
}

function bomEncoding(head: Buffer): string | undefined {
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) return 'utf-8';
  if (head[0] === 0xff && head[1] === 0xfe) return 'utf-16le';
  if (head[0] === 0xfe && head[1] === 0xff) return 'utf-16be';
  return undefined;
}

const isUtf8Name = (e: string) => /^utf-?8$/i.test(e);

/** Bytes in a UTF-8 sequence that starts with `c` (0 for a byte that cannot start one). */
const seqLength = (c: number) => (c < 0x80 ? 1 : c >= 0xc2 && c <= 0xdf ? 2 : c >= 0xe0 && c <= 0xef ? 3 : c >= 0xf0 && c <= 0xf4 ? 4 : 0);

/** Where a trailing sequence cut by the chunk boundary begins (b.length when none is cut). */
function completeLength(b: Buffer): number {
  for (let p = b.length - 1; p >= 0 && p >= b.length - 4; p--) {
    if ((b[p]! & 0xc0) !== 0x80) return seqLength(b[p]!) > b.length - p ? p : b.length;
  }
  return b.length;
}

/** Index of the first byte of an invalid UTF-8 sequence (overlong forms and surrogates included), or -1. */
function firstInvalidUtf8(b: Buffer): number {
  for (let i = 0; i < b.length;) {
    const c = b[i]!;
    const n = seqLength(c);
    if (n === 0) return i;
    const c1 = b[i + 1] ?? 0;
    if ((c === 0xe0 && c1 < 0xa0) || (c === 0xed && c1 > 0x9f) || (c === 0xf0 && c1 < 0x90) || (c === 0xf4 && c1 > 0x8f)) return i;
    for (let k = 1; k < n; k++) if (i + k >= b.length || (b[i + k]! & 0xc0) !== 0x80) return i;
    i += n;
  }
  return -1;
}

class InvalidUtf8 extends Error {
  constructor(readonly before: string, readonly at: number, readonly truncated = false) { super('invalid UTF-8'); }
}

export interface DecodeOptions {
  encoding: string;
  /** For error messages: the file. */
  describe: string;
  /** Bytes consumed so far (for progress). */
  onBytes?(n: number): void;
  /**
   * Text is handed on in pieces of at least this many characters (the last may be shorter):
   * parsers that re-read a partial row per piece do less work on large pieces.
   */
  minChars?: number;
  /** With `auto` and no byte order mark: the encoding the start of the file declares (an XML declaration). */
  sniff?(head: Buffer): string | undefined;
  /** Called at the end with the number of bytes that had no character in a single-byte encoding. */
  onReplaced?(count: number): void;
}

export async function* decodeText(input: Readable, o: DecodeOptions): AsyncGenerator<string> {
  const minChars = o.minChars ?? 256 * 1024;
  let decoder: { write(b: Buffer): string; end(): string } | undefined;
  let utf8 = false;
  let offset = 0;
  let pending = '';
  let replaced = 0;
  let head = Buffer.alloc(0);
  const start = (first: Buffer) => {
    const bom = bomEncoding(first);
    const name = o.encoding === 'auto' ? bom ?? o.sniff?.(first) ?? 'utf-8' : o.encoding;
    utf8 = isUtf8Name(name);
    if (utf8) {
      // Checked here rather than by a fatal TextDecoder, so that the text before a bad byte is still read.
      let carry = Buffer.alloc(0);
      let first = true;
      decoder = {
        write: (b) => {
          let buf = carry.length ? Buffer.concat([carry, b]) : b;
          let base = offset - carry.length;
          if (first) {
            first = false;
            if (buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) { buf = buf.subarray(3); base += 3; }
          }
          const end = completeLength(buf);
          carry = Buffer.from(buf.subarray(end));
          const whole = buf.subarray(0, end);
          if (isUtf8(whole)) return whole.toString('utf8');
          const bad = firstInvalidUtf8(whole);
          throw new InvalidUtf8(whole.subarray(0, bad).toString('utf8'), base + bad);
        },
        end: () => {
          if (carry.length) throw new InvalidUtf8('', offset - carry.length, true);
          return '';
        },
      };
    } else {
      // iconv-lite strips a BOM of the same encoding by default.
      const d = iconv.getDecoder(name);
      decoder = { write: (b) => d.write(b), end: () => d.end() ?? '' };
    }
  };
  /**
   * Decodes a chunk. On bytes that are not UTF-8 it hands on the text up to the last line break before
   * them (a record cut short must not pass as a whole one), then stops the file.
   */
  let failed: Error | undefined;
  const decode = (chunk: Buffer): string => {
    try {
      const s = decoder!.write(chunk);
      if (!utf8 && s.includes('\ufffd')) replaced += s.split('\ufffd').length - 1;
      return s;
    } catch (err) {
      if (!(err instanceof InvalidUtf8)) throw err;
      failed = dataError(err.truncated
        ? `${o.describe}: not valid UTF-8: the file ends in the middle of a character (byte ${err.at}); set the encoding setting to the file's character set`
        : `${o.describe}: not valid UTF-8 at byte ${err.at}; set the encoding setting to the file's character set (e.g. windows-1252 or utf-16le)`);
      return err.before;
    }
  };
  try {
    for await (const raw of input) {
      let chunk = raw as Buffer;
      o.onBytes?.(chunk.length);
      if (!decoder) {
        // A byte order mark needs the first 3 bytes, even when the first chunk is shorter.
        head = Buffer.concat([head, chunk]);
        if (head.length < 3) continue;
        chunk = head;
        start(head);
      }
      pending += decode(chunk);
      offset += chunk.length;
      if (failed) break;
      if (pending.length >= minChars) {
        // Hand on whole lines: text cut by a later decoding error must not end in half a record.
        const nl = pending.lastIndexOf('\n');
        const cut = nl >= 0 ? nl + 1 : pending.length >= 16 * minChars ? pending.length : 0;
        if (cut) { yield pending.slice(0, cut); pending = pending.slice(cut); }
      }
    }
    if (!failed && !decoder) { if (!head.length) return; start(head); pending += decode(head); offset += head.length; }
    if (!failed) {
      try {
        pending += decoder!.end();
      } catch (err) {
        if (!(err instanceof InvalidUtf8)) throw err;
        failed = dataError(`${o.describe}: not valid UTF-8: the file ends in the middle of a character (byte ${err.at}); set the encoding setting to the file's character set`);
      }
    }
    if (failed) pending = pending.slice(0, pending.lastIndexOf('\n') + 1);
    if (pending) yield pending;
    if (failed) throw failed;
    if (replaced) o.onReplaced?.(replaced);
  } finally {
    input.destroy();
  }
}
