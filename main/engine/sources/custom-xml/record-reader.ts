/**
 * Cuts a streaming XML document into records: the elements at `recordPath` (`Export/Messages/Message`),
 * each handed on as its own text with the line it starts on. Only the current record is held in
 * memory. The scanner knows just enough XML to find element boundaries (comments, CDATA, processing
 * instructions, the DOCTYPE, quoted attribute values); each record is then parsed and checked on its
 * own, so a malformed record is reported and the next one is still read.
 */
import { dataError } from '../../errors';

export interface RecordText {
  /** 1-based number of the record in the file. */
  index: number;
  /** Line the record starts on. */
  line: number;
  /** The record's XML, from its start tag to its end tag; empty when `error` is set. */
  text: string;
  /** Why the record could not be cut out (too large, the file ends inside it). */
  error?: string;
}

export interface RecordPath {
  segments: string[];
  /** `//Message`: at any depth. */
  anywhere: boolean;
}

export function parseRecordPath(p: string): RecordPath | { problem: string } {
  const anywhere = p.startsWith('//');
  const segments = p.replace(/^\/+/, '').split('/');
  if (!p.trim() || segments.some((s) => !/^(\*|[A-Za-z_][\w.:-]*)$/.test(s))) {
    return { problem: `recordPath "${p}" must be element names separated by / (e.g. Export/Messages/Message, or //Message at any depth; * matches any element)` };
  }
  return { segments, anywhere };
}

/** Element names compare as written, or by local name when the path step has no prefix. */
const stepMatches = (step: string, name: string) => step === '*' || step === name || (!step.includes(':') && name.slice(name.indexOf(':') + 1) === step);

function atRecordPath(stack: string[], rp: RecordPath): boolean {
  const n = rp.segments.length;
  if (rp.anywhere ? stack.length < n : stack.length !== n) return false;
  const off = stack.length - n;
  return rp.segments.every((s, i) => stepMatches(s, stack[off + i]!));
}

export interface ReaderStats {
  /** Root element's name, for messages when no record was found. */
  root?: string;
  /** Distinct element paths seen down to the record path's depth + 1 (at most 50), to suggest a recordPath. */
  paths: Set<string>;
  /** The document ended with elements still open (truncated). */
  unclosed: string[];
  /** Elements named like the record element but elsewhere in the document (not read), by path. */
  elsewhere?: Map<string, number>;
}

export interface ReaderOptions {
  /** A record longer than this is reported, not held. */
  maxRecordChars?: number;
}

/** A character count for messages: `16 MB`, `4 KB`. */
const size = (chars: number) => (chars >= 1048576 ? `${Math.round(chars / 1048576)} MB` : `${Math.round(chars / 1024)} KB`);

export async function* xmlRecords(text: AsyncIterable<string>, rp: RecordPath, stats: ReaderStats, o: ReaderOptions = {}): AsyncGenerator<RecordText> {
  const maxRecord = o.maxRecordChars ?? 16 * 1024 * 1024;
  let buf = '';
  let pos = 0;
  let line = 1;
  /** Position up to which newlines were counted into `line`. */
  let counted = 0;
  const stack: string[] = [];
  let recStart = -1;
  let recLine = 0;
  let recDepth = 0;
  let oversized = false;
  let index = 0;
  let ended = false;
  const iterator = text[Symbol.asyncIterator]();

  const countTo = (p: number) => {
    for (let i = buf.indexOf('\n', counted); i >= 0 && i < p; i = buf.indexOf('\n', i + 1)) line++;
    counted = Math.max(counted, p);
  };
  const more = async (): Promise<boolean> => {
    if (ended) return false;
    // Drop what is behind us: the record being read, or the scan position.
    const keep = recStart >= 0 ? recStart : pos;
    if (keep > 0) { countTo(keep); buf = buf.slice(keep); pos -= keep; counted -= keep; if (recStart >= 0) recStart = 0; }
    const next = await iterator.next();
    if (next.done) { ended = true; return false; }
    buf += next.value;
    return true;
  };
  const seen = (depth: number) => {
    if (stats.paths.size < 50 && depth <= rp.segments.length + 1) stats.paths.add(stack.slice(0, depth).join('/'));
  };

  /** End of a construct starting at pos (index after it), or -1 when more text is needed. */
  const endOf = (open: string, close: string) => { const e = buf.indexOf(close, pos + open.length); return e < 0 ? -1 : e + close.length; };
  const tagEnd = (): number => {
    let quote = '';
    for (let i = pos + 1; i < buf.length; i++) {
      const c = buf[i];
      if (quote) { if (c === quote) quote = ''; } else if (c === '"' || c === "'") quote = c; else if (c === '>') return i + 1;
    }
    return -1;
  };
  const doctypeEnd = (): number => {
    let depth = 0;
    let quote = '';
    for (let i = pos + 2; i < buf.length; i++) {
      const c = buf[i];
      if (quote) { if (c === quote) quote = ''; } else if (c === '"' || c === "'") quote = c;
      else if (c === '[') depth++; else if (c === ']') depth--; else if (c === '>' && depth <= 0) return i + 1;
    }
    return -1;
  };

  for (;;) {
    const lt = buf.indexOf('<', pos);
    if (lt < 0) { pos = buf.length; if (await more()) continue; break; }
    pos = lt;
    // An oversized record's text is not kept, only scanned for its end.
    if (recStart >= 0 && pos - recStart > maxRecord) { oversized = true; countTo(pos); recStart = -1; }
    let end: number;
    if (buf.startsWith('<!--', pos)) end = endOf('<!--', '-->');
    else if (buf.startsWith('<![CDATA[', pos)) end = endOf('<![CDATA[', ']]>');
    else if (buf.startsWith('<?', pos)) end = endOf('<?', '?>');
    else if (buf.startsWith('<!', pos)) end = doctypeEnd();
    else end = tagEnd();
    // Too short to tell what starts here (`<!-` at the end of a piece): read on.
    if (end < 0 || (buf.length - pos < 9 && buf[pos + 1] === '!')) {
      if (end < 0 && buf.length - pos > maxRecord) {
        countTo(pos);
        throw dataError(`markup at line ${line} is not closed within ${size(maxRecord)}`);
      }
      if (await more()) continue;
      if (end < 0) break;
    }
    const tag = buf.slice(pos, end);
    if (tag[1] === '/') {
      const name = tag.slice(2, -1).trim();
      const inRecord = recStart >= 0 || oversized;
      if (stack[stack.length - 1] === name) stack.pop();
      else if (inRecord) {
        // Inside a record, a wrong end tag is the record's own fault (its parse reports it): only the
        // record's end tag may close it, whatever is left open, so that the next record is found.
        if (name === stack[recDepth - 1]) stack.length = recDepth - 1;
      } else {
        // Outside records the document's structure is broken: records after this point could sit at
        // another path and be passed over unseen, so the rest of the file is not read.
        countTo(pos);
        throw dataError(`line ${line}: end tag </${name}> does not match ${stack.length ? `<${stack[stack.length - 1]}>` : 'any open element'}; the document is not well-formed from here`);
      }
      if (inRecord && stack.length < recDepth) {
        countTo(pos);
        if (oversized) yield { index, line: recLine, text: '', error: `the record is larger than ${size(maxRecord)}; it is not read` };
        else yield { index, line: recLine, text: buf.slice(recStart, end) };
        recStart = -1;
        oversized = false;
      }
    } else if (tag[1] !== '!' && tag[1] !== '?') {
      const name = /^<([^\s/>]+)/.exec(tag)?.[1];
      if (name) {
        const selfClosing = tag.endsWith('/>');
        stack.push(name);
        stats.root ??= name;
        seen(stack.length);
        const atPath = recStart < 0 && !oversized && atRecordPath(stack, rp);
        if (!atPath && recStart < 0 && !oversized && stepMatches(rp.segments[rp.segments.length - 1]!, name)) {
          const where = `/${stack.join('/')}`;
          stats.elsewhere ??= new Map();
          if (stats.elsewhere.size < 20 || stats.elsewhere.has(where)) stats.elsewhere.set(where, (stats.elsewhere.get(where) ?? 0) + 1);
        }
        if (atPath) {
          index++;
          countTo(pos);
          recLine = line;
          recDepth = stack.length;
          recStart = pos;
          if (selfClosing) { yield { index, line: recLine, text: tag }; recStart = -1; }
        }
        if (selfClosing) stack.pop();
      }
    }
    pos = end;
  }
  countTo(buf.length);
  if (recStart >= 0 || oversized) {
    yield { index, line: recLine, text: '', error: `the file ends inside this record (truncated or not closed): ${stack.length ? `<${stack.join('>, <')}> still open` : 'no end tag'}` };
  }
  stats.unclosed = [...stack];
}
