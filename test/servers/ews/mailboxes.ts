/**
 * The loopback EWS server's mailboxes: a folder tree with the well-known (distinguished) folders,
 * folders made by CreateFolder, and the messages saved by CreateItem with everything Ferry sent —
 * the exact MIME bytes, the item class and the extended properties.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { ItemError } from './soap';

export interface StoredFolder {
  id: string;
  changeKey: string;
  parentId: string | null;
  displayName: string;
  /** The distinguished name, for well-known folders. */
  distinguished?: string;
  folderClass?: string;
}

export interface ExtendedProp { tag: string; type: string; value: string }

export interface StoredItem {
  id: string;
  changeKey: string;
  folderId: string;
  /** The MimeContent, decoded: the bytes exactly as sent. */
  mime: Buffer;
  characterSet?: string;
  itemClass: string;
  /** Extended properties by lower-case hex tag (`0x0e07`). */
  props: Map<string, ExtendedProp>;
  /** PR_INTERNET_MESSAGE_ID, read from the MIME's Message-ID header as Exchange does. */
  internetMessageId: string;
  storedAt: number;
}

const WELL_KNOWN: [string, string | null, string][] = [
  ['root', null, 'Top of Information Store'],
  ['msgfolderroot', 'root', 'IPM_SUBTREE'],
  ['inbox', 'msgfolderroot', 'Inbox'],
  ['deleteditems', 'msgfolderroot', 'Deleted Items'],
  ['drafts', 'msgfolderroot', 'Drafts'],
  ['sentitems', 'msgfolderroot', 'Sent Items'],
  ['junkemail', 'msgfolderroot', 'Junk Email'],
  ['outbox', 'msgfolderroot', 'Outbox'],
  ['recoverableitemsroot', 'root', 'Recoverable Items'],
  ['recoverableitemsdeletions', 'recoverableitemsroot', 'Deletions'],
  ['recoverableitemsversions', 'recoverableitemsroot', 'Versions'],
  ['recoverableitemspurges', 'recoverableitemsroot', 'Purges'],
];

const newId = (prefix: string) => `${prefix}${Buffer.from(randomUUID().replace(/-/g, ''), 'hex').toString('base64')}`;
const newChangeKey = () => `CQAAABYAAA${randomBytes(9).toString('base64')}`;

/** The Message-ID header of a MIME message (unfolded), as Exchange stores it in PR_INTERNET_MESSAGE_ID. */
export function mimeMessageId(mime: Buffer): string {
  const head = mime.toString('latin1').split(/\r?\n\r?\n/, 1)[0] ?? '';
  const m = /^message-id:[ \t]*((?:.*)(?:\r?\n[ \t].*)*)/im.exec(head);
  return m ? m[1]!.replace(/\r?\n[ \t]+/g, ' ').trim() : '';
}

export class Mailbox {
  readonly folders = new Map<string, StoredFolder>();
  readonly items = new Map<string, StoredItem>();

  constructor(readonly address: string) {
    const ids = new Map<string, string>();
    for (const [name, parent, displayName] of WELL_KNOWN) {
      const f: StoredFolder = { id: newId('AAMkF'), changeKey: newChangeKey(), parentId: parent ? ids.get(parent)! : null, displayName, distinguished: name };
      ids.set(name, f.id);
      this.folders.set(f.id, f);
    }
  }

  distinguished(name: string): StoredFolder {
    const f = [...this.folders.values()].find((x) => x.distinguished === name.toLowerCase());
    if (!f) throw new ItemError('ErrorFolderNotFound', `The specified folder could not be found in the store.`);
    return f;
  }

  folder(id: string): StoredFolder {
    const f = this.folders.get(id);
    if (!f) throw new ItemError('ErrorFolderNotFound', 'The specified folder could not be found in the store.');
    return f;
  }

  children(parentId: string): StoredFolder[] {
    return [...this.folders.values()].filter((f) => f.parentId === parentId);
  }

  createFolder(parentId: string, displayName: string, folderClass?: string): StoredFolder {
    this.folder(parentId);
    if (!displayName) throw new ItemError('ErrorInvalidFolderId', 'A folder needs a display name.');
    if (this.children(parentId).some((f) => f.displayName.toLowerCase() === displayName.toLowerCase())) {
      throw new ItemError('ErrorFolderExists', 'A folder with the specified name already exists.');
    }
    const f: StoredFolder = { id: newId('AAMkF'), changeKey: newChangeKey(), parentId, displayName, ...(folderClass ? { folderClass } : {}) };
    this.folders.set(f.id, f);
    return f;
  }

  deleteFolder(id: string): void {
    this.folders.delete(id);
    for (const [k, it] of this.items) if (it.folderId === id) this.items.delete(k);
  }

  saveItem(folderId: string, mime: Buffer, itemClass: string, props: ExtendedProp[], characterSet?: string): StoredItem {
    this.folder(folderId);
    const item: StoredItem = {
      id: newId('AAMkAGI'), changeKey: newChangeKey(), folderId, mime, itemClass,
      props: new Map(props.map((p) => [p.tag.toLowerCase(), p])), internetMessageId: mimeMessageId(mime), storedAt: Date.now(),
      ...(characterSet ? { characterSet } : {}),
    };
    this.items.set(item.id, item);
    return item;
  }

  /** Items in a folder whose PR_INTERNET_MESSAGE_ID equals the value (Exchange compares strings case-insensitively). */
  findByMessageId(folderId: string, messageId: string): StoredItem[] {
    this.folder(folderId);
    return [...this.items.values()].filter((i) => i.folderId === folderId && i.internetMessageId.toLowerCase() === messageId.toLowerCase());
  }
}
