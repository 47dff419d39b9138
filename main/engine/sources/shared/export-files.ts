/**
 * Files an export's JSON names by relative path (DiscordChatExporter's `media\x.png`, Meta's
 * `messages/inbox/…/photos/1.jpg`), looked up in the export tree, or — when the admin chose the
 * JSON file itself — on disk beside it. Used by discord-export, facebook-messenger and teams-export
 * (`ExportFiles`), and telegram-export (`ReopeningTree`).
 *
 * A path is tried against the JSON's folder and, when the format names files from the export's
 * root (Meta), against up to `ancestors` folders above it. Absolute paths and `..` are never
 * followed: a file outside the export is reported as missing, never read.
 *
 * Attachments are read lazily, possibly after `read()` has closed its tree (a consumer may collect
 * items first and convert them later), so a read after close opens the export again.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { type ExportTree, openExportTree } from './export-tree';

export type FileRef =
  | { state: 'present'; entry: string; size: number; name: string }
  | { state: 'remote'; url: string }
  | { state: 'missing'; path: string };

/** `a/b` + `c\d.png` → `a/b/c/d.png`; undefined when the path is absolute or leaves `base`. */
export function joinInside(base: string, rel: string): string | undefined {
  const r = rel.trim().replace(/\\/g, '/');
  if (!r || r.startsWith('/') || /^[A-Za-z]:/.test(r)) return undefined;
  if (r.split('/').includes('..')) return undefined;
  const joined = path.posix.normalize(base && base !== '.' ? `${base}/${r}` : r);
  return joined === '.' ? undefined : joined.replace(/^\.\//, '');
}

const isRemote = (s: string) => /^[a-z][a-z0-9+.-]*:\/\//i.test(s.trim());

/** The folders to try: the JSON's own, then up to `ancestors` above it. */
function bases(dir: string, ancestors: number): string[] {
  const out: string[] = [];
  let d = dir === '.' ? '' : dir;
  for (let i = 0; i <= ancestors; i++) {
    out.push(d);
    if (!d || d === path.parse(d).root) break;
    const up = d.includes('/') ? path.posix.dirname(d) : '';
    d = up === '.' ? '' : up;
  }
  return out;
}

/** An export tree whose entries stay readable after `close()`: a read after close opens the export again. */
export class ReopeningTree {
  private closed = false;

  constructor(readonly tree: ExportTree, private readonly location: string) {}

  async read(entry: string): Promise<Buffer> {
    if (!this.closed) return this.tree.readBuffer(entry);
    const again = await openExportTree(this.location);
    try {
      return await again.readBuffer(entry);
    } finally {
      await again.close();
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.tree.close();
  }
}

export class ExportFiles extends ReopeningTree {
  /** `dir`: the folder on disk holding the JSON file the admin chose; files are looked up there, not in the tree. */
  constructor(tree: ExportTree, location: string, private readonly dir?: string) {
    super(tree, location);
  }

  /** Resolves `raw`, written in the JSON at tree entry `jsonEntry`. */
  async resolve(jsonEntry: string, raw: string, ancestors = 0): Promise<FileRef> {
    const v = raw.trim();
    if (isRemote(v)) return { state: 'remote', url: v };
    if (this.dir) {
      // Disk: `dir` is absolute; its ancestors are tried the same way, as absolute folders.
      for (const base of bases(this.dir.split(path.sep).join('/'), ancestors)) {
        const rel = joinInside('', v);
        if (!rel) break;
        const abs = path.join(base || '/', ...rel.split('/'));
        const stat = await fs.stat(abs).catch(() => undefined);
        if (stat?.isFile()) return { state: 'present', entry: abs, size: stat.size, name: path.basename(abs) };
      }
      return { state: 'missing', path: v };
    }
    for (const base of bases(path.posix.dirname(jsonEntry), ancestors)) {
      const joined = joinInside(base, v);
      if (!joined) break;
      const entry = this.tree.get(joined);
      if (entry) return { state: 'present', entry: entry.path, size: entry.size, name: path.posix.basename(entry.path) };
    }
    return { state: 'missing', path: v };
  }

  /** On disk, `entry` is the absolute path `resolve` gave. */
  override async read(entry: string): Promise<Buffer> {
    return this.dir ? fs.readFile(entry) : super.read(entry);
  }
}
