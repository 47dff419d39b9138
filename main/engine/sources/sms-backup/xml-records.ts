/**
 * The records of one SMS Backup & Restore XML file — each child of the root (`<sms/>`, `<mms>…</mms>`,
 * `<call/>`) with its attributes and, for MMS, its `<part>`s and `<addr>`s — streamed with saxes, so a
 * multi-gigabyte backup holds one record at a time.
 *
 * Malformed XML never stops the file: an error inside a record makes that record bad (with its
 * element number and line); an error between records is reported once with its line; a record the
 * file ends inside is reported as incomplete. saxes recovers after an error, so the records after it
 * are still read.
 *
 * SMS Backup & Restore writes emoji as UTF-16 surrogate pairs in character references
 * (`&#55357;&#56832;`), which XML does not allow: pairs are rewritten as the one code point they make
 * (`&#x1F600;`) before parsing; lone surrogates and control characters, which no XML reader accepts,
 * become U+FFFD and are counted for a notice.
 */
import type { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { SaxesParser } from 'saxes';
import { dataError } from '../../errors';

export type Attrs = Record<string, string>;

export interface XmlRecord {
  kind: 'record';
  /** `sms`, `mms`, `call`… */
  name: string;
  attrs: Attrs;
  /** Nested elements by name (`part`, `addr`), in order, with their attributes. */
  children: { name: string; attrs: Attrs }[];
  /** 1-based number of the element among the root's children, and the line its tag starts on. */
  index: number;
  line: number;
  /** The first XML error inside the record, when there was one. */
  error?: string;
  /** The file ended inside the record. */
  incomplete?: boolean;
}

export type XmlEvent =
  | { kind: 'root'; name: string; attrs: Attrs; line: number }
  | XmlRecord
  /** XML errors outside any record. */
  | { kind: 'problem'; line: number; column: number; message: string; more: number };

const CHAR_REF = /&#(?:([0-9]{1,7})|[xX]([0-9a-fA-F]{1,6}));/g;

const codeOf = (dec: string | undefined, hex: string | undefined) => (dec !== undefined ? Number(dec) : parseInt(hex!, 16));
const allowed = (c: number) => c === 0x9 || c === 0xa || c === 0xd || (c >= 0x20 && c <= 0xd7ff) || (c >= 0xe000 && c <= 0xfffd) || (c >= 0x10000 && c <= 0x10ffff);

/** Rewrites character references XML refuses. Returns the text and how many could not be kept. */
export function repairCharRefs(text: string): { text: string; replaced: number } {
  let replaced = 0;
  const out = text.replace(/&#(?:[0-9]{1,7}|[xX][0-9a-fA-F]{1,6});(?:&#(?:[0-9]{1,7}|[xX][0-9a-fA-F]{1,6});)?/g, (all) => {
    const refs = [...all.matchAll(CHAR_REF)].map((m) => codeOf(m[1], m[2]));
    const [a, b] = refs as [number, number | undefined];
    if (b !== undefined && a >= 0xd800 && a <= 0xdbff && b >= 0xdc00 && b <= 0xdfff) {
      return `&#x${(((a - 0xd800) << 10) + (b - 0xdc00) + 0x10000).toString(16).toUpperCase()};`;
    }
    return refs.map((c) => {
      if (allowed(c)) return `&#x${c.toString(16).toUpperCase()};`;
      replaced++;
      return '&#xFFFD;';
    }).join('');
  });
  return { text: out, replaced };
}

/**
 * How much of a chunk's end to hold back for the next one: the trailing run of character references
 * (a high surrogate at its end may pair with the next chunk's first reference; a pair may straddle any
 * split of the run) and an unfinished `&#…` after it.
 */
const TRAILING_REFS = /(?:&#(?:[0-9]{1,7}|[xX][0-9a-fA-F]{1,6});)*(?:&(?:#[0-9a-fA-Fx]{0,7})?)?$/;

function holdBack(s: string): number {
  // Only the end of the chunk can matter; a run of references longer than this is cut (at worst one
  // emoji becomes two U+FFFD, counted in the notice).
  const tail = s.length > 65536 ? s.slice(-65536) : s;
  return TRAILING_REFS.exec(tail)?.[0].length ?? 0;
}

export interface ReadXmlOptions {
  describe: string;
  onBytes?: (n: number) => void;
  /** Stop once the root element is read (check()). */
  rootOnly?: boolean;
}

export interface XmlStats {
  replacedRefs: number;
}

export async function* xmlRecords(input: Readable, opts: ReadXmlOptions, stats: XmlStats = { replacedRefs: 0 }): AsyncGenerator<XmlEvent> {
  const parser = new SaxesParser({ position: true, fileName: undefined });
  const ready: XmlEvent[] = [];
  let depth = 0;
  let index = 0;
  let current: XmlRecord | undefined;
  let tagLine = 1;
  let problem: Extract<XmlEvent, { kind: 'problem' }> | undefined;
  let rootSeen = false;

  // A record starts with its tag's name, so that an error inside the tag itself is the record's.
  parser.on('opentagstart', (tag) => {
    tagLine = parser.line;
    if (depth === 1) {
      index++;
      current = { kind: 'record', name: tag.name, attrs: {}, children: [], index, line: tagLine };
      if (problem) { ready.push(problem); problem = undefined; }
    }
  });
  parser.on('opentag', (tag) => {
    const attrs = tag.attributes as Attrs;
    if (depth === 0) {
      rootSeen = true;
      ready.push({ kind: 'root', name: tag.name, attrs: { ...attrs }, line: tagLine });
    } else if (depth === 1 && current) {
      current.attrs = { ...attrs };
    } else if (current && (tag.name === 'part' || tag.name === 'addr')) {
      current.children.push({ name: tag.name, attrs: { ...attrs } });
    }
    if (!tag.isSelfClosing) depth++;
    else if (depth === 1 && current) { ready.push(current); current = undefined; }
  });
  parser.on('closetag', (tag) => {
    if (tag.isSelfClosing) return;
    depth--;
    if (depth === 1 && current) { ready.push(current); current = undefined; }
  });
  parser.on('error', (err) => {
    const message = err.message.replace(/^\d+:\d+: /, '');
    const at = `line ${parser.line}, column ${parser.column + 1}`;
    if (current) current.error ??= `malformed XML at ${at}: ${message}`;
    else if (problem) problem.more++;
    else problem = { kind: 'problem', line: parser.line, column: parser.column + 1, message, more: 0 };
  });

  const decoder = new StringDecoder('utf8');
  let carry = '';
  let first = true;
  const feed = (text: string) => {
    const r = repairCharRefs(text);
    stats.replacedRefs += r.replaced;
    parser.write(r.text);
  };
  try {
    for await (const raw of input) {
      const chunk = raw as Buffer;
      opts.onBytes?.(chunk.length);
      let s = carry + decoder.write(chunk);
      if (first && s.length) { first = false; if (s.charCodeAt(0) === 0xfeff) s = s.slice(1); }
      const keep = holdBack(s);
      carry = keep ? s.slice(s.length - keep) : '';
      feed(keep ? s.slice(0, s.length - keep) : s);
      while (ready.length) yield ready.shift()!;
      if (opts.rootOnly && rootSeen) return;
    }
  } catch (err) {
    throw dataError(`${opts.describe}: cannot be read to the end (${(err as Error).message})`, err);
  } finally {
    input.destroy();
  }
  feed(carry + decoder.end());
  parser.close();
  if (current) {
    current.incomplete = true;
    ready.push(current);
    current = undefined;
  }
  if (problem) ready.push(problem);
  while (ready.length) yield ready.shift()!;
}
