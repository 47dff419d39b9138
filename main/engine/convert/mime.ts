/**
 * Writes the RFC 5322 / MIME form of a message. Header encoding (RFC 2047 words, address names,
 * IDN domains, RFC 2231 file names), quoted-printable and base64 come from nodemailer's MIME
 * modules; this file only lays out the parts. It does not use nodemailer's stream-based composer,
 * which runs at ~4,000 messages/s here, far below what a local import needs.
 *
 * Output is deterministic: the same input gives the same bytes (boundaries derive from the
 * Message-ID), so a message's hash is stable across runs.
 */
import MimeNode from 'nodemailer/lib/mime-node';
import * as mimeFuncs from 'nodemailer/lib/mime-funcs';
import * as qp from 'nodemailer/lib/qp';
import * as base64 from 'nodemailer/lib/base64';
import type { MailAddress } from './addresses';
import { digestHex } from './digest';

const headerEncoder = new MimeNode(false, {});
const CRLF = '\r\n';

export interface MimeAttachment {
  filename: string;
  contentType: string;
  content: Buffer;
}

export interface MimeInput {
  messageId: string;
  date: Date;
  from: MailAddress;
  to: MailAddress[];
  cc?: MailAddress[];
  bcc?: MailAddress[];
  subject: string;
  inReplyTo?: string;
  references?: string[];
  /** Extra headers in order; values are encoded as unstructured text. */
  headers: [string, string][];
  text: string;
  html?: string;
  attachments: MimeAttachment[];
}

const PLAIN_SHORT = /^[\x20-\x7e]{0,70}$/;

/** Printable ASCII without `"`: text nodemailer's encoder returns unchanged (unless it holds "=?"). */
const PLAIN_TEXT = /^[\x20\x21\x23-\x7e]*$/;
/** A msg-id with nothing the encoder would drop or change. */
const PLAIN_MSG_ID = /^<[\x21-\x7e]+>$/;
const UNSTRUCTURED = /^(?:Subject|X-[A-Za-z0-9-]+)$/;

/**
 * Address headers repeat (the same people write in a chat all day) and their encoding (IDN domains,
 * RFC 2047 names) is the costliest part of a message: encoded once per distinct value. Bounded.
 */
const addressHeaders = new Map<string, string>();
const ADDRESS_CACHE_MAX = 20_000;

function encoded(key: string, value: unknown): string {
  return mimeFuncs.foldLines(`${key}: ${headerEncoder.encodeHeaderValue(key, value as string)}`, 76) + CRLF;
}

function folded(line: string): string {
  // foldLines leaves a line shorter than 76 characters as it is.
  return (line.length < 76 ? line : mimeFuncs.foldLines(line, 76)) + CRLF;
}

function addressHeader(key: string, list: MailAddress[]): string {
  let k = key;
  for (const a of list) k += `\u0000${a.name}\u0001${a.address}`;
  let line = addressHeaders.get(k);
  if (line === undefined) {
    if (addressHeaders.size >= ADDRESS_CACHE_MAX) addressHeaders.clear();
    line = encoded(key, list);
    addressHeaders.set(k, line);
  }
  return line;
}

/** One header line (folded, CRLF-terminated), as nodemailer's encoder writes it. Exported for the tests. */
export function header(key: string, value: unknown): string {
  // Fast path for short printable-ASCII unstructured values (most X-Ferry headers): nothing to encode or fold.
  // Words that look like encoded-words ("=?") still go through the encoder, which escapes them.
  if (typeof value === 'string' && PLAIN_SHORT.test(value) && !value.includes('=?') && key.startsWith('X-')) {
    return `${key}: ${value}${CRLF}`;
  }
  // The shortcuts below give exactly what the encoder gives for such values (test/engine/mime-headers.test.ts compares them).
  if (typeof value === 'string' && UNSTRUCTURED.test(key) && PLAIN_TEXT.test(value) && !value.includes('=?')) return folded(`${key}: ${value}`);
  if ((key === 'Message-ID' || key === 'In-Reply-To') && typeof value === 'string' && PLAIN_MSG_ID.test(value)) return folded(`${key}: ${value}`);
  if (key === 'References' && Array.isArray(value) && value.every((v) => typeof v === 'string' && PLAIN_MSG_ID.test(v))) return folded(`${key}: ${value.join(' ')}`);
  return encoded(key, value);
}

function rawHeader(key: string, value: string): string {
  return mimeFuncs.foldLines(`${key}: ${value}`, 76) + CRLF;
}

function textPart(type: 'plain' | 'html', body: string): string {
  return (
    `Content-Type: text/${type}; charset=utf-8${CRLF}` +
    `Content-Transfer-Encoding: quoted-printable${CRLF}${CRLF}` +
    qp.wrap(qp.encode(body.replace(/\r?\n/g, CRLF)), 76)
  );
}

function attachmentPart(a: MimeAttachment): string {
  const disposition = mimeFuncs.buildHeaderValue({ value: 'attachment', params: { filename: a.filename } });
  const type = mimeFuncs.buildHeaderValue({ value: a.contentType, params: { name: a.filename } });
  return (
    rawHeader('Content-Type', type) +
    rawHeader('Content-Disposition', disposition) +
    `Content-Transfer-Encoding: base64${CRLF}${CRLF}` +
    base64.wrap(base64.encode(a.content), 76)
  );
}

function multipart(subtype: string, boundary: string, parts: string[]): string {
  return (
    `Content-Type: multipart/${subtype};${CRLF} boundary="${boundary}"${CRLF}${CRLF}` +
    parts.map((p) => `--${boundary}${CRLF}${p}${CRLF}`).join('') +
    `--${boundary}--${CRLF}`
  );
}

/** Formats a date as RFC 5322 in UTC: `Sun, 01 Nov 2015 14:03:00 +0000`. */
export function rfc5322Date(d: Date): string {
  return d.toUTCString().replace(/GMT$/, '+0000');
}

export function writeMime(m: MimeInput): Buffer {
  // Boundaries contain "=_", which neither quoted-printable nor base64 output can contain.
  const seed = digestHex('sha1', m.messageId).slice(0, 24);
  let head =
    header('Message-ID', m.messageId) +
    rawHeader('Date', rfc5322Date(m.date)) +
    addressHeader('From', [m.from]) +
    (m.to.length ? addressHeader('To', m.to) : '') +
    (m.cc?.length ? addressHeader('Cc', m.cc) : '') +
    (m.bcc?.length ? addressHeader('Bcc', m.bcc) : '') +
    header('Subject', m.subject);
  if (m.inReplyTo) head += header('In-Reply-To', m.inReplyTo);
  if (m.references?.length) head += header('References', m.references);
  head += `MIME-Version: 1.0${CRLF}`;
  for (const [k, v] of m.headers) head += header(k, v);

  const alternative = m.html
    ? multipart('alternative', `----=_Alt_${seed}`, [textPart('plain', m.text), textPart('html', m.html)])
    : textPart('plain', m.text);
  const body = m.attachments.length
    ? multipart('mixed', `----=_Mix_${seed}`, [alternative, ...m.attachments.map(attachmentPart)])
    : alternative;
  return Buffer.from(head + body, 'utf8');
}

/** The content type for a file name, from nodemailer's table; octet-stream when unknown. */
export function contentTypeFor(filename: string): string {
  const dot = filename.lastIndexOf('.');
  return dot < 0 ? 'application/octet-stream' : mimeFuncs.detectMimeType(filename.slice(dot + 1).toLowerCase());
}
