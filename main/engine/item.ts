/**
 * The item: one message of a third-party source, before it becomes an email.
 * Sources yield items; conversion turns each into one RFC 5322 message.
 */

/** How a source names a participant. Decides comparison rules in mapping. */
export type IdentityKind = 'email' | 'handle' | 'phone' | 'user-id';

export interface Identity {
  /** The id as the source writes it: an email, a handle (with or without @), a phone number, a platform user id. */
  id: string;
  kind: IdentityKind;
  /** Platform name for the reserved address domain: `twitter` gives `bob@twitter.invalid`. */
  platform: string;
  /** Display name, when the source has one. */
  name?: string;
  /** The person's own email address, when the source knows it (Slack and Mattermost profiles). */
  email?: string;
}

export interface Attachment {
  filename: string;
  contentType?: string;
  /** Size in bytes when known without reading (zip central directory, stat): lets the size limit act before a read. */
  size?: number;
  /** Reads the content. Only called when the item is converted for delivery. */
  read(): Promise<Buffer>;
}

/** Where an item or a bad record was read from, for error messages. */
export interface Origin {
  file: string;
  /** Line, record index or JSON path within the file. */
  position?: string;
}

export interface Item {
  /** Source name as written in the message class: `Twitter`, `Telegram`. */
  source: string;
  /** Event name: `Tweet`, `DirectMessage`. */
  event: string;
  /** Stable id, unique within the source; with `source` it fixes the Message-ID. */
  id: string;
  origin: Origin;
  from?: Identity;
  to: Identity[];
  /** Recipients the source records as copied, and blind-copied (the sender's copy shows them, as a sent item does). */
  cc?: Identity[];
  bcc?: Identity[];
  subject?: string;
  /** When the item was created in the source. */
  date?: Date;
  text?: string;
  html?: string;
  attachments: Attachment[];
  /** Source id (same source) of the item this one answers. */
  replyTo?: string;
  /** Source ids of the ancestors, root first, for `References`. Defaults to [replyTo]. */
  thread?: string[];
  /** Chat, channel or conversation the item belongs to. */
  conversation?: { id: string; name?: string };
  /** Source facts kept verbatim as `X-Ferry-*` headers: ids, URLs, edit times. Keys are header suffixes. */
  meta: Record<string, string>;
  /** Overrides the default `IPM.NOTE.<source>.<event>`. */
  messageClass?: string;
  /** Pass-through sources (EML, MBOX): the complete original message, kept as it is. */
  mime?: Buffer;
}

/** A record the source could not turn into an item. The run records it as failed and goes on. */
export interface BadRecord {
  bad: true;
  origin: Origin;
  reason: string;
  /** The source id, when it could be read. */
  id?: string;
}

export type SourceRecord = Item | BadRecord;

export function isBadRecord(r: SourceRecord): r is BadRecord {
  return (r as BadRecord).bad === true;
}

export function describeOrigin(o: Origin): string {
  return o.position ? `${o.file} (${o.position})` : o.file;
}
