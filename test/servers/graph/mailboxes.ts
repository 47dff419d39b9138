/**
 * The loopback Graph server's mailboxes: folders, messages as they were created (every field the
 * client sent is kept so tests can assert it), file attachments and attachment upload sessions.
 * Validation follows Microsoft's documentation of the message resource, mailFolder, fileAttachment
 * and attachment-createUploadSession.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { GraphHttpError } from './errors';

export interface ExtendedProperty { id: string; value: string }
export interface Recipient { emailAddress: { name?: string; address: string } }

export interface StoredAttachment {
  id: string;
  name: string;
  contentType: string;
  size: number;
  isInline: boolean;
  contentId?: string;
  content: Buffer;
  /** How it arrived: in the message's create request, by POST .../attachments, or by an upload session. */
  via: 'create' | 'post' | 'upload';
}

export interface StoredMessage {
  id: string;
  folderId: string;
  createdDateTime: string;
  /** The JSON body of the create request, as received. */
  received: Record<string, unknown>;
  subject: string;
  body: { contentType: string; content: string };
  from?: Recipient;
  toRecipients: Recipient[];
  ccRecipients: Recipient[];
  bccRecipients: Recipient[];
  internetMessageId: string;
  internetMessageHeaders: { name: string; value: string }[];
  extendedProperties: ExtendedProperty[];
  attachments: StoredAttachment[];
  isDraft: boolean;
  isRead: boolean;
}

export interface Folder { id: string; displayName: string; parentFolderId: string; wellKnownName?: string }

export interface UploadSession {
  id: string;
  token: string;
  mailbox: string;
  messageId: string;
  name: string;
  size: number;
  contentType: string;
  isInline: boolean;
  contentId?: string;
  chunks: Buffer[];
  next: number;
  expires: number;
}

const WELL_KNOWN: [string, string][] = [
  ['inbox', 'Inbox'], ['drafts', 'Drafts'], ['sentitems', 'Sent Items'], ['deleteditems', 'Deleted Items'],
  ['junkemail', 'Junk Email'], ['outbox', 'Outbox'], ['archive', 'Archive'],
];

/** Graph's attachment limits: under 3 MB by POST, 3 to 150 MB by upload session. */
export const MIN_UPLOAD_SESSION_BYTES = 3 * 1024 * 1024;
export const MAX_ATTACHMENT_BYTES = 150 * 1024 * 1024;
/** Documented in practice by Graph's answer "Maximum number of headers in one message should be less than or equal to 5". */
export const MAX_INTERNET_HEADERS = 5;

const PROP_TYPES = 'Binary|Boolean|Currency|CLSID|Double|Float|Integer|Long|Short|String|SystemTime|ObjectId';
const PROPERTY_ID = new RegExp(
  `^(${PROP_TYPES})(Array)?\\s+(0x[0-9A-Fa-f]{1,4}|\\{[0-9A-Fa-f-]{36}\\}\\s+(Name\\s+\\S.*|Id\\s+0x[0-9A-Fa-f]+))$`, 'i');

export const normalisePropertyId = (id: string) => id.trim().replace(/\s+/g, ' ').toLowerCase()
  .replace(/0x0*([0-9a-f]+)$/, (_, h: string) => `0x${h}`);

const itemId = (prefix: string) => `${prefix}${randomBytes(24).toString('base64url')}`;

function bad(code: string, message: string): never {
  throw new GraphHttpError(400, code, message);
}

function asString(v: unknown, field: string): string {
  if (typeof v !== 'string') bad('ErrorInvalidRequest', `Property '${field}' must be a string.`);
  return v;
}

function recipients(v: unknown, field: string): Recipient[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) bad('ErrorInvalidRecipients', `Property '${field}' must be a collection of recipients.`);
  return v.map((r, i) => {
    const a = (r as Recipient | undefined)?.emailAddress;
    if (!a || typeof a.address !== 'string' || !a.address.includes('@')) bad('ErrorInvalidRecipients', `${field}[${i}] has no valid emailAddress.address.`);
    return { emailAddress: { ...(a.name !== undefined ? { name: String(a.name) } : {}), address: a.address } };
  });
}

function checkProperty(p: unknown, i: number): ExtendedProperty {
  const prop = p as Partial<ExtendedProperty> | undefined;
  if (!prop || typeof prop.id !== 'string' || !PROPERTY_ID.test(prop.id.trim())) {
    bad('ErrorInvalidProperty', `singleValueExtendedProperties[${i}]: the property id '${String(prop?.id)}' is not in a valid format.`);
  }
  if (typeof prop.value !== 'string') bad('ErrorInvalidExtendedPropertyValue', `singleValueExtendedProperties[${i}]: the value must be a string.`);
  const type = prop.id.trim().split(/\s+/)[0]!.toLowerCase();
  if ((type === 'integer' || type === 'long' || type === 'short') && !/^-?\d+$/.test(prop.value)) {
    bad('ErrorInvalidExtendedPropertyValue', `The value '${prop.value}' of property '${prop.id}' is not a valid ${type}.`);
  }
  if (type === 'systemtime' && Number.isNaN(Date.parse(prop.value))) {
    bad('ErrorInvalidExtendedPropertyValue', `The value '${prop.value}' of property '${prop.id}' is not a valid date and time.`);
  }
  return { id: prop.id, value: prop.value };
}

function fileAttachment(a: unknown, i: number, via: StoredAttachment['via']): StoredAttachment {
  const att = a as Record<string, unknown> | undefined;
  if (!att || att['@odata.type'] !== '#microsoft.graph.fileAttachment') {
    bad('ErrorInvalidAttachmentType', `attachments[${i}] must have "@odata.type": "#microsoft.graph.fileAttachment".`);
  }
  const name = asString(att.name, `attachments[${i}].name`);
  const b64 = asString(att.contentBytes, `attachments[${i}].contentBytes`);
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(b64)) bad('ErrorInvalidRequest', `attachments[${i}].contentBytes is not valid base64.`);
  const content = Buffer.from(b64, 'base64');
  if (content.length >= MIN_UPLOAD_SESSION_BYTES) {
    bad('ErrorAttachmentSizeShouldNotBeLessThanMinimumSize', `attachments[${i}] (${name}) is ${content.length} bytes: attach files of 3 MB or more with an upload session.`);
  }
  return {
    id: itemId('AAMkAtt'), name, contentType: typeof att.contentType === 'string' ? att.contentType : 'application/octet-stream',
    size: content.length, isInline: att.isInline === true, ...(typeof att.contentId === 'string' ? { contentId: att.contentId } : {}), content, via,
  };
}

export class Mailbox {
  readonly folders = new Map<string, Folder>();
  readonly messages = new Map<string, StoredMessage>();
  readonly rootId = itemId('AAMkRoot');

  constructor(readonly address: string) {
    for (const [wellKnownName, displayName] of WELL_KNOWN) {
      const id = itemId('AAMkFld');
      this.folders.set(id, { id, displayName, parentFolderId: this.rootId, wellKnownName });
    }
  }

  /** A folder by id or well-known name (`inbox`), or 404 ErrorItemNotFound. */
  folder(idOrName: string): Folder {
    const f = this.folders.get(idOrName) ?? [...this.folders.values()].find((x) => x.wellKnownName === idOrName.toLowerCase());
    if (!f) throw new GraphHttpError(404, 'ErrorItemNotFound', 'The specified object was not found in the store.');
    return f;
  }

  topFolders(): Folder[] {
    return [...this.folders.values()].filter((f) => f.parentFolderId === this.rootId);
  }

  createFolder(body: Record<string, unknown>): Folder {
    const displayName = asString(body.displayName, 'displayName').trim();
    if (!displayName) bad('ErrorInvalidRequest', 'The folder name cannot be empty.');
    if (this.topFolders().some((f) => f.displayName.toLowerCase() === displayName.toLowerCase())) {
      throw new GraphHttpError(409, 'ErrorFolderExists', 'A folder with the specified name already exists.');
    }
    const f: Folder = { id: itemId('AAMkFld'), displayName, parentFolderId: this.rootId };
    this.folders.set(f.id, f);
    return f;
  }

  createMessage(folderIdOrName: string, body: Record<string, unknown>): StoredMessage {
    const folder = this.folder(folderIdOrName);
    const headers = (body.internetMessageHeaders ?? []) as { name?: unknown; value?: unknown }[];
    if (!Array.isArray(headers)) bad('ErrorInvalidRequest', 'internetMessageHeaders must be a collection.');
    if (headers.length > MAX_INTERNET_HEADERS) {
      bad('InvalidInternetMessageHeaderCollection', `Maximum number of headers in one message should be less than or equal to ${MAX_INTERNET_HEADERS}.`);
    }
    const internetMessageHeaders = headers.map((h, i) => {
      const name = asString(h?.name, `internetMessageHeaders[${i}].name`);
      if (!/^x-/i.test(name)) bad('InvalidInternetMessageHeader', `The internet message header name '${name}' should start with 'x-' or 'X-'.`);
      return { name, value: asString(h?.value, `internetMessageHeaders[${i}].value`) };
    });
    const props = ((body.singleValueExtendedProperties ?? []) as unknown[]);
    if (!Array.isArray(props)) bad('ErrorInvalidRequest', 'singleValueExtendedProperties must be a collection.');
    const extendedProperties = props.map(checkProperty);
    const internetMessageId = body.internetMessageId === undefined ? `<${randomUUID()}@loopback.invalid>` : asString(body.internetMessageId, 'internetMessageId');
    if (!/^<[^<>\s]+>$/.test(internetMessageId)) bad('InvalidInternetMessageId', `The internet message id '${internetMessageId}' is not in the format <id@domain>.`);
    const b = body.body as { contentType?: unknown; content?: unknown } | undefined;
    const contentType = b?.contentType === undefined ? 'text' : asString(b.contentType, 'body.contentType');
    if (!/^(text|html)$/i.test(contentType)) bad('ErrorInvalidRequest', `body.contentType must be "text" or "html", not "${contentType}".`);
    const flags = extendedProperties.find((p) => normalisePropertyId(p.id) === 'integer 0xe07');
    const flagValue = flags ? Number(flags.value) : 8; // without PR_MESSAGE_FLAGS a created message is an unsent draft (MSGFLAG_UNSENT)
    const attachments = ((body.attachments ?? []) as unknown[]);
    if (!Array.isArray(attachments)) bad('ErrorInvalidRequest', 'attachments must be a collection.');
    const m: StoredMessage = {
      id: itemId('AAMkMsg'), folderId: folder.id, createdDateTime: new Date().toISOString(), received: body,
      subject: body.subject === undefined ? '' : asString(body.subject, 'subject'),
      body: { contentType: contentType.toLowerCase(), content: b?.content === undefined ? '' : asString(b.content, 'body.content') },
      ...(body.from !== undefined ? { from: recipients([body.from], 'from')[0]! } : {}),
      toRecipients: recipients(body.toRecipients, 'toRecipients'),
      ccRecipients: recipients(body.ccRecipients, 'ccRecipients'),
      bccRecipients: recipients(body.bccRecipients, 'bccRecipients'),
      internetMessageId, internetMessageHeaders, extendedProperties,
      attachments: attachments.map((a, i) => fileAttachment(a, i, 'create')),
      isDraft: (flagValue & 8) !== 0, isRead: (flagValue & 1) !== 0,
    };
    this.messages.set(m.id, m);
    return m;
  }

  message(id: string): StoredMessage {
    const m = this.messages.get(id);
    if (!m) throw new GraphHttpError(404, 'ErrorItemNotFound', 'The specified object was not found in the store.');
    return m;
  }

  /** PATCH: updates extended properties (PR_MESSAGE_FLAGS is fixed once the item is saved) and a few writable fields. */
  updateMessage(id: string, body: Record<string, unknown>): StoredMessage {
    const m = this.message(id);
    const props = ((body.singleValueExtendedProperties ?? []) as unknown[]);
    if (!Array.isArray(props)) bad('ErrorInvalidRequest', 'singleValueExtendedProperties must be a collection.');
    for (const p of props.map(checkProperty)) {
      const i = m.extendedProperties.findIndex((x) => normalisePropertyId(x.id) === normalisePropertyId(p.id));
      if (i >= 0) m.extendedProperties[i] = p; else m.extendedProperties.push(p);
    }
    if (typeof body.isRead === 'boolean') m.isRead = body.isRead;
    return m;
  }

  addAttachment(messageId: string, body: Record<string, unknown>): StoredAttachment {
    const m = this.message(messageId);
    const a = fileAttachment(body, 0, 'post');
    m.attachments.push(a);
    return a;
  }

  /** DELETE moves the item to Deleted Items; permanentDelete removes it. */
  deleteMessage(id: string, permanent: boolean): void {
    const m = this.message(id);
    if (permanent) this.messages.delete(id);
    else m.folderId = this.folder('deleteditems').id;
  }

  findByInternetMessageId(internetMessageId: string): StoredMessage[] {
    return [...this.messages.values()].filter((m) => m.internetMessageId === internetMessageId);
  }
}

export class UploadSessions {
  private readonly sessions = new Map<string, UploadSession>();

  create(mailbox: string, messageId: string, body: Record<string, unknown>, lifetimeMs = 15 * 60_000): UploadSession {
    const item = body.AttachmentItem as Record<string, unknown> | undefined;
    if (!item || item.attachmentType !== 'file') bad('ErrorInvalidRequest', 'AttachmentItem with "attachmentType": "file" is required.');
    const name = asString(item.name, 'AttachmentItem.name');
    const size = Number(item.size);
    if (!Number.isInteger(size) || size <= 0) bad('ErrorInvalidRequest', 'AttachmentItem.size must be a positive integer.');
    if (size < MIN_UPLOAD_SESSION_BYTES) bad('ErrorAttachmentSizeShouldNotBeLessThanMinimumSize', `Attachment size ${size} is less than the minimum size for an upload session (3 MB).`);
    if (size > MAX_ATTACHMENT_BYTES) bad('ErrorAttachmentSizeShouldNotBeMoreThanMaximumSize', `Attachment size ${size} is over the 150 MB limit.`);
    const s: UploadSession = {
      id: itemId('AAMkSes'), token: randomBytes(24).toString('base64url'), mailbox, messageId, name, size,
      contentType: typeof item.contentType === 'string' ? item.contentType : 'application/octet-stream',
      isInline: item.isInline === true, ...(typeof item.contentId === 'string' ? { contentId: item.contentId } : {}),
      chunks: [], next: 0, expires: Date.now() + lifetimeMs,
    };
    this.sessions.set(s.id, s);
    return s;
  }

  get(id: string, token: string | null): UploadSession {
    const s = this.sessions.get(id);
    if (!s) throw new GraphHttpError(404, 'ErrorItemNotFound', 'The upload session was not found or has completed.');
    if (token !== s.token) throw new GraphHttpError(401, 'InvalidAuthenticationToken', 'The authtoken of the upload URL is not valid.');
    if (Date.now() > s.expires) throw new GraphHttpError(401, 'InvalidAuthenticationToken', 'The upload session has expired.');
    return s;
  }

  /** Takes one range; returns the finished file when the last byte arrives. */
  put(s: UploadSession, contentRange: string | undefined, chunk: Buffer): { done: false } | { done: true; content: Buffer } {
    const m = /^bytes (\d+)-(\d+)\/(\d+)$/.exec(contentRange ?? '');
    if (!m) bad('ErrorInvalidContentRange', `Content-Range "${contentRange ?? ''}" is not "bytes {start}-{end}/{total}".`);
    const [start, end, total] = [Number(m[1]), Number(m[2]), Number(m[3])];
    if (total !== s.size) bad('ErrorInvalidContentRange', `Content-Range total ${total} differs from the session's size ${s.size}.`);
    if (start !== s.next) throw new GraphHttpError(416, 'ErrorInvalidRange', `Expected the range starting at byte ${s.next}, not ${start}.`);
    if (end < start || end >= total || chunk.length !== end - start + 1) {
      bad('ErrorInvalidContentRange', `Content-Range ${start}-${end} does not match the ${chunk.length} bytes sent.`);
    }
    s.chunks.push(chunk);
    s.next = end + 1;
    if (s.next < s.size) return { done: false };
    this.sessions.delete(s.id);
    return { done: true, content: Buffer.concat(s.chunks) };
  }
}

/** The JSON Graph returns for a message. */
export function messageJson(m: StoredMessage, expandIds: string[] | null): Record<string, unknown> {
  const prop = (tag: string) => m.extendedProperties.find((p) => normalisePropertyId(p.id) === tag)?.value;
  const out: Record<string, unknown> = {
    id: m.id, createdDateTime: m.createdDateTime, lastModifiedDateTime: m.createdDateTime,
    receivedDateTime: prop('systemtime 0xe06') ?? m.createdDateTime, sentDateTime: prop('systemtime 0x39') ?? m.createdDateTime,
    hasAttachments: m.attachments.some((a) => !a.isInline), internetMessageId: m.internetMessageId, subject: m.subject,
    bodyPreview: m.body.content.replace(/<[^>]*>/g, '').slice(0, 255), parentFolderId: m.folderId,
    isRead: m.isRead, isDraft: m.isDraft, body: m.body, ...(m.from ? { from: m.from, sender: m.from } : {}),
    toRecipients: m.toRecipients, ccRecipients: m.ccRecipients, bccRecipients: m.bccRecipients, internetMessageHeaders: m.internetMessageHeaders,
  };
  if (expandIds) {
    const want = new Set(expandIds.map(normalisePropertyId));
    out.singleValueExtendedProperties = m.extendedProperties.filter((p) => want.size === 0 || want.has(normalisePropertyId(p.id)));
  }
  return out;
}

export function attachmentJson(a: StoredAttachment, withContent: boolean): Record<string, unknown> {
  return {
    '@odata.type': '#microsoft.graph.fileAttachment', id: a.id, name: a.name, contentType: a.contentType, size: a.size,
    isInline: a.isInline, ...(a.contentId ? { contentId: a.contentId } : {}), ...(withContent ? { contentBytes: a.content.toString('base64') } : {}),
  };
}
