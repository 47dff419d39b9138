/**
 * An item as the unmapped queue keeps it: its fields as JSON (attachments by name and size), and
 * the converted message, from which a re-import recovers the attachment contents (mailparser).
 * Pass-through messages are recovered whole from the converted form (Ferry only prepended headers).
 *
 * When the local archive holds the message, the JSON leaves the body out and a re-import reads it
 * from the archived message: the archive keeps each message's first MIME and only adds mailbox
 * copies, so a re-converted body is never stored; keeping it twice would double a bulk import's writes.
 */
import { simpleParser } from 'mailparser';
import type { Attachment, Item } from '../item';
import { dataError } from '../errors';
import { messageIdFor } from '../convert/message-id';

/** The item's own fields, but the date as ISO text and attachments without their contents (and never the original MIME). */
export interface StoredItem extends Omit<Item, 'date' | 'attachments' | 'mime'> {
  date?: string;
  attachments: { filename: string; contentType?: string; size?: number }[];
  /** Attachments the conversion left out for the size limit: their content is not in the message. */
  omitted: { filename: string; size: number }[];
  passThrough: boolean;
  /** Text and HTML were left out: read them from the stored message. */
  bodyInMessage?: boolean;
}

/** Optional fields kept as they are, when set: before the date and body, and after (the JSON keeps its key order). */
const BEFORE_BODY = ['from', 'subject'] as const;
const BODY = ['text', 'html'] as const;
const AFTER_BODY = ['replyTo', 'thread', 'conversation', 'messageClass', 'cc', 'bcc'] as const;
type Copied = (typeof BEFORE_BODY | typeof BODY | typeof AFTER_BODY)[number];

function copySet(from: Pick<Item, Copied>, to: Pick<Item, Copied>, keys: readonly Copied[]): void {
  for (const k of keys) if (from[k] !== undefined) (to as Record<Copied, unknown>)[k] = from[k];
}

export function storeItem(item: Item, omitted: { filename: string; size: number }[], opts: { withBody: boolean } = { withBody: true }): StoredItem {
  const s: StoredItem = {
    source: item.source, event: item.event, id: item.id, origin: item.origin, to: item.to, meta: item.meta,
    attachments: item.attachments.map((a) => ({ filename: a.filename, ...(a.contentType ? { contentType: a.contentType } : {}), ...(a.size !== undefined ? { size: a.size } : {}) })),
    omitted, passThrough: item.mime !== undefined,
  };
  copySet(item, s, BEFORE_BODY);
  if (item.date) s.date = item.date.toISOString();
  if (!opts.withBody && item.mime === undefined) s.bodyInMessage = true;
  else copySet(item, s, BODY);
  copySet(item, s, AFTER_BODY);
  return s;
}

/** The item's fields without attachment contents: enough to route it (previews). */
export function restoreFields(s: StoredItem): Item {
  const item: Item = {
    source: s.source, event: s.event, id: s.id, origin: s.origin, to: s.to, meta: s.meta,
    attachments: s.attachments.map((a) => ({ ...a, read: () => Promise.reject(dataError(`attachment ${a.filename} was not loaded`)) })),
  };
  copySet(s, item, BEFORE_BODY);
  if (s.date) item.date = new Date(s.date);
  copySet(s, item, [...BODY, ...AFTER_BODY]);
  return item;
}

/** The original of a pass-through message: the converted form less the headers Ferry prepended. */
export function unwrapPassThrough(mime: Buffer, source: string, itemId: string): Buffer {
  let off = 0;
  const next = () => {
    const end = mime.indexOf(0x0a, off);
    return end < 0 ? null : { text: mime.subarray(off, end).toString('latin1').replace(/\r$/, ''), after: end + 1 };
  };
  let l = next();
  // A Message-ID Ferry added (the original had none) goes too: passing through again adds the same one.
  if (l && l.text === `Message-ID: ${messageIdFor(source, itemId)}`) { off = l.after; l = next(); }
  if (l && l.text.startsWith('X-Ferry-Message-Class: ')) { off = l.after; l = next(); }
  if (l && l.text.startsWith('X-Ferry-Source: ')) off = l.after;
  return mime.subarray(off);
}

/**
 * The whole item again, attachments read lazily from the stored message. An attachment the first
 * conversion left out (over the size limit) keeps its size, so the same limit leaves it out again;
 * its content was never kept, and reading it fails with that reason.
 */
export async function restoreItem(s: StoredItem, loadMime: () => Buffer): Promise<Item> {
  const item = restoreFields(s);
  if (s.passThrough) item.mime = unwrapPassThrough(loadMime(), s.source, s.id);
  let parsed: ReturnType<typeof simpleParser> | undefined;
  const parse = () => (parsed ??= simpleParser(loadMime(), { skipHtmlToText: true, skipTextToHtml: true, skipTextLinks: true, skipImageLinks: true }));
  const contents = async () => (await parse()).attachments.map((a) => ({ filename: a.filename ?? '', content: a.content }));
  if (s.bodyInMessage) {
    const m = await parse();
    item.text = m.text ?? '';
    if (typeof m.html === 'string') item.html = m.html;
  }
  const omitted = [...s.omitted];
  let included = 0;
  item.attachments = s.attachments.map((a): Attachment => {
    const o = omitted.findIndex((x) => x.filename === a.filename);
    if (o >= 0) {
      const size = omitted.splice(o, 1)[0]!.size;
      return { ...a, size, read: () => Promise.reject(dataError(`attachment ${a.filename} (${size} bytes) was left out of the first import for the size limit and its content was not kept`)) };
    }
    const index = included++;
    return {
      ...a,
      read: async () => {
        const found = (await contents())[index];
        if (!found || found.filename !== a.filename) throw dataError(`attachment ${a.filename} cannot be recovered from the stored message`);
        return found.content;
      },
    };
  });
  return item;
}
