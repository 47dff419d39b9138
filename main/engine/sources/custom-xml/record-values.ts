/**
 * One record's XML parsed on its own (fast-xml-parser) and read by record-relative paths:
 * `Sender/Email` (child elements; repeated elements give several values), `@timestamp` (attributes),
 * `To/Address/@type`, `.` (the record's own text). Entities are decoded here, in one pass, so that
 * `&amp;#10;` stays the text `&#10;`; CDATA content is kept as written.
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';

type XmlNode = string | { [key: string]: unknown };

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  textNodeName: '#text',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  processEntities: false,
  htmlEntities: false,
  ignoreDeclaration: true,
  ignorePiTags: true,
  commentPropName: false,
  isArray: (_name: string, _jpath: unknown, _leaf: boolean, isAttribute: boolean) => !isAttribute,
});

const XML_ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** The five XML entities and character references; anything else (an undeclared `&nbsp;`) is kept as written. */
export function decodeXmlText(s: string): string {
  if (!s.includes('&')) return s;
  return s.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[A-Za-z_][\w.-]*);/g, (whole, e: string) => {
    if (e[0] === '#') {
      const n = e[1] === 'x' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
      return n > 0 && n <= 0x10ffff && !(n >= 0xd800 && n <= 0xdfff) ? String.fromCodePoint(n) : whole;
    }
    return XML_ENTITIES[e] ?? whole;
  });
}

const escapeText = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export interface ParsedRecord {
  /** Values at a record-relative path, decoded and trimmed; [] when absent. */
  values(path: string): string[];
  has(path: string): boolean;
}

/** Parses a record's text; a string is the reason it is not well-formed, with its line and column in the file. */
export function parseRecord(text: string, firstLine: number): ParsedRecord | string {
  // CDATA as escaped text: its content is then decoded like any text, in document order.
  const plain = text.includes('<![CDATA[') ? text.replace(/<!\[CDATA\[([\s\S]*?)\]\]>/g, (_m, c: string) => escapeText(c)) : text;
  const valid = XMLValidator.validate(plain, { allowBooleanAttributes: false });
  if (valid !== true) {
    // The validator counts lines from the record's start; the admin needs them in the file.
    const msg = valid.err.msg.replace(/\bline (\d+)/g, (_m, n: string) => `line ${firstLine + Number(n) - 1}`);
    return `not well-formed XML at line ${firstLine + valid.err.line - 1}, column ${valid.err.col}: ${msg}`;
  }
  const doc = parser.parse(plain) as Record<string, XmlNode[]>;
  const rootName = Object.keys(doc)[0];
  const root = rootName !== undefined ? doc[rootName]?.[0] : undefined;
  if (root === undefined) return 'empty record';

  const textOf = (n: unknown): string | undefined => {
    if (typeof n === 'string') return n;
    if (n && typeof n === 'object') { const t = (n as Record<string, unknown>)['#text']; return typeof t === 'string' ? t : t === undefined ? '' : String(t); }
    return n === undefined || n === null ? undefined : String(n);
  };
  const lookup = (path: string): string[] => {
    if (path === '.') return [textOf(root) ?? ''];
    let nodes: unknown[] = [root];
    const steps = path.split('/');
    for (const [i, step] of steps.entries()) {
      const next: unknown[] = [];
      for (const n of nodes) {
        if (!n || typeof n !== 'object') continue;
        const o = n as Record<string, unknown>;
        if (step.startsWith('@')) { if (i === steps.length - 1 && o[step] !== undefined) next.push(o[step]); continue; }
        const child = o[step] ?? (step.includes(':') ? undefined : Object.entries(o).find(([k]) => k.slice(k.indexOf(':') + 1) === step)?.[1]);
        if (Array.isArray(child)) next.push(...child);
        else if (child !== undefined) next.push(child);
      }
      nodes = next;
    }
    return nodes.map(textOf).filter((v): v is string => v !== undefined).map((v) => decodeXmlText(v).trim());
  };
  return { values: lookup, has: (p) => lookup(p).length > 0 };
}
