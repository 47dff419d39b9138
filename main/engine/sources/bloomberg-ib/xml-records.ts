/**
 * Bloomberg dumps are one `<FileDump>` holding thousands of `<Conversation>` (IB) or `<Message>`
 * (MSG) elements, in files that reach gigabytes. saxes streams the XML; only the record element
 * being read is kept, as a small tree, and handed out when it closes. Memory holds one record.
 */
import type { Readable } from 'node:stream';
import { SaxesParser } from 'saxes';
import { dataError } from '../../errors';

export interface XNode {
  name: string;
  attrs: Record<string, string>;
  children: XNode[];
  /** The element's own text (CDATA included), not its children's. */
  text: string;
  /** Line of the start tag. */
  line: number;
}

export interface XmlRecord {
  node: XNode;
  /** 0-based position among the root's child elements. */
  index: number;
}

export interface XmlRecordsOptions {
  describe: string;
  /** Called with the root element's name before any record. */
  onRoot?(name: string): void;
  /** Largest record kept, in characters of text: a runaway element is refused, not held. */
  maxRecordChars?: number;
}

const MAX_RECORD_CHARS = 256 * 1024 * 1024;

/**
 * saxes hands out text as slices of its input chunk; V8 keeps a whole 64 KB chunk alive for a
 * 10-character slice. A copy lets the chunk go once the record is read (ids kept for the whole
 * read would otherwise hold the file in memory).
 */
function detach(s: string): string {
  return s.length ? Buffer.from(s, 'utf8').toString('utf8') : s;
}

/** First child with this name (case-insensitive: dumps differ in case). */
export function child(n: XNode | undefined, name: string): XNode | undefined {
  if (!n) return undefined;
  const lower = name.toLowerCase();
  return n.children.find((c) => c.name.toLowerCase() === lower);
}

export function childrenNamed(n: XNode | undefined, name: string): XNode[] {
  if (!n) return [];
  const lower = name.toLowerCase();
  return n.children.filter((c) => c.name.toLowerCase() === lower);
}

/** Trimmed text of the first child with one of these names, or of an attribute so named. */
export function field(n: XNode | undefined, ...names: string[]): string | undefined {
  if (!n) return undefined;
  for (const name of names) {
    const c = child(n, name);
    const t = c?.text.trim();
    if (t) return t;
    const a = Object.entries(n.attrs).find(([k]) => k.toLowerCase() === name.toLowerCase())?.[1]?.trim();
    if (a) return a;
  }
  return undefined;
}

/**
 * Yields each child element of the root, whole, in document order. Malformed XML throws a
 * FerryError('data') naming the file, line and column, after every record before it was yielded.
 */
export async function* xmlRecords(input: Readable, opts: XmlRecordsOptions): AsyncGenerator<XmlRecord> {
  const max = opts.maxRecordChars ?? MAX_RECORD_CHARS;
  const parser = new SaxesParser({ position: true });
  const ready: XmlRecord[] = [];
  const stack: XNode[] = [];
  let depth = 0;
  let index = 0;
  let chars = 0;
  let tooBig: string | undefined;
  parser.on('opentag', (tag) => {
    depth++;
    if (depth === 1) { opts.onRoot?.(tag.name); return; }
    const node: XNode = { name: tag.name, attrs: { ...(tag.attributes as Record<string, string>) }, children: [], text: '', line: parser.line };
    if (stack.length) stack[stack.length - 1]!.children.push(node);
    stack.push(node);
  });
  const onText = (t: string) => {
    if (!stack.length) return;
    chars += t.length;
    if (chars > max && !tooBig) tooBig = `element <${stack[0]!.name}> at line ${stack[0]!.line} holds more than ${max} characters`;
    if (!tooBig) stack[stack.length - 1]!.text += t;
  };
  parser.on('text', onText);
  parser.on('cdata', onText);
  parser.on('closetag', () => {
    depth--;
    if (depth === 0 || !stack.length) return;
    const node = stack.pop()!;
    node.text = detach(node.text);
    if (!stack.length) {
      ready.push({ node, index: index++ });
      chars = 0;
    }
  });
  const fail = (err: unknown): never => {
    throw dataError(`${opts.describe}: not well-formed XML (${(err as Error).message.replace(/^undefined:/, '').trim()})`, err);
  };
  input.setEncoding('utf8');
  let started = false;
  try {
    for await (const chunk of input) {
      let s = chunk as string;
      // A UTF-8 byte order mark is not XML.
      if (!started) { started = true; s = s.replace(/^\uFEFF/, ''); }
      try { parser.write(s); } catch (err) { while (ready.length) yield ready.shift()!; fail(err); }
      if (tooBig) { while (ready.length) yield ready.shift()!; throw dataError(`${opts.describe}: ${tooBig}; the rest of the file is not read`); }
      while (ready.length) yield ready.shift()!;
    }
    try { parser.close(); } catch (err) { while (ready.length) yield ready.shift()!; fail(err); }
    while (ready.length) yield ready.shift()!;
  } finally {
    input.destroy();
  }
}
