/**
 * The mapping file: a CSV of source user id → mailbox, optionally valid between two dates. Read
 * the way admins' files really are: saved by Excel (CRLF, a BOM, or Windows-1252 with no BOM, or
 * UTF-16 "Unicode text"), comma, semicolon or tab separated, quoted fields, blank lines, headers
 * named in several usual ways (Microsoft's `External User ID` / `Microsoft 365 User Mailbox` among
 * them) or no header at all. Every bad row is reported with its line and reason; good rows load.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import Papa from 'papaparse';
import iconv from 'iconv-lite';
import type { IdentityKind } from '../item';
import { configError } from '../errors';
import { type Region, cleanCell, readExternalId } from './identity';
import { type DateOrder, orderEvidence, parseValidityDate, readNumericDate } from './dates';
import { ConflictChecker, type MappingRow, describeValidity } from './mapping-table';

export interface MappingRowError {
  line: number;
  /** The id cell as written, when there is one. */
  externalId?: string;
  reason: string;
}

export interface MappingColumns {
  id: string;
  mailbox: string;
  validFrom?: string;
  validTo?: string;
  kind?: string;
}

export interface MappingCheck {
  /** The file name used in messages. */
  file: string;
  encoding: 'utf-8' | 'utf-16le' | 'utf-16be' | 'windows-1252';
  delimiter: string;
  /** False when the file has no header row (columns read by position: id, mailbox, from, to). */
  header: boolean;
  /** The header names found for each column, or `column N`. */
  columns: MappingColumns;
  /** How day/month dates were read: from the file's unambiguous dates, or the caller's setting. */
  dateOrder: DateOrder | null;
  /** The region national phone numbers were read in. */
  defaultRegion: Region | null;
  rows: MappingRow[];
  errors: MappingRowError[];
  /** Things worth knowing that are not errors (how dates were read, duplicate rows). */
  notes: string[];
}

export interface MappingParseOptions {
  /** Name used in messages (default `mapping.csv`). */
  fileName?: string;
  /** Region for phone numbers written without a country code. */
  defaultRegion?: Region | null;
  /** Force the day/month order of `dd/mm/yyyy`-style dates instead of inferring it from the file. */
  dateOrder?: DateOrder;
}

const norm = (h: string) => cleanCell(h).toLowerCase().replace(/[^a-z0-9]+/g, '');

/** Accepted header names, normalised (lower-case, letters and digits only), most specific first. */
const HEADERS = {
  mailbox: ['microsoft365usermailbox', 'office365usermailbox', 'microsoft365mailbox', 'office365mailbox', 'm365usermailbox',
    'o365usermailbox', 'm365mailbox', 'o365mailbox', 'usermailbox', 'mailbox', 'mailboxaddress', 'mailboxemail', 'targetmailbox',
    'destinationmailbox', 'exchangemailbox', 'userprincipalname', 'upn', 'primarysmtpaddress', 'smtpaddress', 'targetemail',
    'workemail', 'corporateemail', 'emailaddress', 'email', 'mail'],
  id: ['externaluserid', 'externalid', 'externaluser', 'externalidentity', 'externaluseridentifier', 'sourceuserid', 'sourceid',
    'sourceuser', 'sourceidentity', 'thirdpartyuserid', 'thirdpartyid', 'platformuserid', 'userid', 'identity', 'identifier',
    'handle', 'username', 'screenname', 'phone', 'phonenumber', 'mobile', 'mobilenumber', 'mobilephone', 'cellphone', 'telephone',
    'msisdn', 'number', 'user', 'account', 'id', 'externalemail', 'sourceemail', 'emailaddress', 'email'],
  validFrom: ['validfrom', 'validfromdate', 'validsince', 'effectivefrom', 'effectivedate', 'startdate', 'start', 'fromdate', 'from', 'since', 'begin'],
  validTo: ['validto', 'validtodate', 'validuntil', 'effectiveto', 'enddate', 'end', 'todate', 'to', 'until', 'expires', 'expiry', 'expirydate'],
  kind: ['idtype', 'identitytype', 'externalidtype', 'type', 'kind'],
} as const;

const KIND_WORDS: Record<string, IdentityKind> = {
  phone: 'phone', phonenumber: 'phone', mobile: 'phone', tel: 'phone', telephone: 'phone', sms: 'phone', whatsapp: 'phone', msisdn: 'phone',
  email: 'email', mail: 'email', emailaddress: 'email',
  handle: 'handle', username: 'handle', screenname: 'handle',
  userid: 'user-id', user: 'user-id', id: 'user-id', platformid: 'user-id', platformuserid: 'user-id',
};

const MAILBOX = /^[^\s@<>()[\],;:"\\]+@(?:[\p{L}\p{N}](?:[\p{L}\p{N}-]*[\p{L}\p{N}])?\.)+[\p{L}]{2,}$/u;

/** A mailbox cell: a bare address, `Name <address>` or `mailto:address`; a string error otherwise. */
export function readMailbox(raw: string): string | { error: string } {
  let s = cleanCell(raw);
  if (!s) return { error: 'the mailbox is empty' };
  const angle = /<([^<>]+)>\s*$/.exec(s);
  if (angle) s = angle[1]!.trim();
  s = s.replace(/^mailto:/i, '');
  return MAILBOX.test(s) ? s : { error: `"${cleanCell(raw)}" is not an email address` };
}

/** Text of a file saved by whatever tool: UTF-8 (with or without BOM), UTF-16 with BOM, else Windows-1252. */
export function decodeMappingText(buf: Buffer): { text: string; encoding: MappingCheck['encoding'] } {
  if (buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) return { text: buf.subarray(3).toString('utf8'), encoding: 'utf-8' };
  if (buf[0] === 0xff && buf[1] === 0xfe) return { text: buf.subarray(2).toString('utf16le'), encoding: 'utf-16le' };
  if (buf[0] === 0xfe && buf[1] === 0xff) return { text: iconv.decode(buf.subarray(2), 'utf16be'), encoding: 'utf-16be' };
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(buf), encoding: 'utf-8' };
  } catch {
    // Excel's "CSV (Comma delimited)" writes the Windows code page, with no marker.
    return { text: iconv.decode(buf, 'win1252'), encoding: 'windows-1252' };
  }
}

interface CsvRecord {
  cells: string[];
  line: number;
  error?: string;
}

/** Splits the text into records with the line each starts on (quoted fields may span lines). */
function records(text: string): { records: CsvRecord[]; delimiter: string } {
  const out: CsvRecord[] = [];
  let prev = 0;
  let line = 1;
  // Guessed over non-blank lines: a trailing blank line would otherwise spoil the guess for two-column files.
  const delimiter = Papa.parse<string[]>(text, { delimitersToGuess: [',', ';', '\t', '|'], skipEmptyLines: 'greedy', preview: 50 }).meta.delimiter;
  Papa.parse<string[]>(text, {
    delimiter,
    step: (r) => {
      const end = r.meta.cursor;
      const rec: CsvRecord = { cells: r.data, line };
      const quote = r.errors.find((e) => e.type === 'Quotes');
      if (quote) rec.error = `a quoted field is not closed (${quote.message}); the rest of the file cannot be read reliably`;
      out.push(rec);
      line += countBreaks(text, prev, end);
      prev = end;
    },
  });
  return { records: out, delimiter };
}

function countBreaks(text: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) n++;
    else if (c === 13) { n++; if (text.charCodeAt(i + 1) === 10) i++; }
  }
  return n;
}

const blank = (cells: string[]) => cells.every((c) => !cleanCell(c));

function pick(headers: string[], names: readonly string[], taken: Set<number>): number {
  for (const name of names) {
    const i = headers.findIndex((h, j) => h === name && !taken.has(j));
    if (i >= 0) return i;
  }
  return -1;
}

interface Layout {
  header: boolean;
  id: number;
  mailbox: number;
  validFrom: number;
  validTo: number;
  kind: number;
  names: MappingColumns;
}

function layoutOf(first: CsvRecord, file: string): Layout {
  const headers = first.cells.map(norm);
  const taken = new Set<number>();
  const take = (names: readonly string[]) => { const i = pick(headers, names, taken); if (i >= 0) taken.add(i); return i; };
  let mailbox = take(HEADERS.mailbox);
  if (mailbox < 0) { mailbox = headers.findIndex((h) => h.includes('mailbox')); if (mailbox >= 0) taken.add(mailbox); }
  const id = take(HEADERS.id);
  const validFrom = take(HEADERS.validFrom);
  const validTo = take(HEADERS.validTo);
  const kind = take(HEADERS.kind);
  if (mailbox >= 0 && id >= 0) {
    const name = (i: number) => cleanCell(first.cells[i]!);
    return {
      header: true, id, mailbox, validFrom, validTo, kind,
      names: { id: name(id), mailbox: name(mailbox), ...(validFrom >= 0 ? { validFrom: name(validFrom) } : {}),
        ...(validTo >= 0 ? { validTo: name(validTo) } : {}), ...(kind >= 0 ? { kind: name(kind) } : {}) },
    };
  }
  // No recognisable header, but the first row is data (an address in the second column): read by position.
  if (mailbox < 0 && id < 0 && first.cells.length >= 2 && typeof readMailbox(first.cells[1]!) === 'string' && cleanCell(first.cells[0]!)) {
    const n = first.cells.length;
    return {
      header: false, id: 0, mailbox: 1, validFrom: n > 2 ? 2 : -1, validTo: n > 3 ? 3 : -1, kind: -1,
      names: { id: 'column 1', mailbox: 'column 2', ...(n > 2 ? { validFrom: 'column 3' } : {}), ...(n > 3 ? { validTo: 'column 4' } : {}) },
    };
  }
  const seen = first.cells.map((c) => `"${cleanCell(c)}"`).join(', ');
  const missing = mailbox < 0 ? 'mailbox column' : 'external user id column';
  throw configError(`${file} line ${first.line}: the header names no ${missing} (${seen}); name the columns "External User ID" and "Microsoft 365 User Mailbox", optionally "Valid From" and "Valid To"`);
}

/** Reads the day/month order the file's dates are written in, from the cells that can only be read one way. */
function inferOrder(recs: CsvRecord[], l: Layout, forced: DateOrder | undefined, notes: string[]): DateOrder | null {
  if (forced) return forced;
  const seen: Partial<Record<DateOrder, number>> = {};
  for (const r of recs) {
    for (const col of [l.validFrom, l.validTo]) {
      const d = col >= 0 ? readNumericDate(cleanCell(r.cells[col] ?? '')) : null;
      const ev = d && d.separator !== '.' ? orderEvidence(d) : null;
      if (ev && seen[ev] === undefined) seen[ev] = r.line;
    }
  }
  if (seen.dmy !== undefined && seen.mdy !== undefined) {
    notes.push(`the file mixes day/month dates (line ${seen.dmy}) and month/day dates (line ${seen.mdy}); dates that could be read either way are reported`);
    return null;
  }
  if (seen.dmy !== undefined) { notes.push(`dates read as day/month/year (line ${seen.dmy} can only be read that way)`); return 'dmy'; }
  if (seen.mdy !== undefined) { notes.push(`dates read as month/day/year (line ${seen.mdy} can only be read that way)`); return 'mdy'; }
  return null;
}

export function parseMappingCsv(data: Buffer | string, opts: MappingParseOptions = {}): MappingCheck {
  const file = opts.fileName ?? 'mapping.csv';
  const region = opts.defaultRegion ?? null;
  const decoded = typeof data === 'string' ? { text: data.replace(/^\ufeff/, ''), encoding: 'utf-8' as const } : decodeMappingText(data);
  const { records: all, delimiter } = records(decoded.text);
  const recs = all.filter((r) => !blank(r.cells) || r.error);
  if (!recs.length) throw configError(`${file}: the file is empty`);
  const layout = layoutOf(recs[0]!, file);
  const dataRecs = layout.header ? recs.slice(1) : recs;
  const notes: string[] = [];
  const order = inferOrder(dataRecs, layout, opts.dateOrder, notes);
  const rows: MappingRow[] = [];
  const errors: MappingRowError[] = [];
  const conflicts = new ConflictChecker();
  const cell = (r: CsvRecord, i: number) => (i >= 0 ? cleanCell(r.cells[i] ?? '') : '');

  for (const r of dataRecs) {
    const idText = cell(r, layout.id);
    const fail = (reason: string) => errors.push({ line: r.line, ...(idText ? { externalId: idText } : {}), reason });
    if (r.error) { fail(r.error); continue; }
    let kindHint: IdentityKind | undefined;
    const kindText = cell(r, layout.kind);
    if (kindText) {
      kindHint = KIND_WORDS[norm(kindText)];
      if (!kindHint) { fail(`unknown id type "${kindText}" (use phone, email, handle or user-id)`); continue; }
    }
    const ext = readExternalId(idText, region, kindHint);
    if (typeof ext === 'string') { fail(ext); continue; }
    const mailbox = readMailbox(cell(r, layout.mailbox));
    if (typeof mailbox !== 'string') { fail(`${mailbox.error} (the mailbox column)`); continue; }
    const fromText = cell(r, layout.validFrom);
    const toText = cell(r, layout.validTo);
    const from = fromText ? parseValidityDate(fromText, 'from', order) : null;
    if (typeof from === 'string') { fail(`valid-from date ${from}`); continue; }
    const to = toText ? parseValidityDate(toText, 'to', order) : null;
    if (typeof to === 'string') { fail(`valid-to date ${to}`); continue; }
    if (from && to && from.getTime() > to.getTime()) { fail(`the valid-from date ${fromText} is after the valid-to date ${toText}`); continue; }
    const row: MappingRow = {
      line: r.line, externalId: idText, kind: ext.kind, key: ext.key, aliases: ext.aliases, mailbox,
      validFrom: from ? from.toISOString() : null, validTo: to ? to.toISOString() : null,
    };
    const clash = conflicts.add(row);
    if (clash) {
      fail(`${idText} is already mapped to ${clash.mailbox} on line ${clash.line} (${describeValidity(clash)}); it cannot also map to ${mailbox} ${describeValidity(row)}: give the rows dates that do not overlap`);
      continue;
    }
    rows.push(row);
  }
  return { file, encoding: decoded.encoding, delimiter, header: layout.header, columns: layout.names, dateOrder: order, defaultRegion: region, rows, errors, notes };
}

/** Reads and checks a mapping file. Throws a config error only when the file as a whole is unusable. */
export async function readMappingFile(file: string, opts: Omit<MappingParseOptions, 'fileName'> = {}): Promise<MappingCheck> {
  let buf: Buffer;
  try {
    buf = await fs.readFile(file);
  } catch (err) {
    throw configError(`mapping file ${file} cannot be read (${(err as Error).message})`, err);
  }
  return parseMappingCsv(buf, { ...opts, fileName: path.basename(file) });
}
