/**
 * EWS SOAP requests, written from Microsoft's EWS reference (CreateItem, FindItem, FindFolder,
 * CreateFolder, GetFolder). A tiny template writer: every value goes through `esc`, which escapes
 * XML's special characters and refuses characters XML 1.0 cannot carry (rather than altering them).
 */
import { dataError } from '../../errors';

export const NS = {
  soap: 'http://schemas.xmlsoap.org/soap/envelope/',
  types: 'http://schemas.microsoft.com/exchange/services/2006/types',
  messages: 'http://schemas.microsoft.com/exchange/services/2006/messages',
};

/** MAPI properties set on every message. */
export const PROP = {
  /** PR_MESSAGE_FLAGS: 1 = MSGFLAG_READ, and without MSGFLAG_UNSENT it is not a draft. */
  messageFlags: { tag: '0x0E07', type: 'Integer' },
  /** PR_MESSAGE_DELIVERY_TIME: the item's own date, so mail clients sort it where it happened. */
  deliveryTime: { tag: '0x0E06', type: 'SystemTime' },
  /** PR_CLIENT_SUBMIT_TIME. */
  submitTime: { tag: '0x0039', type: 'SystemTime' },
  /** PR_INTERNET_MESSAGE_ID: what the lookup after an uncertain send searches. */
  internetMessageId: { tag: '0x1035', type: 'String' },
} as const;

// XML 1.0 Char production: tab, LF, CR, and everything from U+0020 but surrogates halves alone and U+FFFE/U+FFFF.
const NOT_XML = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;

/** Escapes a value for XML text or a double-quoted attribute. */
export function esc(value: string, what = 'a value'): string {
  const bad = NOT_XML.exec(value);
  if (bad) throw dataError(`${what} contains the character U+${bad[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}, which XML (and so EWS) cannot carry`);
  return value.replace(/[&<>"']/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : c === '"' ? '&quot;' : '&apos;'));
}

/** Whom a request acts for: impersonation sets a SOAP header; delegate access names the mailbox in distinguished folder ids. */
export interface Acting {
  mailbox: string;
  impersonation: boolean;
}

export type FolderRef = { distinguished: string } | { id: string; changeKey?: string };

export function folderIdXml(f: FolderRef, acting: Acting): string {
  if ('id' in f) return `<t:FolderId Id="${esc(f.id, 'a folder id')}"${f.changeKey ? ` ChangeKey="${esc(f.changeKey, 'a change key')}"` : ''}/>`;
  // With impersonation the header already names the mailbox; a delegate names it here.
  const mailbox = acting.impersonation ? '' : `<t:Mailbox><t:EmailAddress>${esc(acting.mailbox, 'a mailbox address')}</t:EmailAddress></t:Mailbox>`;
  return mailbox ? `<t:DistinguishedFolderId Id="${esc(f.distinguished)}">${mailbox}</t:DistinguishedFolderId>` : `<t:DistinguishedFolderId Id="${esc(f.distinguished)}"/>`;
}

export function envelope(body: string, o: { serverVersion: string; acting?: Acting }): string {
  const impersonate = o.acting?.impersonation
    ? `<t:ExchangeImpersonation><t:ConnectingSID><t:PrimarySmtpAddress>${esc(o.acting.mailbox, 'a mailbox address')}</t:PrimarySmtpAddress></t:ConnectingSID></t:ExchangeImpersonation>`
    : '';
  return '<?xml version="1.0" encoding="utf-8"?>'
    + `<soap:Envelope xmlns:soap="${NS.soap}" xmlns:t="${NS.types}" xmlns:m="${NS.messages}">`
    + `<soap:Header><t:RequestServerVersion Version="${esc(o.serverVersion)}"/>${impersonate}</soap:Header>`
    + `<soap:Body>${body}</soap:Body></soap:Envelope>`;
}

const extended = (p: { tag: string; type: string }, value: string) =>
  `<t:ExtendedProperty><t:ExtendedFieldURI PropertyTag="${p.tag}" PropertyType="${p.type}"/><t:Value>${esc(value)}</t:Value></t:ExtendedProperty>`;

export interface CreateMessage {
  mime: Buffer;
  itemClass: string;
  date: Date;
}

/** CreateItem, SaveOnly: the message is stored in the folder, never sent. Element order follows the schema (MimeContent, ItemClass, ExtendedProperty). */
export function createItemBody(folder: FolderRef, acting: Acting, m: CreateMessage): string {
  const when = m.date.toISOString();
  return `<m:CreateItem MessageDisposition="SaveOnly"><m:SavedItemFolderId>${folderIdXml(folder, acting)}</m:SavedItemFolderId><m:Items><t:Message>`
    + `<t:MimeContent CharacterSet="UTF-8">${m.mime.toString('base64')}</t:MimeContent>`
    + `<t:ItemClass>${esc(m.itemClass, 'the message class')}</t:ItemClass>`
    + extended(PROP.deliveryTime, when) + extended(PROP.submitTime, when) + extended(PROP.messageFlags, '1')
    + '</t:Message></m:Items></m:CreateItem>';
}

/** FindItem in one folder, restricted to PR_INTERNET_MESSAGE_ID equal to the Message-ID. */
export function findItemByMessageIdBody(folder: FolderRef, acting: Acting, messageId: string): string {
  const p = PROP.internetMessageId;
  return '<m:FindItem Traversal="Shallow"><m:ItemShape><t:BaseShape>IdOnly</t:BaseShape></m:ItemShape>'
    + '<m:IndexedPageItemView MaxEntriesReturned="10" Offset="0" BasePoint="Beginning"/>'
    + `<m:Restriction><t:IsEqualTo><t:ExtendedFieldURI PropertyTag="${p.tag}" PropertyType="${p.type}"/>`
    + `<t:FieldURIOrConstant><t:Constant Value="${esc(messageId, 'the Message-ID')}"/></t:FieldURIOrConstant></t:IsEqualTo></m:Restriction>`
    + `<m:ParentFolderIds>${folderIdXml(folder, acting)}</m:ParentFolderIds></m:FindItem>`;
}

/** FindFolder directly under a parent, by display name (Exchange compares it case-insensitively). */
export function findFolderByNameBody(parent: FolderRef, acting: Acting, displayName: string): string {
  return '<m:FindFolder Traversal="Shallow"><m:FolderShape><t:BaseShape>IdOnly</t:BaseShape>'
    + '<t:AdditionalProperties><t:FieldURI FieldURI="folder:DisplayName"/></t:AdditionalProperties></m:FolderShape>'
    + `<m:Restriction><t:IsEqualTo><t:FieldURI FieldURI="folder:DisplayName"/><t:FieldURIOrConstant><t:Constant Value="${esc(displayName, 'the folder name')}"/></t:FieldURIOrConstant></t:IsEqualTo></m:Restriction>`
    + `<m:ParentFolderIds>${folderIdXml(parent, acting)}</m:ParentFolderIds></m:FindFolder>`;
}

/** CreateFolder of a mail folder (IPF.Note) under a parent. */
export function createFolderBody(parent: FolderRef, acting: Acting, displayName: string): string {
  return `<m:CreateFolder><m:ParentFolderId>${folderIdXml(parent, acting)}</m:ParentFolderId>`
    + `<m:Folders><t:Folder><t:FolderClass>IPF.Note</t:FolderClass><t:DisplayName>${esc(displayName, 'the folder name')}</t:DisplayName></t:Folder></m:Folders></m:CreateFolder>`;
}

/** GetFolder, ids only: the connection test's "can this mailbox be reached". */
export function getFolderBody(folder: FolderRef, acting: Acting): string {
  return `<m:GetFolder><m:FolderShape><t:BaseShape>IdOnly</t:BaseShape></m:FolderShape><m:FolderIds>${folderIdXml(folder, acting)}</m:FolderIds></m:GetFolder>`;
}
