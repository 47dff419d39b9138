/**
 * Where the bulk export is and where its attachment files are. The admin may choose the JSONL file
 * itself (attachments are then looked up beside it on disk, file by file), or the folder or the ZIP
 * that `mmctl export` writes (the JSONL plus a `data/` folder of attachments), read in place.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { Attachment } from '../../item';
import { type ExportTree, type TreeEntry, isZipFile, openExportTree } from '../shared/export-tree';
import { configError } from '../../errors';

export interface MattermostExport {
  tree: ExportTree;
  /** The JSONL entry in the tree. */
  jsonl: TreeEntry;
  files: AttachmentFiles;
  close(): Promise<void>;
}

async function firstLine(tree: ExportTree, entry: string): Promise<string> {
  const stream = await tree.open(entry);
  let head = '';
  try {
    for await (const c of stream) {
      head += (c as Buffer).toString('utf8');
      if (head.includes('\n') || head.length > 4096) break;
    }
  } finally {
    stream.destroy();
  }
  return head.replace(/^\uFEFF/, '').split('\n')[0]!.trim();
}

function isVersionLine(line: string): boolean {
  try {
    const v = JSON.parse(line) as { type?: unknown };
    return v?.type === 'version';
  } catch {
    return false;
  }
}

const depth = (p: string) => p.split('/').length;

/** The JSONL of a folder or ZIP: `*.jsonl` first, else a `.json` whose first line is the version object; the shallowest wins. */
async function findJsonl(tree: ExportTree): Promise<TreeEntry> {
  let candidates = tree.entries.filter((e) => e.path.toLowerCase().endsWith('.jsonl'));
  if (!candidates.length) {
    const json = tree.entries.filter((e) => e.path.toLowerCase().endsWith('.json') && !e.path.startsWith('data/'));
    candidates = [];
    for (const e of json) if (isVersionLine(await firstLine(tree, e.path))) candidates.push(e);
  }
  if (!candidates.length) {
    throw configError(`${tree.location}: no Mattermost bulk export found (a .jsonl file, or a .json file whose first line is {"type":"version",...})`);
  }
  const top = Math.min(...candidates.map((e) => depth(e.path)));
  const shallowest = candidates.filter((e) => depth(e.path) === top);
  if (shallowest.length > 1) {
    throw configError(`${tree.location}: several bulk export files (${shallowest.map((e) => e.path).join(', ')}); choose one of them`);
  }
  return shallowest[0]!;
}

export async function openMattermostExport(location: string): Promise<MattermostExport> {
  let stat;
  try {
    stat = await fs.stat(location);
  } catch {
    throw configError(`${location}: no such file or folder`);
  }
  const tree = await openExportTree(location);
  try {
    if (stat.isFile() && !(await isZipFile(location))) {
      const jsonl = tree.entries[0]!;
      return { tree, jsonl, files: new BesideFiles(path.dirname(location)), close: () => tree.close() };
    }
    const jsonl = await findJsonl(tree);
    return { tree, jsonl, files: new TreeFiles(tree, path.posix.dirname(jsonl.path)), close: () => tree.close() };
  } catch (err) {
    await tree.close();
    throw err;
  }
}

/** Attachment paths as the JSONL writes them, relative to the export (often under `data/`). */
export interface AttachmentFiles {
  find(p: string): Promise<Attachment | undefined>;
}

/** A relative path that stays inside the export, or undefined. */
function safeRelative(p: string): string | undefined {
  const rel = p.replace(/\\/g, '/');
  if (path.posix.isAbsolute(rel) || /^[A-Za-z]:/.test(rel)) return undefined;
  const norm = path.posix.normalize(rel);
  return norm === '..' || norm.startsWith('../') ? undefined : norm;
}

function candidates(p: string, dir: string): string[] {
  const rel = safeRelative(p);
  if (!rel) return [];
  const prefix = dir === '.' || dir === '' ? '' : `${dir}/`;
  return [...new Set([`${prefix}${rel}`, `${prefix}data/${rel}`, rel, `data/${rel}`])];
}

class TreeFiles implements AttachmentFiles {
  constructor(private readonly tree: ExportTree, private readonly dir: string) {}

  async find(p: string): Promise<Attachment | undefined> {
    for (const c of candidates(p, this.dir)) {
      const e = this.tree.get(c);
      if (e) return { filename: path.posix.basename(e.path), size: e.size, read: () => this.tree.readBuffer(e.path) };
    }
    return undefined;
  }
}

class BesideFiles implements AttachmentFiles {
  constructor(private readonly dir: string) {}

  async find(p: string): Promise<Attachment | undefined> {
    for (const c of candidates(p, '')) {
      const abs = path.join(this.dir, ...c.split('/'));
      const st = await fs.stat(abs).catch(() => undefined);
      if (st?.isFile()) return { filename: path.basename(abs), size: st.size, read: () => fs.readFile(abs) };
    }
    return undefined;
  }
}
