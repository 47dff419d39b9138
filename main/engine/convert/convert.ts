/**
 * Item → message. Applies the size limit: an item over it either fails or is kept without its
 * largest attachments ("partially imported"), with the reason recorded. Never dropped silently.
 */
import type { Attachment, Item } from '../item';
import { describeOrigin } from '../item';
import { dataError, errorMessage } from '../errors';
import { type AddressResolver, type MailAddress, defaultResolver } from './addresses';
import { messageClassFor, messageIdFor } from './message-id';
import { type MimeAttachment, type MimeInput, contentTypeFor, writeMime } from './mime';
import { escapeHtml } from './body';
import { passThrough } from './pass-through';

export const DEFAULT_MAX_ITEM_BYTES = 10 * 1024 * 1024;

export interface ConvertOptions {
  resolve?: AddressResolver;
  /** Largest message written whole (bytes). */
  maxItemBytes?: number;
  /** Over the limit: 'partial' leaves out attachments until it fits; 'fail' fails the item. */
  oversize?: 'partial' | 'fail';
}

export interface ConvertedMessage {
  messageId: string;
  messageClass: string;
  from: MailAddress;
  to: MailAddress[];
  cc?: MailAddress[];
  bcc?: MailAddress[];
  subject: string;
  date: Date;
  /** Plain text for the full-text index. */
  text: string;
  mime: Buffer;
  /**
   * The structured parts, for destinations that create messages from fields (Graph JSON) instead of
   * MIME. Absent for pass-through messages: parse `mime` for those.
   */
  parts?: { text: string; html?: string; attachments: MimeAttachment[]; headers: [string, string][]; inReplyTo?: string; references?: string[] };
  attachmentNames: string[];
  /** Attachments left out for the size limit; non-empty means "partially imported". */
  omitted: { filename: string; size: number }[];
  /** Why the item is partial, when it is. */
  partialReason?: string;
}

function dedupeAddresses(list: MailAddress[]): MailAddress[] {
  const seen = new Set<string>();
  return list.filter((a) => {
    const k = a.address.toLowerCase();
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

function sizeText(n: number): string {
  return n >= 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(1)} MB` : `${Math.ceil(n / 1024)} KB`;
}

/** Source facts as X-Ferry-* headers. */
function ferryHeaders(item: Item, messageClass: string): [string, string][] {
  const h: [string, string][] = [
    ['X-Ferry-Message-Class', messageClass],
    ['X-Ferry-Source', item.source],
    ['X-Ferry-Event', item.event],
    ['X-Ferry-Source-Id', item.id],
  ];
  if (item.from) h.push(['X-Ferry-From-Id', `${item.from.kind}:${item.from.id}`]);
  for (const t of item.to) h.push(['X-Ferry-To-Id', `${t.kind}:${t.id}`]);
  for (const t of item.cc ?? []) h.push(['X-Ferry-Cc-Id', `${t.kind}:${t.id}`]);
  for (const t of item.bcc ?? []) h.push(['X-Ferry-Bcc-Id', `${t.kind}:${t.id}`]);
  if (item.conversation) {
    h.push(['X-Ferry-Conversation-Id', item.conversation.id]);
    if (item.conversation.name) h.push(['X-Ferry-Conversation', item.conversation.name]);
  }
  for (const [k, v] of Object.entries(item.meta)) h.push([`X-Ferry-${k}`, v]);
  return h;
}

export async function convertItem(item: Item, opts: ConvertOptions = {}): Promise<ConvertedMessage> {
  const resolve = opts.resolve ?? defaultResolver;
  const max = opts.maxItemBytes ?? DEFAULT_MAX_ITEM_BYTES;
  const oversize = opts.oversize ?? 'partial';
  const messageClass = messageClassFor(item.source, item.event, item.messageClass);
  const where = `item ${item.id} (${describeOrigin(item.origin)})`;
  if (!item.from || !item.date) throw dataError(`${where}: cannot convert without FROM and DATE`);
  const from = resolve(item.from);
  const to = dedupeAddresses(item.to.map(resolve));
  // Copies only when the source has them, so items without keep their exact shape and bytes.
  const copies: { cc?: MailAddress[]; bcc?: MailAddress[] } = {};
  if (item.cc?.length) copies.cc = dedupeAddresses(item.cc.map(resolve));
  if (item.bcc?.length) copies.bcc = dedupeAddresses(item.bcc.map(resolve));
  const subject = item.subject ?? '';

  if (item.mime) {
    if (item.mime.length > max) {
      throw dataError(`${where}: message is ${sizeText(item.mime.length)}, over the ${sizeText(max)} limit; a pass-through message is never altered, so it is not imported`);
    }
    const pt = passThrough(item.mime, { messageClass, source: item.source, fallbackId: messageIdFor(item.source, item.id) });
    return { messageId: pt.messageId, messageClass, from, to, ...copies, subject, date: item.date, text: item.text ?? '', mime: pt.mime,
      attachmentNames: item.attachments.map((a) => a.filename), omitted: [] };
  }

  const messageId = messageIdFor(item.source, item.id);
  const refs = (item.thread ?? (item.replyTo ? [item.replyTo] : [])).map((id) => messageIdFor(item.source, id));
  const omitted: { filename: string; size: number }[] = [];
  const attachments: (MimeAttachment & { size: number })[] = [];
  const take = async (a: Attachment) => {
    if (a.size !== undefined && a.size > max) {
      if (oversize === 'fail') throw dataError(`${where}: attachment ${a.filename} is ${sizeText(a.size)}, over the ${sizeText(max)} limit`);
      omitted.push({ filename: a.filename, size: a.size });
      return;
    }
    let content: Buffer;
    try {
      content = await a.read();
    } catch (err) {
      throw dataError(`${where}: attachment ${a.filename} cannot be read (${errorMessage(err)})`, err);
    }
    attachments.push({ filename: a.filename, contentType: a.contentType ?? contentTypeFor(a.filename), content, size: content.length });
  };
  for (const a of item.attachments) await take(a);

  let input!: MimeInput;
  const build = () => {
    const headers = ferryHeaders(item, messageClass);
    for (const o of omitted) headers.push(['X-Ferry-Omitted-Attachment', `${o.filename}; ${o.size} bytes; over the size limit`]);
    const note = omitted.length
      ? `\n\n[Ferry: ${omitted.length} attachment(s) left out, over the ${sizeText(max)} limit: ${omitted.map((o) => `${o.filename} (${sizeText(o.size)})`).join(', ')}]`
      : '';
    input = {
      messageId, date: item.date!, from, to, ...copies, subject,
      ...(refs.length ? { inReplyTo: refs[refs.length - 1]!, references: refs } : {}),
      headers, text: (item.text ?? '') + note,
      ...(item.html !== undefined ? { html: item.html + (note ? `<p><i>${escapeHtml(note.trim())}</i></p>` : '') } : {}),
      attachments,
    };
    return writeMime(input);
  };

  let mime = build();
  while (mime.length > max) {
    if (oversize === 'fail' || attachments.length === 0) {
      throw dataError(`${where}: message is ${sizeText(mime.length)}, over the ${sizeText(max)} limit${attachments.length ? '' : ' even without attachments'}`);
    }
    // Leave out the largest attachment first: it keeps the most of the item.
    let largest = 0;
    attachments.forEach((a, i) => { if (a.size > attachments[largest]!.size) largest = i; });
    const [dropped] = attachments.splice(largest, 1);
    omitted.push({ filename: dropped!.filename, size: dropped!.size });
    mime = build();
  }
  const parts: NonNullable<ConvertedMessage['parts']> = { text: input.text, attachments: input.attachments, headers: input.headers };
  if (input.html !== undefined) parts.html = input.html;
  if (input.inReplyTo) { parts.inReplyTo = input.inReplyTo; parts.references = input.references ?? []; }
  return {
    messageId, messageClass, from, to, ...copies, subject, date: item.date, text: item.text ?? '', mime, parts,
    attachmentNames: attachments.map((a) => a.filename), omitted,
    ...(omitted.length ? { partialReason: `${omitted.length} attachment(s) over the ${sizeText(max)} limit left out: ${omitted.map((o) => o.filename).join(', ')}` } : {}),
  };
}
