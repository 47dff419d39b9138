/**
 * Finds the conversations of a Google Takeout "Google Chat" export: `Google Chat/Groups/<DM or Space
 * id>/messages.json` with `group_info.json` and the exported files beside it, and
 * `Google Chat/Users/<user>/user_info.json` (the exporting account). The admin may choose the
 * Takeout ZIP or folder, the `Google Chat` or `Groups` folder, one group folder, or its messages.json.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { configError } from '../../errors';
import type { Identity } from '../../item';
import { type ExportTree, isZipFile, openExportTree } from '../shared/export-tree';
import { isObj, personOf } from './people';

export interface Group {
  /** Folder of the group inside the tree ('' when the tree is the group folder itself). */
  dir: string;
  /** `DM 4o2z…` / `Space AAAA…`: the folder's name. */
  folder: string;
  /** The id part of the folder name, used in item ids. */
  id: string;
  kind: 'DM' | 'Space' | 'Group';
  messages: string;
}

export interface OpenedChat {
  tree: ExportTree;
  groups: Group[];
  /** The exporting account(s), from Users/<user>/user_info.json. */
  owners: Identity[];
  problems: string[];
}

function groupOf(entry: string, rootName: string): Group {
  const dir = path.posix.dirname(entry) === '.' ? '' : path.posix.dirname(entry);
  const folder = dir ? path.posix.basename(dir) : rootName;
  const m = /^(DM|Space|Group)\s+(.+)$/i.exec(folder);
  const kind = m ? (m[1]!.toUpperCase() === 'DM' ? 'DM' : m[1]!.toLowerCase() === 'space' ? 'Space' : 'Group') : 'Group';
  return { dir, folder, id: (m ? m[2]! : folder).trim(), kind, messages: entry };
}

export async function openChat(location: string): Promise<OpenedChat> {
  if (!location || typeof location !== 'string') throw configError('google-chat needs a path: the Takeout ZIP or folder, the Google Chat folder, a group folder, or its messages.json');
  const stat = await fs.stat(location).catch(() => undefined);
  if (!stat) throw configError(`${location}: no such file or folder`);
  // messages.json chosen by itself: its folder is the group (group_info.json and the files are there).
  const single = stat.isFile() && !(await isZipFile(location));
  const root = single ? path.dirname(location) : location;
  const tree = await openExportTree(root);
  const rootName = path.basename(root);
  const wanted = single ? path.basename(location) : undefined;
  const groups = tree.entries
    .filter((e) => (wanted ? e.path === wanted : path.posix.basename(e.path) === 'messages.json'))
    .map((e) => groupOf(e.path, rootName));
  if (!groups.length) {
    await tree.close();
    const hangouts = tree.entries.some((e) => /(^|\/)Hangouts\.json$/i.test(e.path));
    throw configError(hangouts
      ? `${location}: this is a Google Hangouts export (Hangouts.json), not Google Chat`
      : `${location}: no Google Chat messages.json in it (Takeout puts them in Google Chat/Groups/<DM or Space>/messages.json)`);
  }
  const owners: Identity[] = [];
  const problems: string[] = [];
  for (const e of tree.entries.filter((x) => /(^|\/)Users\/[^/]+\/user_info\.json$/.test(x.path))) {
    try {
      const doc: unknown = JSON.parse(await tree.readText(e.path));
      const p = personOf(isObj(doc) ? doc.user : undefined);
      if (p) owners.push(p);
    } catch (err) {
      problems.push(`${tree.describe(e.path)}: not readable JSON (${(err as Error).message}); the exporting account is not known from it`);
    }
  }
  return { tree, groups, owners, problems };
}
