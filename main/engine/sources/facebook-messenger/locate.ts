/**
 * Where the conversations of a Meta "Download your information" export are: one `message_1.json`
 * (or any JSON file the admin chose), a conversation folder of `message_<n>.json` files, or the whole
 * export as a folder or ZIP (`messages/inbox/<thread>/`, `your_facebook_activity/messages/…`,
 * `your_instagram_activity/messages/inbox/<thread>/`, with archived_threads, filtered_threads,
 * message_requests and e2ee_cutover beside inbox). Facebook 2018 exports call the file `message.json`.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { configError } from '../../errors';
import { type ExportTree, isZipFile, openExportTree } from '../shared/export-tree';
import { ExportFiles } from '../shared/export-files';

export interface ConversationFiles {
  /** The folder holding the files, inside the tree (`''` for a file chosen by itself). */
  folder: string;
  /** Its JSON files, by part number (message_1 first). */
  entries: string[];
}

export interface OpenedExport {
  tree: ExportTree;
  files: ExportFiles;
  conversations: ConversationFiles[];
}

const MESSAGE_FILE = /^message(?:_(\d+))?\.json$/i;
const part = (entry: string) => Number(MESSAGE_FILE.exec(path.posix.basename(entry))?.[1] ?? 0);

export async function openExport(location: unknown): Promise<OpenedExport> {
  if (!location || typeof location !== 'string') throw configError('facebook-messenger needs a path: a message_1.json file, a conversation folder, or the whole "Download your information" export (folder or ZIP)');
  const stat = await fs.stat(location).catch(() => undefined);
  if (!stat) throw configError(`${location}: no such file or folder`);
  const tree = await openExportTree(location);
  if (stat.isFile() && !(await isZipFile(location))) {
    // One JSON file: the files it names are looked up from the folders above it, on disk.
    return { tree, files: new ExportFiles(tree, location, path.dirname(location)), conversations: [{ folder: '', entries: [tree.entries[0]!.path] }] };
  }
  const byFolder = new Map<string, string[]>();
  for (const e of tree.entries) {
    if (!MESSAGE_FILE.test(path.posix.basename(e.path))) continue;
    const folder = path.posix.dirname(e.path);
    byFolder.set(folder, [...(byFolder.get(folder) ?? []), e.path]);
  }
  if (!byFolder.size) {
    await tree.close();
    const html = tree.entries.some((e) => /(^|\/)message_\d+\.html$/i.test(e.path));
    throw configError(html
      ? `${location}: this export is in HTML; download your information again with the format JSON`
      : `${location}: no message_1.json in it (not a Facebook or Instagram "Download your information" export with messages)`);
  }
  const conversations = [...byFolder].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([folder, entries]) => ({ folder: folder === '.' ? '' : folder, entries: entries.sort((a, b) => part(a) - part(b)) }));
  return { tree, files: new ExportFiles(tree, location), conversations };
}

/**
 * `Instagram` when the export says so by its layout or name (`your_instagram_activity/`,
 * `instagram-<user>-<date>.zip`): the name of what the admin chose and the paths inside it, never the
 * folders above it.
 */
export function guessPlatform(location: string, entry: string): 'Facebook' | 'Instagram' {
  return /instagram/i.test(`${path.basename(location)}/${entry}`) ? 'Instagram' : 'Facebook';
}
