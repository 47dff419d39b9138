/**
 * A converted message as Graph's message JSON (create message in a mailFolder):
 * - subject, body (HTML when there is one, else text), from, toRecipients (and ccRecipients for
 *   pass-through mail), internetMessageId = the message's deterministic Message-ID;
 * - singleValueExtendedProperties: PR_MESSAGE_CLASS (`String 0x001A`); PR_MESSAGE_FLAGS
 *   (`Integer 0x0E07` = 1, read and not a draft; it can only be set when the item is created);
 *   the original date as PR_CLIENT_SUBMIT_TIME (`SystemTime 0x0039`) and PR_MESSAGE_DELIVERY_TIME
 *   (`SystemTime 0x0E06`), which Graph shows as sentDateTime and receivedDateTime; and the reply
 *   chain as PR_IN_REPLY_TO_ID (`String 0x1042`) and PR_INTERNET_REFERENCES (`String 0x1039`);
 * - internetMessageHeaders: Graph takes only `x-` headers, and no more than 5 per message, so the
 *   five most useful X-Ferry headers are kept (see HEADER_PRIORITY); the rest stay in the local
 *   archive's copy of the MIME.
 * Pass-through messages (no structured parts) are read from their MIME with mailparser.
 */
import { simpleParser, type AddressObject, type ParsedMail } from 'mailparser';
import * as mimeFuncs from 'nodemailer/lib/mime-funcs';
import type { ConvertedMessage } from '../../convert/convert';
import type { MailAddress } from '../../convert/addresses';

export const PROP = {
  messageClass: 'String 0x001A',
  messageFlags: 'Integer 0x0E07',
  clientSubmitTime: 'SystemTime 0x0039',
  deliveryTime: 'SystemTime 0x0E06',
  inReplyTo: 'String 0x1042',
  references: 'String 0x1039',
  /** Ferry's own named property: `incomplete` while attachments are still being added after the create. */
  deliveryState: 'String {4F3C2A71-8B0E-4D59-9E6A-2C7D1B5F0A93} Name FerryDeliveryState',
} as const;

/** MSGFLAG_READ: read, and (without MSGFLAG_UNSENT) not a draft. */
export const MESSAGE_FLAGS_READ = '1';
export const MAX_INTERNET_HEADERS = 5;
/** Kept in this order when a message has more X- headers than Graph takes. */
const HEADER_PRIORITY = ['x-ferry-source', 'x-ferry-source-id', 'x-ferry-from-id', 'x-ferry-to-id', 'x-ferry-conversation-id', 'x-ferry-event', 'x-ferry-conversation'];
/** Already carried elsewhere (PR_MESSAGE_CLASS), so not worth one of the five slots. */
const SKIP_HEADERS = new Set(['x-ferry-message-class']);
const MAX_HEADER_VALUE = 900;

export interface OutgoingAttachment {
  name: string;
  contentType: string;
  content: Buffer;
  isInline: boolean;
  contentId?: string;
}

export interface GraphMessage {
  /** The create request's JSON, without attachments. */
  json: Record<string, unknown>;
  attachments: OutgoingAttachment[];
}

const recipient = (a: MailAddress) => ({ emailAddress: { ...(a.name ? { name: a.name } : {}), address: a.address } });

function addressesOf(a: AddressObject | AddressObject[] | undefined): MailAddress[] {
  const list = Array.isArray(a) ? a : a ? [a] : [];
  const out: MailAddress[] = [];
  const walk = (v: { name?: string; address?: string; group?: unknown[] }[]) => {
    for (const x of v) {
      if (x.group) walk(x.group as typeof v);
      else if (x.address) out.push({ name: x.name ?? '', address: x.address });
    }
  };
  for (const o of list) walk(o.value);
  return out;
}

/** One header value Graph will store as sent: unfolded, RFC 2047-encoded when not ASCII. */
function headerValue(v: string): string {
  const flat = v.replace(/\r?\n[ \t]*/g, ' ').trim();
  return /^[\x20-\x7e]*$/.test(flat) ? flat : mimeFuncs.encodeWords(flat, 'Q', 0);
}

/** The (at most five) X- headers sent to Graph; repeated names are joined into one value. */
export function pickHeaders(headers: [string, string][]): { name: string; value: string }[] {
  const byName = new Map<string, { name: string; values: string[] }>();
  for (const [name, value] of headers) {
    const k = name.toLowerCase();
    if (!k.startsWith('x-') || SKIP_HEADERS.has(k)) continue;
    const e = byName.get(k);
    if (e) e.values.push(value); else byName.set(k, { name, values: [value] });
  }
  const ordered = [
    ...HEADER_PRIORITY.filter((k) => byName.has(k)),
    ...[...byName.keys()].filter((k) => k.startsWith('x-ferry-') && !HEADER_PRIORITY.includes(k)),
    ...[...byName.keys()].filter((k) => !k.startsWith('x-ferry-')),
  ];
  const out: { name: string; value: string }[] = [];
  for (const k of ordered) {
    const e = byName.get(k)!;
    const value = headerValue(e.values.join(', '));
    if (value.length > MAX_HEADER_VALUE) continue;
    out.push({ name: e.name, value });
    if (out.length === MAX_INTERNET_HEADERS) break;
  }
  return out;
}

function baseProperties(m: ConvertedMessage, date: Date, inReplyTo?: string, references?: string[]): { id: string; value: string }[] {
  const iso = date.toISOString();
  return [
    { id: PROP.messageClass, value: m.messageClass },
    { id: PROP.messageFlags, value: MESSAGE_FLAGS_READ },
    { id: PROP.clientSubmitTime, value: iso },
    { id: PROP.deliveryTime, value: iso },
    ...(inReplyTo ? [{ id: PROP.inReplyTo, value: inReplyTo }] : []),
    ...(references?.length ? [{ id: PROP.references, value: references.join(' ') }] : []),
  ];
}

function fromParts(m: ConvertedMessage, parts: NonNullable<ConvertedMessage['parts']>): GraphMessage {
  return {
    json: {
      subject: m.subject,
      body: parts.html !== undefined ? { contentType: 'html', content: parts.html } : { contentType: 'text', content: parts.text },
      from: recipient(m.from),
      toRecipients: m.to.map(recipient),
      ...(m.cc?.length ? { ccRecipients: m.cc.map(recipient) } : {}),
      ...(m.bcc?.length ? { bccRecipients: m.bcc.map(recipient) } : {}),
      internetMessageId: m.messageId,
      internetMessageHeaders: pickHeaders(parts.headers),
      singleValueExtendedProperties: baseProperties(m, m.date, parts.inReplyTo, parts.references),
    },
    attachments: parts.attachments.map((a) => ({ name: a.filename, contentType: a.contentType, content: a.content, isInline: false })),
  };
}

async function fromMime(m: ConvertedMessage): Promise<GraphMessage> {
  const p: ParsedMail = await simpleParser(m.mime, { skipImageLinks: true, skipTextToHtml: true, skipTextLinks: true });
  const from = addressesOf(p.from)[0] ?? m.from;
  const to = addressesOf(p.to);
  const cc = addressesOf(p.cc);
  const headers: [string, string][] = p.headerLines.map((h) => {
    const i = h.line.indexOf(':');
    return [h.line.slice(0, i).trim(), h.line.slice(i + 1).trim()];
  });
  const references = typeof p.references === 'string' ? [p.references] : p.references;
  return {
    json: {
      subject: p.subject ?? m.subject,
      body: typeof p.html === 'string' ? { contentType: 'html', content: p.html } : { contentType: 'text', content: p.text ?? '' },
      from: recipient(from),
      toRecipients: (to.length ? to : m.to).map(recipient),
      ...(cc.length ? { ccRecipients: cc.map(recipient) } : {}),
      internetMessageId: m.messageId,
      internetMessageHeaders: pickHeaders(headers),
      singleValueExtendedProperties: baseProperties(m, m.date, p.inReplyTo, references),
    },
    attachments: p.attachments.map((a, i) => {
      const inline = a.contentDisposition === 'inline' && !!a.contentId;
      return {
        name: a.filename ?? `attachment-${i + 1}${a.contentType === 'message/rfc822' ? '.eml' : ''}`,
        contentType: a.contentType || 'application/octet-stream', content: a.content, isInline: inline,
        ...(inline ? { contentId: a.contentId!.replace(/^<|>$/g, '') } : {}),
      };
    }),
  };
}

export async function graphMessage(m: ConvertedMessage): Promise<GraphMessage> {
  return m.parts ? fromParts(m, m.parts) : fromMime(m);
}

/** An attachment in Graph's fileAttachment form. */
export function fileAttachmentJson(a: OutgoingAttachment): Record<string, unknown> {
  return {
    '@odata.type': '#microsoft.graph.fileAttachment', name: a.name, contentType: a.contentType,
    contentBytes: a.content.toString('base64'), isInline: a.isInline, ...(a.contentId ? { contentId: a.contentId } : {}),
  };
}
