/**
 * One email message (its exact bytes) → a pass-through item. The bytes are kept as they are in
 * `item.mime`; mailparser only fills the fields that validation, routing and the index need.
 * A message whose From or Date cannot be read still becomes an item: validation then fails it with
 * the missing property, and the raw header value stays in `meta` so the reason can be traced.
 */
import { createHash } from 'node:crypto';
import iconv from 'iconv-lite';
import type { AddressObject, EmailAddress, HeaderValue, Headers, StructuredHeader } from 'mailparser';
import type { Identity, Item, Origin, SourceRecord } from '../../item';
import { findHeader } from '../../convert/pass-through';
import { errorMessage } from '../../errors';
import { parseMailDate } from './mail-date';
import { parseMail, readAttachment } from './parse-mail';

export const MAIL_SOURCE = 'Mail';
export const MAIL_EVENT = 'Message';
export const MAIL_PLATFORM = 'mail';

/** A header field line (`Name: value`, RFC 5322 field name characters), allowing obsolete space before the colon. */
const HEADER_LINE = /^[\x21-\x39\x3b-\x7e]+[ \t]*:/;

/** Nothing but whitespace (scans only up to the first other byte: a message can be hundreds of MB). */
function isBlank(raw: Buffer): boolean {
  for (const b of raw) if (b !== 0x20 && b !== 0x09 && b !== 0x0d && b !== 0x0a) return false;
  return true;
}

export function startsWithHeader(raw: Buffer): boolean {
  return HEADER_LINE.test(raw.subarray(0, 1000).toString('latin1'));
}

function addressList(v: HeaderValue | undefined): EmailAddress[] {
  if (!v) return [];
  const objects = (Array.isArray(v) ? v : [v]) as AddressObject[];
  const flat: EmailAddress[] = [];
  const walk = (list: EmailAddress[] | undefined) => {
    for (const a of list ?? []) {
      if (a.group) walk(a.group);
      else if (a.address?.trim()) flat.push(a);
    }
  };
  for (const o of objects) if (o && typeof o === 'object' && 'value' in o) walk(o.value);
  return flat;
}

function identity(a: EmailAddress): Identity {
  const address = a.address!.trim();
  return { id: address, kind: 'email', platform: MAIL_PLATFORM, ...(a.name ? { name: a.name } : {}), email: address };
}

/** The Message-ID the converter will keep (the first `<…>` token), without brackets; else the raw value. */
function messageIdOf(raw: Buffer): string | undefined {
  const value = findHeader(raw, 'Message-ID');
  if (value === undefined) return undefined;
  const bracketed = /<([^<>\s]+)>/.exec(value)?.[1];
  return bracketed ?? (value.trim() || undefined);
}

/** A raw header value as text for `meta`: the bytes read as UTF-8 (RFC 6532), latin1 would garble them. */
function rawHeader(raw: Buffer, name: string): string | undefined {
  const v = findHeader(raw, name);
  return v === undefined ? undefined : Buffer.from(v, 'latin1').toString('utf8');
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * A Subject in raw 8-bit bytes that are not UTF-8 (old mutt, Outlook): mailparser reads them as
 * UTF-8 and gets U+FFFD. They are read in the message's declared charset instead, or windows-1252.
 */
function subjectOf(raw: Buffer, headers: Headers): string | undefined {
  const parsed = headers.get('subject');
  const subject = typeof parsed === 'string' ? parsed : undefined;
  const value = findHeader(raw, 'Subject');
  if (value === undefined || !subject?.includes('\uFFFD') || value.includes('=?')) return subject;
  const bytes = Buffer.from(value, 'latin1');
  try {
    strictUtf8.decode(bytes);
    return subject; // valid UTF-8 that really holds U+FFFD
  } catch {
    const declared = (headers.get('content-type') as StructuredHeader | undefined)?.params?.charset;
    return iconv.decode(bytes, declared && iconv.encodingExists(declared) ? declared : 'windows-1252');
  }
}

export interface MessageRecordOptions {
  /** `message` inside an mbox, `file` for an .eml. */
  noun: 'message' | 'file';
  /** Extra facts for `meta` (the mbox envelope line). */
  meta?: Record<string, string>;
}

export async function messageRecord(raw: Buffer, origin: Origin, opts: MessageRecordOptions): Promise<SourceRecord> {
  if (isBlank(raw)) {
    return { bad: true, origin, reason: `empty ${opts.noun}: no header block, no body` };
  }
  if (!startsWithHeader(raw)) {
    const first = raw.subarray(0, Math.min(raw.length, 60)).toString('utf8').split(/\r?\n/)[0];
    return { bad: true, origin, reason: `not an email message: no header block (the first line, "${first}", is not a "Name: value" header)` };
  }
  const id = messageIdOf(raw) ?? createHash('sha256').update(raw).digest('hex');
  let parsed;
  try {
    parsed = await parseMail(raw);
  } catch (err) {
    return { bad: true, origin, id, reason: `cannot be parsed as a MIME message: ${errorMessage(err)}` };
  }
  const h = parsed.headers;
  const meta: Record<string, string> = { ...opts.meta };

  const fromRaw = rawHeader(raw, 'From');
  const sender = addressList(h.get('from'))[0];
  if (!sender && fromRaw !== undefined) meta['Unparsed-From'] = fromRaw;

  const dateRaw = rawHeader(raw, 'Date');
  const date = parseMailDate(dateRaw);
  if (!date && dateRaw !== undefined) meta['Unparsed-Date'] = dateRaw;

  let recipients = [...addressList(h.get('to')), ...addressList(h.get('cc')), ...addressList(h.get('bcc'))];
  if (!recipients.length) {
    // Mail received as Bcc or through a list often has no To at all; the delivery header names the
    // mailbox it was delivered to, which is who received it.
    recipients = addressList(h.get('delivered-to'));
    if (recipients.length) meta['Recipients-From'] = 'Delivered-To';
  }
  if (parsed.textProblem) meta['Text-Problem'] = parsed.textProblem;

  const subject = subjectOf(raw, h);
  const item: Item = {
    source: MAIL_SOURCE, event: MAIL_EVENT, id, origin,
    ...(sender ? { from: identity(sender) } : {}),
    to: recipients.map(identity),
    ...(subject !== undefined ? { subject } : {}),
    ...(date ? { date } : {}),
    text: parsed.text,
    attachments: parsed.attachments.map((a, i) => ({
      filename: a.filename, contentType: a.contentType, size: a.size,
      read: () => readAttachment(raw, i),
    })),
    meta,
    mime: raw,
  };
  return item;
}
