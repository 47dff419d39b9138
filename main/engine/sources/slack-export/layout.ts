/**
 * Where things are in a Slack workspace export: the folder holding `users.json`/`channels.json`
 * (the export's root; a ZIP may wrap it in one more folder), the conversation lists, and one folder
 * per conversation of `YYYY-MM-DD.json` day files. `__uploads/` (slackdump) and `<folder>/attachments/`
 * hold downloaded files, never messages.
 */
import path from 'node:path';
import type { ExportTree, TreeEntry } from '../shared/export-tree';

export const LIST_FILES = ['users.json', 'channels.json', 'groups.json', 'dms.json', 'mpims.json'] as const;
export type ListFile = (typeof LIST_FILES)[number];

export interface ConversationFolder {
  /** The folder name: a channel name, or a DM/MPIM id or name. */
  name: string;
  /** Path of the folder inside the tree, with a trailing `/`. */
  dir: string;
  /** Day files, sorted by date. */
  days: TreeEntry[];
}

export interface SlackLayout {
  /** Prefix of the export root inside the tree: `` or `Workspace export/`. */
  root: string;
  lists: Partial<Record<ListFile, string>>;
  folders: ConversationFolder[];
  /** JSON files inside conversation folders that are not day files, for notices. */
  skipped: string[];
}

const DAY_FILE = /^(\d{4}-\d{2}-\d{2})\.json$/;

function depth(p: string): number {
  return p.split('/').length;
}

/** The export's root, or undefined when neither users.json nor channels.json is anywhere. */
function findRoot(tree: ExportTree): string | undefined {
  let best: string | undefined;
  for (const e of tree.entries) {
    const base = path.posix.basename(e.path);
    if (base !== 'users.json' && base !== 'channels.json') continue;
    if (e.path.split('/').some((s) => s.startsWith('__'))) continue;
    if (best === undefined || depth(e.path) < depth(best)) best = e.path;
  }
  if (best === undefined) return undefined;
  const dir = path.posix.dirname(best);
  return dir === '.' ? '' : `${dir}/`;
}

export function findLayout(tree: ExportTree): SlackLayout | undefined {
  const root = findRoot(tree);
  if (root === undefined) return undefined;
  const lists: SlackLayout['lists'] = {};
  for (const f of LIST_FILES) if (tree.get(`${root}${f}`)) lists[f] = `${root}${f}`;
  const byFolder = new Map<string, ConversationFolder>();
  const skipped: string[] = [];
  for (const e of tree.entries) {
    if (!e.path.startsWith(root)) continue;
    const parts = e.path.slice(root.length).split('/');
    if (parts.length !== 2 || parts[0]!.startsWith('__')) continue;
    const [folder, file] = parts as [string, string];
    if (!DAY_FILE.test(file)) {
      if (file.toLowerCase().endsWith('.json')) skipped.push(e.path);
      continue;
    }
    let f = byFolder.get(folder);
    if (!f) byFolder.set(folder, f = { name: folder, dir: `${root}${folder}/`, days: [] });
    f.days.push(e);
  }
  const folders = [...byFolder.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const f of folders) f.days.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { root, lists, folders, skipped };
}
