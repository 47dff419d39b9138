/**
 * Writes the RFC 5322 / MIME form of a message. Header encoding (RFC 2047 words, address names,
 * IDN domains, RFC 2231 file names), quoted-printable and base64 come from nodemailer's MIME
 * modules; this file only lays out the parts. It does not use nodemailer's stream-based composer,
 * which runs at ~4,000 messages/s here, far below what a local import needs.
 *
 * Output is deterministic: the same input gives the same bytes (boundaries derive from the
 * Message-ID), so a message's hash is stable across runs.
 */
import { createHash } from 'node:crypto';
import MimeNode from 'nodemailer/lib/mime-node';
import * as mimeFuncs from 'nodemailer/lib/mime-funcs';
import * as qp from 'nodemailer/lib/qp';
import * as base64 from 'nodemailer/lib/base64';
import type { MailAddress } from './addresses';

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

function header(key: string, value: unknown): string {
  // Fast path for short printable-ASCII unstructured values (most X-Ferry headers): nothing to encode or fold.
  // Words that look like encoded-words ("=?") still go through the encoder, which escapes them.
  if (typeof value === 'string' && PLAIN_SHORT.test(value) && !value.includes('=?') && key.startsWith('X-')) {
    return `${key}: ${value}${CRLF}`;
  }
  const encoded = headerEncoder.encodeHeaderValue(key, value as string);
  return mimeFuncs.foldLines(`${key}: ${encoded}`, 76) + CRLF;
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
  const seed = createHash('sha1').update(m.messageId).digest('hex').slice(0, 24);
  let head =
    header('Message-ID', m.messageId) +
    rawHeader('Date', rfc5322Date(m.date)) +
    header('From', [m.from]) +
    (m.to.length ? header('To', m.to) : '') +
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
