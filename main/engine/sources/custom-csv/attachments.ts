/**
 * Attachment paths named in a mapped file, resolved against a base folder: on disk (a CSV or XML file,
 * or a folder) or inside a ZIP read in place. A path that leaves the base folder (`../`, absolute, a
 * drive letter, a symlink pointing out) is refused, never read: the file is third-party data.
 * Content is read lazily, when the item is converted.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { Attachment } from '../../item';
import type { ExportTree } from '../shared/export-tree';

export type Resolved = { attachment: Attachment } | { missing: string } | { refused: string };

export interface AttachmentResolver {
  resolve(ref: string): Promise<Resolved>;
}

/** A path as written, made relative with `/` separators; or why it cannot be used. */
function relativePath(ref: string): { rel: string } | { refused: string } {
  const p = ref.trim().replace(/\\/g, '/');
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(p)) return { refused: 'a URL, not a file of the export; not downloaded' };
  if (p.startsWith('/') || /^[a-z]:/i.test(p)) return { refused: 'an absolute path; attachment paths must be relative to the attachment folder' };
  if (p.includes('\0')) return { refused: 'the path holds a NUL character' };
  const rel = path.posix.normalize(p);
  if (rel === '..' || rel.startsWith('../')) return { refused: 'the path leaves the attachment folder' };
  if (rel === '.' || rel.endsWith('/')) return { refused: 'a folder, not a file' };
  return { rel };
}

/** Files on disk under `base` (an absolute folder). */
export function folderResolver(base: string): AttachmentResolver {
  let realBase: Promise<string> | undefined;
  return {
    async resolve(ref) {
      const r = relativePath(ref);
      if ('refused' in r) return r;
      const abs = path.resolve(base, r.rel);
      let real: string;
      let size: number;
      try {
        real = await fs.realpath(abs);
        const st = await fs.stat(real);
        if (!st.isFile()) return { refused: 'a folder, not a file' };
        size = st.size;
      } catch {
        return { missing: `not found in ${base}` };
      }
      // A symlink inside the folder may point anywhere: compare the real paths.
      realBase ??= fs.realpath(base).catch(() => base);
      const inside = path.relative(await realBase, real);
      if (inside.startsWith('..') || path.isAbsolute(inside)) return { refused: 'the path leads out of the attachment folder (a symbolic link)' };
      return { attachment: { filename: path.basename(r.rel), size, read: () => fs.readFile(real) } };
    },
  };
}

/** Entries of a ZIP (or any export tree) under `base` (a path inside the tree, '' for its root). */
export function treeResolver(tree: ExportTree, base: string): AttachmentResolver {
  const prefix = base ? `${base.replace(/\/+$/, '')}/` : '';
  return {
    async resolve(ref) {
      const r = relativePath(ref);
      if ('refused' in r) return r;
      const entryPath = `${prefix}${r.rel}`;
      const entry = tree.get(entryPath);
      if (!entry) return { missing: `not in ${tree.describe(prefix || '.')}` };
      return { attachment: { filename: path.posix.basename(r.rel), size: entry.size, read: () => tree.readBuffer(entry.path) } };
    },
  };
}
