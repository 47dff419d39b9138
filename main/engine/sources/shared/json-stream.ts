/**
 * Pull values out of a large JSON document as it streams, so a multi-gigabyte `tweets.js` or
 * `result.json` never sits in memory whole.
 *
 * A small scanner, not a general streaming parser: it walks the containers on the way to the selected
 * paths token by token (strictly: every comma, colon and bracket is checked), finds where each
 * selected value ends with a byte scan (`indexOf` over strings), and hands that slice to V8's
 * JSON.parse. That is ~10× faster than a token-by-token JavaScript parser (@streamparser/json, which
 * this replaced; measured with `npm run bench`). Values off the selected paths are parsed too, only to
 * check them. A malformed value is checked again by `locateJsonError` for the exact byte and reason.
 */
import type { Readable } from 'node:stream';
import { dataError } from '../../errors';

export interface JsonValue {
  value: unknown;
  /** The key or index of the value within its parent. */
  key: string | number | undefined;
  /** Keys from the root down to the parent: `['chats', 'list', 3, 'messages']`. */
  path: (string | number)[];
}

export interface StreamJsonOptions {
  /** JSONPath-like selectors: `$.*`, `$.chats.list.*.messages.*` (dot-separated names and `*`). */
  paths: string[];
  /** Twitter archive files start with `window.YTD.tweets.part0 = `: skip up to and including the `=`. */
  assignmentPrefix?: boolean;
  /** For error messages. */
  describe: string;
}

type Selector = string[];

const NEED = Symbol('need more bytes');
type Need = typeof NEED;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/** Thrown inside the scanner; turned into a FerryError('data') that names the file. */
class JsonSyntaxError extends Error {
  constructor(readonly at: number, reason: string, readonly truncated = false) {
    super(reason);
  }
}

const isWs = (c: number) => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
const show = (c: number | undefined) => (c === undefined ? 'the end' : c >= 0x20 && c < 0x7f ? `"${String.fromCharCode(c)}"` : `byte 0x${c.toString(16).padStart(2, '0')}`);

function parseSelector(p: string): Selector {
  if (p === '$') return [];
  if (!p.startsWith('$.')) throw new Error(`unsupported JSON path ${p}: expected $.name.*…`);
  return p.slice(2).split('.');
}

/**
 * The scanner's window on the stream: bytes from `base` (an absolute offset) on. Bytes before `mark`
 * are no longer needed and are dropped when more arrive, so memory holds the value being read plus
 * one chunk.
 */
class Window {
  buf: Buffer = Buffer.alloc(0);
  private store: Buffer = Buffer.alloc(0);
  base = 0;
  mark = 0;
  final = false;

  append(chunk: Buffer): void {
    const keep = this.mark - this.base;
    const kept = this.buf.length - keep;
    const need = kept + chunk.length;
    if (need > this.store.length) {
      const next = Buffer.allocUnsafe(Math.max(need, this.store.length * 2, 65536));
      this.buf.copy(next, 0, keep);
      this.store = next;
    } else if (keep > 0) {
      this.store.copy(this.store, 0, keep, this.buf.length);
    }
    chunk.copy(this.store, kept);
    this.base = this.mark;
    this.buf = this.store.subarray(0, need);
  }

  get end(): number {
    return this.base + this.buf.length;
  }

  at(abs: number): number | undefined {
    return this.buf[abs - this.base];
  }

  text(from: number, to: number): string {
    return this.buf.toString('utf8', from - this.base, to - this.base);
  }
}

/** The walk over the document: a synchronous generator that yields values, or NEED when it wants more bytes. */
class Walker {
  readonly w = new Window();
  private pos = 0;
  /** The start of an enclosing value that is emitted whole once its members are: kept in the window. */
  private floor = Infinity;

  constructor(private readonly selectors: Selector[]) {}

  *document(): Generator<JsonValue | Need, void> {
    if (!(yield* this.skipWs(true))) return; // empty document: nothing to select
    this.checkValueStart();
    yield* this.value([], undefined, this.selectors);
    if (yield* this.skipWs(true)) throw new JsonSyntaxError(this.pos, `unexpected ${show(this.w.at(this.pos))} after the end of the JSON document`);
  }

  /** Skips whitespace; false at the end of the input (only allowed where `endOk`). */
  private *skipWs(endOk = false): Generator<Need, boolean> {
    for (;;) {
      const w = this.w;
      const buf = w.buf;
      let i = this.pos - w.base;
      while (i < buf.length && isWs(buf[i]!)) i++;
      this.pos = w.base + i;
      if (i < buf.length) return true;
      if (w.final) {
        if (endOk) return false;
        throw new JsonSyntaxError(this.pos, 'truncated', true);
      }
      this.keepFrom(this.pos);
      yield NEED;
    }
  }

  private *value(path: (string | number)[], key: string | number | undefined, cands: Selector[]): Generator<JsonValue | Need, void> {
    const depth = key === undefined ? 0 : path.length + 1;
    let full = false;
    let deeper = false;
    for (const s of cands) {
      if (s.length === depth) full = true;
      else deeper = true;
    }
    const start = this.pos;
    const c = this.w.at(start)!;
    const container = c === 0x7b || c === 0x5b;
    if (deeper && container) {
      const inner = key === undefined ? path : [...path, key];
      const floor = this.floor;
      if (full) this.floor = Math.min(floor, start); // the whole value is emitted too, once its members have been
      if (c === 0x7b) yield* this.object(inner, depth, cands);
      else yield* this.array(inner, depth, cands);
      this.floor = floor;
      if (full) yield { value: this.parse(start, this.pos), key, path: path.slice() };
      return;
    }
    this.keepFrom(start);
    const end = yield* this.valueEnd(start, depth === 0);
    const value = this.parse(start, end);
    this.pos = end;
    if (full) yield { value, key, path: path.slice() };
  }

  private *object(path: (string | number)[], depth: number, cands: Selector[]): Generator<JsonValue | Need, void> {
    this.pos++;
    yield* this.skipWs();
    if (this.w.at(this.pos) === 0x7d) { this.pos++; return; }
    for (;;) {
      const k = this.pos;
      if (this.w.at(k) !== QUOTE) throw new JsonSyntaxError(k, `expected a "quoted" member name, found ${show(this.w.at(k))}`);
      this.keepFrom(k);
      const kEnd = yield* this.stringEnd(k);
      const slash = this.w.buf.indexOf(BACKSLASH, k - this.w.base);
      const name = slash >= 0 && slash < kEnd - this.w.base ? (this.parse(k, kEnd) as string) : this.w.text(k + 1, kEnd - 1);
      this.pos = kEnd;
      yield* this.skipWs();
      if (this.w.at(this.pos) !== 0x3a) throw new JsonSyntaxError(this.pos, `expected ":" after member name, found ${show(this.w.at(this.pos))}`);
      this.pos++;
      yield* this.skipWs();
      this.checkValueStart();
      yield* this.value(path, name, cands.filter((s) => s.length > depth && (s[depth] === '*' || s[depth] === name)));
      yield* this.skipWs();
      const c = this.w.at(this.pos);
      this.pos++;
      if (c === 0x7d) return;
      if (c !== 0x2c) throw new JsonSyntaxError(this.pos - 1, `expected "," or "}" after an object member, found ${show(c)}`);
      yield* this.skipWs();
    }
  }

  private *array(path: (string | number)[], depth: number, cands: Selector[]): Generator<JsonValue | Need, void> {
    this.pos++;
    yield* this.skipWs();
    if (this.w.at(this.pos) === 0x5d) { this.pos++; return; }
    const children = cands.filter((s) => s.length > depth && s[depth] === '*');
    for (let index = 0; ; index++) {
      this.checkValueStart();
      yield* this.value(path, index, children);
      yield* this.skipWs();
      const c = this.w.at(this.pos);
      this.pos++;
      if (c === 0x5d) return;
      if (c !== 0x2c) throw new JsonSyntaxError(this.pos - 1, `expected "," or "]" after an array element, found ${show(c)}`);
      yield* this.skipWs();
    }
  }

  /** Bytes before `abs` are no longer needed (unless an enclosing value is kept whole). */
  private keepFrom(abs: number): void {
    this.w.mark = Math.min(this.floor, abs);
  }

  private checkValueStart(): void {
    const c = this.w.at(this.pos)!;
    // { [ " - 0-9 t f n
    if (c === 0x7b || c === 0x5b || c === QUOTE || c === 0x2d || (c >= 0x30 && c <= 0x39) || c === 0x74 || c === 0x66 || c === 0x6e) return;
    throw new JsonSyntaxError(this.pos, `expected a value, found ${show(c)}`);
  }

  /** Where the value starting at `start` ends (exclusive). Finds the end only; JSON.parse checks the rest. */
  private *valueEnd(start: number, root: boolean): Generator<Need, number> {
    const c = this.w.at(start)!;
    if (c === QUOTE) return yield* this.stringEnd(start);
    if (c !== 0x7b && c !== 0x5b) return yield* this.scalarEnd(start, root);
    let depth = 0;
    let i = start - this.w.base;
    for (;;) {
      const buf = this.w.buf;
      const n = buf.length;
      while (i < n) {
        const b = buf[i]!;
        if (b === QUOTE) {
          const close = closingQuote(buf, i + 1);
          if (close < 0) break;
          i = close + 1;
          continue;
        }
        if (b === 0x7b || b === 0x5b) depth++;
        else if ((b === 0x7d || b === 0x5d) && --depth === 0) return this.w.base + i + 1;
        i++;
      }
      const abs = this.w.base + i;
      yield* this.more(start);
      i = abs - this.w.base;
    }
  }

  private *stringEnd(start: number): Generator<Need, number> {
    for (;;) {
      const close = closingQuote(this.w.buf, start - this.w.base + 1);
      if (close >= 0) return this.w.base + close + 1;
      yield* this.more(start);
    }
  }

  /** A number or true/false/null ends at the next delimiter (or the end of a document that is just that). */
  private *scalarEnd(start: number, root: boolean): Generator<Need, number> {
    let i = start - this.w.base;
    for (;;) {
      const buf = this.w.buf;
      while (i < buf.length) {
        const b = buf[i]!;
        if (isWs(b) || b === 0x2c || b === 0x5d || b === 0x7d) return this.w.base + i;
        i++;
      }
      if (this.w.final && root) return this.w.base + i;
      const abs = this.w.base + i;
      yield* this.more(start);
      i = abs - this.w.base;
    }
  }

  /** The value from `start` is not complete yet: get more bytes, or fail at the end of the input. */
  private *more(start: number): Generator<Need, void> {
    if (this.w.final) {
      // A syntax error inside the incomplete value is the better report than the truncation.
      const err = locateJsonError(this.w.buf, start - this.w.base, this.w.buf.length);
      if (err && !err.atEnd) throw new JsonSyntaxError(this.w.base + err.at, err.reason);
      throw new JsonSyntaxError(this.w.end, 'truncated', true);
    }
    yield NEED;
  }

  private parse(from: number, to: number): unknown {
    const text = this.w.text(from, to);
    try {
      return JSON.parse(text);
    } catch (err) {
      const located = locateJsonError(this.w.buf, from - this.w.base, to - this.w.base);
      if (located) throw new JsonSyntaxError(this.w.base + located.at, located.reason);
      throw new JsonSyntaxError(from, (err as Error).message);
    }
  }

  advance(): Generator<JsonValue | Need, void> {
    return this.document();
  }
}

/** Index of the quote that closes a string whose contents start at `from`, or -1 if not in `buf` yet. */
function closingQuote(buf: Buffer, from: number): number {
  let i = from;
  for (;;) {
    const q = buf.indexOf(QUOTE, i);
    if (q < 0) return -1;
    let slashes = 0;
    for (let j = q - 1; j >= from && buf[j] === BACKSLASH; j--) slashes++;
    if (slashes % 2 === 0) return q;
    i = q + 1;
  }
}

/**
 * Where the JSON in `buf[from, to)` first breaks the grammar (RFC 8259), with the reason; `atEnd` when
 * it is only incomplete. Null when it is valid. Used on the rare malformed value, for an exact position.
 */
export function locateJsonError(buf: Uint8Array, from: number, to: number): { at: number; reason: string; atEnd: boolean } | null {
  let i = from;
  class Stop { constructor(readonly at: number, readonly reason: string) {} }
  const fail = (reason: string): never => { throw new Stop(i, reason); };
  const ws = () => { while (i < to && isWs(buf[i]!)) i++; };
  const digits = () => { const s = i; while (i < to && buf[i]! >= 0x30 && buf[i]! <= 0x39) i++; if (i === s) fail(`expected a digit, found ${show(buf[i])}`); };
  const value = (): void => {
    ws();
    const c = buf[i];
    if (i >= to) fail(`unexpected ${show(buf[i])}`);
    if (c === 0x7b) {
      i++; ws();
      if (buf[i] === 0x7d && i < to) { i++; return; }
      for (;;) {
        ws();
        if (i >= to) fail(`unexpected ${show(buf[i])}`);
        if (buf[i] !== QUOTE) fail(`expected a "quoted" member name, found ${show(buf[i])}`);
        string(); ws();
        if (i >= to) fail(`unexpected ${show(buf[i])}`);
        if (buf[i] !== 0x3a) fail(`expected ":" after member name, found ${show(buf[i])}`);
        i++; value(); ws();
        if (i >= to) fail(`unexpected ${show(buf[i])}`);
        if (buf[i] === 0x7d) { i++; return; }
        if (buf[i] !== 0x2c) fail(`expected "," or "}" after an object member, found ${show(buf[i])}`);
        i++;
      }
    }
    if (c === 0x5b) {
      i++; ws();
      if (buf[i] === 0x5d && i < to) { i++; return; }
      for (;;) {
        value(); ws();
        if (i >= to) fail(`unexpected ${show(buf[i])}`);
        if (buf[i] === 0x5d) { i++; return; }
        if (buf[i] !== 0x2c) fail(`expected "," or "]" after an array element, found ${show(buf[i])}`);
        i++;
      }
    }
    if (c === QUOTE) return string();
    if (c === 0x2d || (c! >= 0x30 && c! <= 0x39)) {
      if (c === 0x2d) i++;
      if (buf[i] === 0x30 && i < to) i++; else digits();
      if (buf[i] === 0x2e && i < to) { i++; digits(); }
      if ((buf[i] === 0x65 || buf[i] === 0x45) && i < to) { i++; if (buf[i] === 0x2b || buf[i] === 0x2d) i++; digits(); }
      return;
    }
    for (const word of ['true', 'false', 'null']) {
      if (c === word.charCodeAt(0)) {
        for (let k = 0; k < word.length; k++, i++) {
          if (i >= to) fail(`unexpected ${show(buf[i])}`);
          if (buf[i] !== word.charCodeAt(k)) fail(`expected ${word}, found ${show(buf[i])}`);
        }
        return;
      }
    }
    fail(`expected a value, found ${show(c)}`);
  };
  const string = () => {
    i++;
    for (;;) {
      if (i >= to) fail(`unexpected ${show(buf[i])}`);
      const b = buf[i]!;
      if (b === QUOTE) { i++; return; }
      if (b < 0x20) fail(`control character ${show(b)} in a string (it must be escaped)`);
      if (b === BACKSLASH) {
        i++;
        if (i >= to) fail(`unexpected ${show(buf[i])}`);
        const e = buf[i]!;
        if (e === 0x75) {
          for (let k = 0; k < 4; k++) {
            i++;
            if (i >= to) fail(`unexpected ${show(buf[i])}`);
            const h = buf[i]!;
            if (!((h >= 0x30 && h <= 0x39) || (h >= 0x41 && h <= 0x46) || (h >= 0x61 && h <= 0x66))) fail(`bad \\u escape: ${show(h)} is not a hex digit`);
          }
        } else if (!'"\\/bfnrt'.includes(String.fromCharCode(e))) fail(`bad escape \\${String.fromCharCode(e)}`);
      }
      i++;
    }
  };
  try {
    value();
    ws();
    if (i < to) fail(`unexpected ${show(buf[i])} after the value`);
    return null;
  } catch (err) {
    if (!(err instanceof Stop)) throw err;
    return { at: err.at, reason: err.reason, atEnd: err.at >= to };
  }
}

/**
 * Yields each selected value in document order. A syntax error or a truncated document throws a
 * FerryError('data') that names the file and byte offset, after every complete value before it was yielded.
 */
export async function* streamJson(input: Readable, opts: StreamJsonOptions): AsyncGenerator<JsonValue> {
  const walker = new Walker(opts.paths.map(parseSelector));
  const steps = walker.advance();
  let offset = 0;
  let prefixPending = opts.assignmentPrefix === true;
  let first = true;
  /** Bytes before the JSON itself (a BOM, the `window.YTD… =` prefix). */
  let skipped = 0;
  /** Runs the walker until it needs more bytes (true) or the document is done (false). */
  const run = function* (): Generator<JsonValue, boolean> {
    try {
      for (;;) {
        const s = steps.next();
        if (s.done) return false;
        if (s.value === NEED) return true;
        yield s.value;
      }
    } catch (err) {
      if (!(err instanceof JsonSyntaxError)) throw err;
      if (err.truncated) throw dataError(`${opts.describe}: truncated JSON, it ends at byte ${skipped + err.at} in the middle of a value`, err);
      throw dataError(`${opts.describe}: not valid JSON at byte ${skipped + err.at} (${err.message})`, err);
    }
  };
  try {
    let wants = true;
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
      offset += chunk.length;
      if (!wants) break;
      walker.w.append(chunk);
      wants = yield* run();
    }
    if (prefixPending) throw dataError(`${opts.describe}: expected \`window.YTD.<name> = [...]\`, found no \`=\``);
    if (wants) {
      walker.w.final = true;
      yield* run();
    }
  } finally {
    input.destroy();
  }
}
