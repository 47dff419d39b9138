/**
 * Finds the chats in what the admin chose: one chat text file (read whatever its name), a ZIP as
 * WhatsApp makes it (`_chat.txt` plus media; `__MACOSX/` ignored), or a folder holding chat text
 * files and/or chat ZIPs. In a tree, a `.txt` is a chat when one of its first lines is a message line:
 * media can include shared text documents, which are not. A ZIP inside a folder is a chat export
 * of its own unless a chat text file sits beside it (then it is that chat's media).
 * Everything is read in place, never extracted.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { type ExportTree, isZipFile, openExportTree } from '../shared/export-tree';
import { configError, errorMessage } from '../../errors';
import { readLines } from './text-lines';
import { matchStamp } from './timestamp';

export interface ChatFile {
  tree: ExportTree;
  /** Entry path of the chat text in `tree`. */
  path: string;
  /** Folder of the chat text inside `tree` (`''` or `a/b/`): attachments are looked up there. */
  dir: string;
  /** For messages: `export.zip!_chat.txt`. */
  label: string;
  size: number;
  /** Names around the file, innermost first, for the chat name. */
  containers: string[];
  /** When the admin chose the text file alone: the folder beside it, where its media may be. */
  looseDir?: string;
}

export interface ChatExport {
  chats: ChatFile[];
  /** Things left out, for notices. */
  skipped: string[];
  close(): Promise<void>;
  /** Reads a file of a chat's export; still works after close() (an attachment read late reopens the ZIP). */
  readEntry(chat: ChatFile, entryPath: string): Promise<Buffer>;
}

/** Size of a file the chat names (media), looked up beside the chat text; undefined when absent. */
export async function mediaSize(chat: ChatFile, name: string): Promise<{ entry: string; size: number } | undefined> {
  if (!name || name.includes('/') || name.includes('\\') || name === '..' || name === '.') return undefined;
  if (chat.looseDir !== undefined) {
    const st = await fs.stat(path.join(chat.looseDir, name)).catch(() => undefined);
    return st?.isFile() ? { entry: name, size: st.size } : undefined;
  }
  const e = chat.tree.get(chat.dir + name);
  return e ? { entry: e.path, size: e.size } : undefined;
}

const SNIFF_LINES = 50;

/** Whether one of the first lines of an entry is a WhatsApp message line. */
async function looksLikeChat(tree: ExportTree, entry: string): Promise<boolean> {
  const stream = await tree.open(entry);
  let n = 0;
  try {
    for await (const line of readLines(stream)) {
      if (matchStamp(line)) return true;
      if (++n >= SNIFF_LINES) break;
    }
    return false;
  } finally {
    stream.destroy();
  }
}

const ignored = (p: string) => p.startsWith('__MACOSX/') || path.posix.basename(p).startsWith('._');
const dirOf = (p: string) => { const d = path.posix.dirname(p); return d === '.' ? '' : `${d}/`; };
const folderNames = (dir: string) => dir.split('/').filter(Boolean).reverse();

async function chatsIn(tree: ExportTree, outer: string[], skipped: string[]): Promise<ChatFile[]> {
  const out: ChatFile[] = [];
  for (const e of tree.entries) {
    if (ignored(e.path) || !/\.txt$/i.test(e.path)) continue;
    let isChat: boolean;
    try {
      isChat = await looksLikeChat(tree, e.path);
    } catch (err) {
      skipped.push(`${tree.describe(e.path)}: cannot be read (${errorMessage(err)})`);
      continue;
    }
    if (!isChat) continue;
    const dir = dirOf(e.path);
    out.push({ tree, path: e.path, dir, label: tree.describe(e.path), size: e.size,
      containers: [...folderNames(dir), ...outer] });
  }
  return out;
}

export async function openChats(location: string): Promise<ChatExport> {
  let stat;
  try {
    stat = await fs.stat(location);
  } catch {
    throw configError(`${location}: no such file or folder`);
  }
  const trees: ExportTree[] = [];
  let closed = false;
  const close = async () => {
    closed = true;
    for (const t of [...trees].reverse()) await t.close().catch(() => undefined);
  };
  const readEntry = async (chat: ChatFile, entryPath: string): Promise<Buffer> => {
    if (chat.looseDir !== undefined) return fs.readFile(path.join(chat.looseDir, entryPath));
    if (!closed) return chat.tree.readBuffer(entryPath);
    const again = await openExportTree(chat.tree.location);
    try {
      return await again.readBuffer(entryPath);
    } finally {
      await again.close();
    }
  };
  const skipped: string[] = [];
  try {
    const root = await openExportTree(location);
    trees.push(root);
    const rootName = path.basename(location);
    if (stat.isFile() && !root.isZip) {
      // The admin chose this file: it is read as a chat whatever its first lines hold.
      const e = root.entries[0]!;
      const chat = { tree: root, path: e.path, dir: '', label: root.describe(e.path), size: e.size, containers: [path.basename(path.dirname(path.resolve(location)))], looseDir: path.dirname(location) };
      return { chats: [chat], skipped, close, readEntry };
    }
    skipped.push(...root.problems);
    const chats = await chatsIn(root, [rootName], skipped);
    if (!root.isZip) {
      const chatDirs = new Set(chats.map((c) => c.dir));
      for (const e of root.entries) {
        if (ignored(e.path) || !/\.zip$/i.test(e.path) || chatDirs.has(dirOf(e.path))) continue;
        const abs = path.join(location, e.path);
        if (!(await isZipFile(abs).catch(() => false))) continue;
        let inner: ExportTree;
        try {
          inner = await openExportTree(abs);
        } catch (err) {
          skipped.push(`${abs}: ${errorMessage(err)}`);
          continue;
        }
        trees.push(inner);
        skipped.push(...inner.problems);
        const found = await chatsIn(inner, [path.posix.basename(e.path), ...folderNames(dirOf(e.path)), rootName], skipped);
        if (!found.length) skipped.push(`${abs}: no WhatsApp chat text file in it`);
        chats.push(...found);
      }
      chats.sort((a, b) => (a.label < b.label ? -1 : a.label > b.label ? 1 : 0));
    }
    if (!chats.length) {
      throw configError(`${location}: no WhatsApp chat found (expected a chat .txt file such as _chat.txt or "WhatsApp Chat with …txt", a ZIP holding one, or a folder of them)`);
    }
    return { chats, skipped, close, readEntry };
  } catch (err) {
    await close();
    throw err;
  }
}
